import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { EMAIL, PHONE, type Identifier, type IdentityConfig } from './types';

/**
 * Longest identifier value accepted. Values are stored and indexed; anything longer is not an id a person
 * or a device carries, it is a payload sent into the wrong field.
 */
export const MAX_IDENTIFIER_VALUE_LENGTH = 1024;

const PERSIAN_ZERO = 0x06f0;
const ARABIC_INDIC_ZERO = 0x0660;

/** Replaces Persian (U+06F0–U+06F9) and Arabic-Indic (U+0660–U+0669) digits with ASCII 0–9, so "۰۹۱۲" matches "0912". */
export function toAsciiDigits(s: string): string {
  return s.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (d) => {
    const code = d.charCodeAt(0);
    const zero = code >= PERSIAN_ZERO ? PERSIAN_ZERO : ARABIC_INDIC_ZERO;
    return String(code - zero);
  });
}

/** Canonical form of an email address (trimmed, lower-cased), or null when it is not shaped like one. */
export function normalizeEmail(s: string): string | null {
  // The whole address is lower-cased: providers treat the local part case-insensitively in practice, and
  // "Sara@X.com" and "sara@x.com" must resolve to the same person.
  const email = toAsciiDigits(s.trim()).toLowerCase();
  if (email.length === 0 || /\s/.test(email)) return null;
  const parts = email.split('@');
  if (parts.length !== 2) return null;
  const [local, domain] = parts as [string, string];
  if (local.length === 0) return null;
  // A dot is required, and no empty labels ("a@b.", "a@.com", "a@b..com" are typos, not addresses).
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((label) => label.length === 0)) return null;
  return email;
}

// Bidirectional marks are invisible but common around numbers pasted from right-to-left (Persian, Arabic) text.
const PHONE_SEPARATORS = /[\s\-.()\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A phone number in E.164 ("+989121234567"), reading national numbers with `defaultCountry`; null when not a valid number. */
export function normalizePhone(s: string, defaultCountry: string): string | null {
  let phone = toAsciiDigits(s).replace(PHONE_SEPARATORS, '');
  if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
  // libphonenumber-js extracts digits from arbitrary text ("0912abc" parses); an identifier must be a number only.
  if (!/^\+?\d+$/.test(phone)) return null;
  try {
    const parsed = parsePhoneNumberFromString(phone, defaultCountry as CountryCode);
    // isValid, not isPossible: "0501234567" read as Iranian is a possible length but no Iranian number, and
    // attaching "+980501234567" would be a bogus identifier that could later merge two strangers.
    if (!parsed || !parsed.isValid()) return null;
    return parsed.number;
  } catch {
    // The parser signals some malformed input by throwing; for identity that is simply "not a phone".
    return null;
  }
}

type BlockReason = 'empty' | 'placeholder' | 'blocklist';

/** Why a value is junk rather than an identifier, or null when it is usable. */
function blockReason(value: string, blocklist: string[]): BlockReason | null {
  const trimmed = value.trim();
  if (trimmed.length === 0) return 'empty';
  const digitsOnly = trimmed.replace(/[-.+\s]/g, '');
  // "0000", "000-000", the nil UUID, or nothing but separators: defaults written by forms and SDKs, never a person.
  if (/^0*$/.test(digitsOnly)) return 'placeholder';
  const lower = trimmed.toLowerCase();
  return blocklist.some((entry) => entry.trim().toLowerCase() === lower) ? 'blocklist' : null;
}

/** True when `value` must never be used as an identifier: empty, all zeros, or on the blocklist (case-insensitive). */
export function isBlockedValue(value: string, blocklist: string[]): boolean {
  return blockReason(value, blocklist) !== null;
}

/** Outcome of {@link normalizeIdentifier}: the canonical identifier, or why the raw value was refused. */
export type NormalizedIdentifier =
  { ok: true; identifier: Identifier } | { ok: false; reason: 'blocked' | 'invalid'; detail: string };

/** Quotes a value for a human-readable detail without letting a huge value flood logs. */
export function quoteIdentifierValue(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function blockedDetail(type: string, value: string, reason: BlockReason): string {
  const quoted = quoteIdentifierValue(value);
  if (reason === 'empty') return `${type} is empty`;
  if (reason === 'placeholder') return `${type} ${quoted} is a placeholder (all zeros)`;
  return `${type} ${quoted} is on the blocklist`;
}

/** Turns a raw value of identifier type `type` into its canonical form, refusing junk and malformed values. */
export function normalizeIdentifier(
  type: string,
  raw: unknown,
  config: IdentityConfig,
): NormalizedIdentifier {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
  else {
    const got = raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw;
    return { ok: false, reason: 'invalid', detail: `${type} must be a string or a number, got ${got}` };
  }

  const trimmed = text.trim();
  // Checked before normalization too: "null" is not an email, but saying it is blocked is the truthful reason.
  const rawBlock = blockReason(trimmed, config.blocklist);
  if (rawBlock) return { ok: false, reason: 'blocked', detail: blockedDetail(type, trimmed, rawBlock) };
  if (trimmed.length > MAX_IDENTIFIER_VALUE_LENGTH) {
    return {
      ok: false,
      reason: 'invalid',
      detail: `${type} is ${trimmed.length} characters long (max ${MAX_IDENTIFIER_VALUE_LENGTH})`,
    };
  }

  let value: string | null;
  if (type === EMAIL) {
    value = normalizeEmail(trimmed);
    if (value === null) {
      return {
        ok: false,
        reason: 'invalid',
        detail: `email ${quoteIdentifierValue(trimmed)} is not a valid email address`,
      };
    }
  } else if (type === PHONE) {
    value = normalizePhone(trimmed, config.defaultCountry);
    if (value === null) {
      return {
        ok: false,
        reason: 'invalid',
        detail: `phone ${quoteIdentifierValue(trimmed)} is not a possible phone number (default country ${config.defaultCountry})`,
      };
    }
  } else {
    value = toAsciiDigits(trimmed);
  }

  const normalizedBlock = blockReason(value, config.blocklist);
  if (normalizedBlock) {
    return { ok: false, reason: 'blocked', detail: blockedDetail(type, value, normalizedBlock) };
  }
  return { ok: true, identifier: { type, value } };
}
