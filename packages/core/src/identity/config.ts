import { isSupportedCountry } from 'libphonenumber-js';
import { err, ok, type DomainError, type Result } from '../errors';
import { ANONYMOUS_ID, EMAIL, PHONE, USER_ID, type IdentifierRule, type IdentityConfig } from './types';

/** The identity settings a workspace starts with. */
export const DEFAULT_IDENTITY_CONFIG: IdentityConfig = {
  rules: [
    { type: USER_ID, priority: 1, limit: 1 },
    { type: EMAIL, priority: 2, limit: 5, traits: ['email'] },
    { type: PHONE, priority: 3, limit: 5, traits: ['phone', 'mobile'] },
    { type: ANONYMOUS_ID, priority: 100, limit: 100, weak: true },
  ],
  blocklist: [
    'null',
    'undefined',
    'nil',
    'none',
    'anonymous',
    'unknown',
    'n/a',
    'na',
    '-',
    'test',
    'test@test.com',
    'guest',
  ],
  maxIdentitiesPerProfile: 250,
  maxProfilesPerMerge: 10,
  defaultCountry: 'IR',
};

const RULE_TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const CONFIG_KEYS = new Set([
  'rules',
  'blocklist',
  'maxIdentitiesPerProfile',
  'maxProfilesPerMerge',
  'defaultCountry',
]);
const RULE_KEYS = new Set(['type', 'priority', 'limit', 'traits', 'weak']);

function invalid(field: string | undefined, message: string): Result<never> {
  const error: DomainError = { code: 'invalid_config', message };
  if (field !== undefined) error.field = field;
  return err(error);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

/** The first key not in `allowed`, so a typo ("maxIdentityPerProfile") fails loudly instead of being ignored. */
function unknownKey(obj: Record<string, unknown>, allowed: Set<string>): string | undefined {
  return Object.keys(obj).find((k) => !allowed.has(k));
}

function validateRule(input: unknown, field: string): Result<IdentifierRule> {
  if (!isObject(input))
    return invalid(field, `${field} must be an object like {"type":"email","priority":2,"limit":5}`);
  const extra = unknownKey(input, RULE_KEYS);
  if (extra !== undefined) {
    return invalid(
      `${field}.${extra}`,
      `${field} has unknown field "${extra}" (allowed: ${[...RULE_KEYS].join(', ')})`,
    );
  }
  const { type, priority, limit, traits, weak } = input;
  if (typeof type !== 'string' || !RULE_TYPE.test(type)) {
    return invalid(
      `${field}.type`,
      `${field}.type must be a lower-case name of letters, digits and "_" starting with a letter (max 64), got ${JSON.stringify(type)}`,
    );
  }
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    return invalid(`${field}.priority`, `${field}.priority must be a number (lower = higher priority)`);
  }
  if (!isPositiveInteger(limit)) {
    return invalid(`${field}.limit`, `${field}.limit must be an integer >= 1, got ${JSON.stringify(limit)}`);
  }
  const rule: IdentifierRule = { type, priority, limit };
  if (traits !== undefined) {
    if (!Array.isArray(traits))
      return invalid(`${field}.traits`, `${field}.traits must be an array of trait names`);
    const names: string[] = [];
    for (const [i, name] of traits.entries()) {
      if (typeof name !== 'string' || name.length === 0) {
        return invalid(`${field}.traits[${i}]`, `${field}.traits[${i}] must be a non-empty string`);
      }
      names.push(name);
    }
    rule.traits = names;
  }
  if (weak !== undefined) {
    if (typeof weak !== 'boolean') return invalid(`${field}.weak`, `${field}.weak must be true or false`);
    rule.weak = weak;
  }
  return ok(rule);
}

function copyRules(rules: IdentifierRule[]): IdentifierRule[] {
  return rules.map((r) => ({ ...r, ...(r.traits ? { traits: [...r.traits] } : {}) }));
}

/** Checks a workspace identity configuration, filling missing optional fields from {@link DEFAULT_IDENTITY_CONFIG}. */
export function validateIdentityConfig(input: unknown): Result<IdentityConfig> {
  if (input === undefined || input === null) input = {};
  if (!isObject(input)) return invalid(undefined, 'identity config must be a JSON object');
  const extra = unknownKey(input, CONFIG_KEYS);
  if (extra !== undefined) {
    return invalid(
      extra,
      `unknown identity config field "${extra}" (allowed: ${[...CONFIG_KEYS].join(', ')})`,
    );
  }

  let rules: IdentifierRule[];
  if (input.rules === undefined) {
    rules = copyRules(DEFAULT_IDENTITY_CONFIG.rules);
  } else {
    if (!Array.isArray(input.rules)) return invalid('rules', 'rules must be an array of identifier rules');
    rules = [];
    const seen = new Set<string>();
    for (const [i, raw] of input.rules.entries()) {
      const rule = validateRule(raw, `rules[${i}]`);
      if (!rule.ok) return rule;
      if (seen.has(rule.value.type)) {
        return invalid(
          `rules[${i}].type`,
          `rules[${i}].type "${rule.value.type}" is configured twice; types must be unique`,
        );
      }
      seen.add(rule.value.type);
      rules.push(rule.value);
    }
    // The engine always derives these two from userId/anonymousId; without a rule they could not be resolved.
    for (const required of [USER_ID, ANONYMOUS_ID]) {
      if (!seen.has(required)) return invalid('rules', `rules must include a rule for "${required}"`);
    }
  }

  let blocklist: string[];
  if (input.blocklist === undefined) {
    blocklist = [...DEFAULT_IDENTITY_CONFIG.blocklist];
  } else {
    if (!Array.isArray(input.blocklist)) return invalid('blocklist', 'blocklist must be an array of strings');
    blocklist = [];
    for (const [i, v] of input.blocklist.entries()) {
      if (typeof v !== 'string') return invalid(`blocklist[${i}]`, `blocklist[${i}] must be a string`);
      blocklist.push(v);
    }
  }

  const limits = {
    maxIdentitiesPerProfile: DEFAULT_IDENTITY_CONFIG.maxIdentitiesPerProfile,
    maxProfilesPerMerge: DEFAULT_IDENTITY_CONFIG.maxProfilesPerMerge,
  };
  for (const key of ['maxIdentitiesPerProfile', 'maxProfilesPerMerge'] as const) {
    const v = input[key];
    if (v === undefined) continue;
    if (!isPositiveInteger(v))
      return invalid(key, `${key} must be an integer >= 1, got ${JSON.stringify(v)}`);
    limits[key] = v;
  }

  let defaultCountry = DEFAULT_IDENTITY_CONFIG.defaultCountry;
  if (input.defaultCountry !== undefined) {
    const c = input.defaultCountry;
    if (typeof c !== 'string' || !/^[A-Z]{2}$/.test(c)) {
      return invalid(
        'defaultCountry',
        `defaultCountry must be an ISO 3166 alpha-2 code in upper case (e.g. "IR"), got ${JSON.stringify(c)}`,
      );
    }
    // A code unknown to the phone metadata would silently make every national phone number invalid.
    if (!isSupportedCountry(c)) {
      return invalid('defaultCountry', `defaultCountry "${c}" is not a country with known phone numbering`);
    }
    defaultCountry = c;
  }

  return ok({ rules, blocklist, ...limits, defaultCountry });
}
