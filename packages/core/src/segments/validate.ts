// The validator is the source of truth for rules: stored JSON and UI input pass through it before compiling.
// Every error names the offending node by path (`rule.and[1].not.condition`) and, when it has one, by its
// `id`, so a rule builder can highlight the node; all errors are reported at once, not just the first.
import { err, ok, type DomainError, type Result } from '../errors';
import { parseDate } from './time';
import {
  TIME_UNITS,
  type ComputedTraitDefinition,
  type ComputedTraitType,
  type ConditionType,
  type RuleNode,
  type SegmentDefinitions,
  type ValueOperator,
} from './types';

/** A validation error; `nodeId` is the `id` of the offending rule node, `owner` the segment/model it is in. */
export interface RuleError extends DomainError {
  nodeId?: string;
  owner?: { kind: 'segment' | 'computed_trait' | 'score_model'; id: string };
}

export const RULE_LIMITS = {
  /** Nesting of and/or/not. */
  maxDepth: 20,
  /** Nodes in one rule. */
  maxNodes: 500,
  /** N of "at least / at most / exactly N times": the state keeps N+1 timestamps per profile. */
  maxCount: 1000,
  /** Items of an `in` list. */
  maxList: 1000,
  /** Amount of a window or duration, in its unit. */
  maxAmount: 100_000,
  /** Days of within_next_days / within_last_days. */
  maxDays: 36_600,
  maxStringLength: 1000,
} as const;

const ALL_OPS: readonly ValueOperator[] = [
  'equals',
  'not_equals',
  'contains',
  'starts_with',
  'in',
  'exists',
  'not_exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'before',
  'after',
  'date_between',
  'within_next_days',
  'within_last_days',
];
const STATIC_OPS = ALL_OPS.filter((o) => o !== 'within_next_days' && o !== 'within_last_days');
const NUMBER_OPS: readonly ValueOperator[] = [
  'equals',
  'not_equals',
  'in',
  'exists',
  'not_exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
];
const TIME_OPS: readonly ValueOperator[] = [
  'exists',
  'not_exists',
  'before',
  'after',
  'date_between',
  'within_next_days',
  'within_last_days',
];
const STRING_OPS: readonly ValueOperator[] = [
  'equals',
  'not_equals',
  'contains',
  'starts_with',
  'in',
  'exists',
  'not_exists',
];
const SCORE_OPS: readonly ValueOperator[] = ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'between'];
const TIME_TEST_OPS = ['before', 'after', 'date_between', 'within_last', 'not_within_last'] as const;
const COUNT_OPS = ['at_least', 'at_most', 'exactly'] as const;
const CONDITION_TYPES: readonly ConditionType[] = [
  'trait',
  'performed',
  'not_performed',
  'last_performed',
  'first_seen',
  'last_seen',
  'channel',
  'touchpoint',
  'computed',
  'score',
  'segment',
  'consent',
  'nps',
  'survey_answer',
  'bucket',
];
const COMPUTED_TYPES: readonly ComputedTraitType[] = [
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'first_time',
  'last_time',
  'top_channel',
  'rfm',
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);

/** Shows a bad value in a message: strings quoted and shortened, others by type. */
function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function list(xs: readonly string[]): string {
  return xs.join(', ');
}

/** What rules may refer to, and what they refer to (collected while checking, for the cycle check). */
interface Scope {
  segments: ReadonlySet<string>;
  external: ReadonlySet<string>;
  computed: ReadonlyMap<string, ComputedTraitType>;
  scores: ReadonlySet<string>;
}

interface Reference {
  to: string;
  path: string;
  nodeId: string | undefined;
}

/** Collects errors for one owner (segment, computed trait or score model). */
class Checker {
  nodes = 0;
  readonly refs: Reference[] = [];
  constructor(
    readonly errors: RuleError[],
    readonly owner: RuleError['owner'] | undefined,
    readonly scope: Scope,
  ) {}

  fail(code: string, path: string, message: string, nodeId?: string, field = path): void {
    const label = this.owner ? `${this.owner.kind.replace('_', ' ')} "${this.owner.id}": ` : '';
    // Computed traits and score models are checked from the root, where paths start with "."; drop it.
    const where = path.replace(/^\./, '');
    const node = nodeId === undefined ? '' : where ? ` (node "${nodeId}")` : `node "${nodeId}"`;
    const prefix = where || node ? `${where}${node}: ` : '';
    const e: RuleError = { code, field: field.replace(/^\./, ''), message: `${label}${prefix}${message}` };
    if (nodeId !== undefined) e.nodeId = nodeId;
    if (this.owner) e.owner = this.owner;
    this.errors.push(e);
  }

  /** Rejects fields the shape does not have: a misspelt `vlaue` must not silently mean "no value". */
  onlyKeys(o: Obj, allowed: readonly string[], path: string, nodeId: string | undefined): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k))
        this.fail(
          'unknown_field',
          path,
          `unknown field "${k}" (allowed: ${list(allowed)})`,
          nodeId,
          `${path}.${k}`,
        );
    }
  }

  string(v: unknown, path: string, what: string, nodeId: string | undefined, field: string): v is string {
    if (typeof v === 'string' && v.length > 0 && v.length <= RULE_LIMITS.maxStringLength) return true;
    this.fail(
      'invalid_value',
      path,
      `${what} must be a non-empty string of at most ${RULE_LIMITS.maxStringLength} characters (got ${show(v)})`,
      nodeId,
      field,
    );
    return false;
  }

  date(v: unknown, path: string, what: string, nodeId: string | undefined, field: string): boolean {
    if (parseDate(v) !== null) return true;
    this.fail(
      'invalid_value',
      path,
      `${what} must be a date: an ISO-8601 date or date-time such as "2026-03-21" or "2026-03-21T10:00:00+03:30", or epoch milliseconds (got ${show(v)})`,
      nodeId,
      field,
    );
    return false;
  }

  unit(v: unknown, path: string, nodeId: string | undefined, field: string): void {
    if (typeof v === 'string' && (TIME_UNITS as readonly string[]).includes(v)) return;
    if (typeof v === 'string')
      this.fail('unknown_unit', path, `unknown unit "${v}" (use ${list(TIME_UNITS)})`, nodeId, field);
    else
      this.fail(
        'unknown_unit',
        path,
        `unit must be one of ${list(TIME_UNITS)} (got ${show(v)})`,
        nodeId,
        field,
      );
  }

  amount(v: unknown, path: string, what: string, nodeId: string | undefined, field: string): void {
    if (isInt(v) && v >= 1 && v <= RULE_LIMITS.maxAmount) return;
    this.fail(
      'invalid_value',
      path,
      `${what} must be a whole number from 1 to ${RULE_LIMITS.maxAmount} (got ${show(v)})`,
      nodeId,
      field,
    );
  }

  /** A window: `{ last, unit }` or `{ from, to }` (from < to); `rollingOnly` for channel conditions. */
  window(w: unknown, path: string, nodeId: string | undefined, rollingOnly = false): void {
    if (!isObj(w)) {
      this.fail(
        'invalid_value',
        path,
        `window must be { "last": N, "unit": "days" }${rollingOnly ? '' : ' or { "from": date, "to": date }'} (got ${show(w)})`,
        nodeId,
        `${path}.window`,
      );
      return;
    }
    const wp = `${path}.window`;
    if ('last' in w || 'unit' in w) {
      this.onlyKeys(w, ['last', 'unit'], wp, nodeId);
      this.amount(w.last, wp, 'window.last', nodeId, `${wp}.last`);
      this.unit(w.unit, wp, nodeId, `${wp}.unit`);
      return;
    }
    if (rollingOnly) {
      this.fail(
        'invalid_value',
        wp,
        'channel and touchpoint conditions take only rolling windows { "last": N, "unit": … }',
        nodeId,
      );
      return;
    }
    this.onlyKeys(w, ['from', 'to'], wp, nodeId);
    const a = this.date(w.from, wp, 'window.from', nodeId, `${wp}.from`);
    const b = this.date(w.to, wp, 'window.to', nodeId, `${wp}.to`);
    if (a && b && parseDate(w.from)!.ms >= parseDate(w.to)!.ms) {
      this.fail('invalid_value', wp, 'window.from must be before window.to', nodeId);
    }
  }

  /** An event selector: name, optional messageType, channel and property filters. */
  selector(s: unknown, path: string, nodeId: string | undefined): void {
    const sp = `${path}.event`;
    if (!isObj(s)) {
      this.fail(
        'invalid_value',
        path,
        `event must be an object like { "name": "Order Completed" } (got ${show(s)})`,
        nodeId,
        sp,
      );
      return;
    }
    this.onlyKeys(s, ['name', 'messageType', 'channel', 'where'], sp, nodeId);
    this.string(s.name, sp, 'event.name', nodeId, `${sp}.name`);
    if (s.messageType !== undefined && !['track', 'page', 'screen'].includes(s.messageType as string)) {
      this.fail(
        'invalid_value',
        sp,
        `event.messageType must be track, page or screen (got ${show(s.messageType)})`,
        nodeId,
        `${sp}.messageType`,
      );
    }
    if (s.channel !== undefined) this.string(s.channel, sp, 'event.channel', nodeId, `${sp}.channel`);
    if (s.where === undefined) return;
    if (!Array.isArray(s.where)) {
      this.fail(
        'invalid_value',
        sp,
        `event.where must be a list of property filters (got ${show(s.where)})`,
        nodeId,
        `${sp}.where`,
      );
      return;
    }
    s.where.forEach((f, i) => {
      const fp = `${sp}.where[${i}]`;
      if (!isObj(f)) {
        this.fail(
          'invalid_value',
          fp,
          `a property filter must be an object like { "property": "total", "op": "gt", "value": 100 } (got ${show(f)})`,
          nodeId,
        );
        return;
      }
      this.string(f.property, fp, 'property', nodeId, `${fp}.property`);
      this.valueTest(f, fp, nodeId, STATIC_OPS, 'event properties', ['property']);
    });
  }

  /** Whether `op` is an operator at all (else "unknown operator", naming the ones allowed here). */
  knownOp(
    op: unknown,
    all: readonly string[],
    allowed: readonly string[],
    path: string,
    nodeId: string | undefined,
  ): op is string {
    if (typeof op === 'string' && all.includes(op)) return true;
    this.fail(
      'unknown_operator',
      path,
      typeof op === 'string'
        ? `unknown operator "${op}" (use ${list(allowed)})`
        : `op must be one of ${list(allowed)} (got ${show(op)})`,
      nodeId,
      `${path}.op`,
    );
    return false;
  }

  /**
   * A value test `{ op, value, … }` with `op` among `allowed`; `extra` lists the surrounding object's other
   * fields. Checks the value's type for the operator ("gt" needs a number).
   */
  valueTest(
    o: Obj,
    path: string,
    nodeId: string | undefined,
    allowed: readonly ValueOperator[],
    where: string,
    extra: readonly string[],
  ): void {
    const op = o.op;
    if (!this.knownOp(op, ALL_OPS, allowed, path, nodeId)) return;
    if (!allowed.includes(op as ValueOperator)) {
      this.fail(
        'invalid_operator',
        path,
        `operator "${op}" cannot be used on ${where} (use ${list(allowed)})`,
        nodeId,
        `${path}.op`,
      );
      return;
    }
    const v = o.value;
    const vf = `${path}.value`;
    const need = (ok: boolean, what: string) => {
      if (!ok)
        this.fail(
          'invalid_value',
          path,
          `"${op}" needs ${what} (got ${v === undefined ? 'no value' : show(v)})`,
          nodeId,
          vf,
        );
    };
    const fields = ['op', ...extra];
    switch (op as ValueOperator) {
      case 'exists':
      case 'not_exists':
        if (v !== undefined) this.fail('invalid_value', path, `"${op}" takes no value`, nodeId, vf);
        break;
      case 'equals':
      case 'not_equals':
        fields.push('value', 'fold');
        if (where === 'numbers' || where === 'scores') need(isNum(v), 'a number value');
        else
          need(
            typeof v === 'string' || isNum(v) || typeof v === 'boolean',
            'a string, number or boolean value',
          );
        break;
      case 'contains':
      case 'starts_with':
        fields.push('value', 'fold');
        need(typeof v === 'string' && v.length > 0, 'a non-empty string value');
        break;
      case 'in':
        fields.push('value', 'fold');
        need(
          Array.isArray(v) &&
            v.length > 0 &&
            v.length <= RULE_LIMITS.maxList &&
            v.every((x) => (where === 'numbers' ? isNum(x) : typeof x === 'string' || isNum(x))),
          `a list of 1 to ${RULE_LIMITS.maxList} ${where === 'numbers' ? 'numbers' : 'strings or numbers'}`,
        );
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        fields.push('value');
        need(isNum(v), 'a number value');
        break;
      case 'between':
        fields.push('value');
        need(
          Array.isArray(v) && v.length === 2 && isNum(v[0]) && isNum(v[1]) && v[0] <= v[1],
          'a value [min, max] of two numbers with min ≤ max',
        );
        break;
      case 'before':
      case 'after':
        fields.push('value');
        this.date(v, path, `"${op}" value`, nodeId, vf);
        break;
      case 'date_between':
        fields.push('value');
        need(
          Array.isArray(v) &&
            v.length === 2 &&
            parseDate(v[0]) !== null &&
            parseDate(v[1]) !== null &&
            parseDate(v[0])!.ms < parseDate(v[1])!.ms,
          'a value [from, to] of two dates (ISO-8601 or epoch ms) with from before to',
        );
        break;
      case 'within_next_days':
      case 'within_last_days':
        fields.push('value', 'recurring', 'utcOffsetMinutes');
        need(
          isInt(v) && v >= 0 && v <= RULE_LIMITS.maxDays,
          `a whole number of days from 0 to ${RULE_LIMITS.maxDays}`,
        );
        if (o.recurring !== undefined && o.recurring !== 'yearly') {
          this.fail(
            'invalid_value',
            path,
            `recurring must be "yearly" (got ${show(o.recurring)})`,
            nodeId,
            `${path}.recurring`,
          );
        }
        if (
          o.utcOffsetMinutes !== undefined &&
          !(isInt(o.utcOffsetMinutes) && Math.abs(o.utcOffsetMinutes) <= 14 * 60)
        ) {
          this.fail(
            'invalid_value',
            path,
            `utcOffsetMinutes must be a whole number from -840 to 840, e.g. 210 for Tehran (got ${show(o.utcOffsetMinutes)})`,
            nodeId,
            `${path}.utcOffsetMinutes`,
          );
        }
        break;
    }
    if (o.fold !== undefined && typeof o.fold !== 'boolean') {
      this.fail(
        'invalid_value',
        path,
        `fold must be true or false (got ${show(o.fold)})`,
        nodeId,
        `${path}.fold`,
      );
    }
    this.onlyKeys(o, fields, path, nodeId);
  }

  /** A time test on a point in time (last performed, first/last seen). */
  timeTest(o: Obj, path: string, nodeId: string | undefined, extra: readonly string[]): void {
    const op = o.op;
    if (!this.knownOp(op, TIME_TEST_OPS, TIME_TEST_OPS, path, nodeId)) return;
    if (op === 'within_last' || op === 'not_within_last') {
      this.onlyKeys(o, ['op', 'value', 'unit', ...extra], path, nodeId);
      this.amount(o.value, path, `"${op}" value`, nodeId, `${path}.value`);
      this.unit(o.unit, path, nodeId, `${path}.unit`);
      return;
    }
    this.onlyKeys(o, ['op', 'value', ...extra], path, nodeId);
    if (op === 'date_between') {
      const v = o.value;
      if (!(
        Array.isArray(v) &&
        v.length === 2 &&
        parseDate(v[0]) !== null &&
        parseDate(v[1]) !== null &&
        parseDate(v[0])!.ms < parseDate(v[1])!.ms
      )) {
        this.fail(
          'invalid_value',
          path,
          `"date_between" needs a value [from, to] of two dates with from before to (got ${show(v)})`,
          nodeId,
          `${path}.value`,
        );
      }
    } else this.date(o.value, path, `"${op}" value`, nodeId, `${path}.value`);
  }

  /** A rule tree. */
  rule(node: unknown, path: string, depth: number): void {
    if (++this.nodes === RULE_LIMITS.maxNodes + 1) {
      this.fail('rule_too_large', path, `a rule may have at most ${RULE_LIMITS.maxNodes} nodes`);
    }
    if (!isObj(node)) {
      this.fail(
        'invalid_rule',
        path,
        `a rule node must be an object with one of "and", "or", "not", "condition" (got ${show(node)})`,
      );
      return;
    }
    const id = typeof node.id === 'string' ? node.id : undefined;
    if (node.id !== undefined && id === undefined)
      this.fail('invalid_value', path, `id must be a string (got ${show(node.id)})`, undefined, `${path}.id`);
    if (depth > RULE_LIMITS.maxDepth) {
      this.fail('rule_too_large', path, `rules may nest at most ${RULE_LIMITS.maxDepth} levels`, id);
      return;
    }
    const kinds = ['and', 'or', 'not', 'condition'].filter((k) => k in node);
    if (kinds.length !== 1) {
      this.fail(
        'invalid_rule',
        path,
        kinds.length === 0
          ? 'a rule node needs one of "and", "or", "not", "condition"'
          : `a rule node has exactly one of "and", "or", "not", "condition" (got ${list(kinds)})`,
        id,
      );
      return;
    }
    const kind = kinds[0] as 'and' | 'or' | 'not' | 'condition';
    this.onlyKeys(node, ['id', kind], path, id);
    const child = node[kind];
    if (kind === 'and' || kind === 'or') {
      if (!Array.isArray(child) || child.length === 0) {
        this.fail(
          'invalid_rule',
          `${path}.${kind}`,
          `"${kind}" needs a non-empty list of rule nodes (got ${show(child)})`,
          id,
        );
        return;
      }
      child.forEach((c, i) => this.rule(c, `${path}.${kind}[${i}]`, depth + 1));
    } else if (kind === 'not') this.rule(child, `${path}.not`, depth + 1);
    else this.condition(child, `${path}.condition`, id);
  }

  condition(c: unknown, path: string, id: string | undefined): void {
    if (!isObj(c)) {
      this.fail('invalid_rule', path, `a condition must be an object with a "type" (got ${show(c)})`, id);
      return;
    }
    const type = c.type;
    if (typeof type !== 'string' || !(CONDITION_TYPES as readonly string[]).includes(type)) {
      this.fail(
        'unknown_condition',
        path,
        `unknown condition type ${show(type)} (use ${list(CONDITION_TYPES)})`,
        id,
        `${path}.type`,
      );
      return;
    }
    switch (type as ConditionType) {
      case 'trait':
        this.string(c.trait, path, 'trait', id, `${path}.trait`);
        this.valueTest(c, path, id, ALL_OPS, 'traits', ['type', 'trait']);
        break;
      case 'performed': {
        this.onlyKeys(c, ['type', 'event', 'count', 'window'], path, id);
        this.selector(c.event, path, id);
        if (c.count !== undefined) {
          const cp = `${path}.count`;
          if (!isObj(c.count))
            this.fail(
              'invalid_value',
              path,
              `count must be { "op": "at_least", "value": N } (got ${show(c.count)})`,
              id,
              cp,
            );
          else {
            this.onlyKeys(c.count, ['op', 'value'], cp, id);
            const op = c.count.op;
            if (typeof op !== 'string' || !(COUNT_OPS as readonly string[]).includes(op)) {
              this.fail(
                'unknown_operator',
                path,
                `unknown count operator ${show(op)} (use ${list(COUNT_OPS)})`,
                id,
                `${cp}.op`,
              );
            }
            const n = c.count.value;
            if (!(isInt(n) && n >= 0 && n <= RULE_LIMITS.maxCount)) {
              this.fail(
                'invalid_value',
                path,
                `count.value must be a whole number from 0 to ${RULE_LIMITS.maxCount} (got ${show(n)})`,
                id,
                `${cp}.value`,
              );
            }
          }
        }
        if (c.window !== undefined) this.window(c.window, path, id);
        break;
      }
      case 'not_performed':
        this.onlyKeys(c, ['type', 'event', 'window'], path, id);
        this.selector(c.event, path, id);
        if (c.window !== undefined) this.window(c.window, path, id);
        break;
      case 'last_performed':
        this.selector(c.event, path, id);
        this.timeTest(c, path, id, ['type', 'event']);
        break;
      case 'first_seen':
      case 'last_seen':
        this.timeTest(c, path, id, ['type']);
        break;
      case 'channel':
        this.onlyKeys(c, ['type', 'channel', 'window'], path, id);
        this.string(c.channel, path, 'channel', id, `${path}.channel`);
        if (c.window !== undefined) this.window(c.window, path, id, true);
        break;
      case 'touchpoint':
        this.onlyKeys(c, ['type', 'touchpoint', 'channel', 'window'], path, id);
        this.string(c.touchpoint, path, 'touchpoint', id, `${path}.touchpoint`);
        if (c.channel !== undefined) this.string(c.channel, path, 'channel', id, `${path}.channel`);
        if (c.window !== undefined) this.window(c.window, path, id, true);
        break;
      case 'computed': {
        if (!this.string(c.trait, path, 'trait', id, `${path}.trait`)) break;
        const kind = this.scope.computed.get(c.trait);
        if (kind === undefined) {
          this.fail('unknown_reference', path, `unknown computed trait "${c.trait}"`, id, `${path}.trait`);
          break;
        }
        const extra = ['type', 'trait'];
        if (kind === 'rfm') {
          extra.push('component');
          if (!['recency', 'frequency', 'monetary'].includes(c.component as string)) {
            this.fail(
              'invalid_value',
              path,
              `"${c.trait}" is an RFM trait: component must be recency, frequency or monetary (got ${show(c.component)})`,
              id,
              `${path}.component`,
            );
          }
        }
        const [ops, what] =
          kind === 'first_time' || kind === 'last_time'
            ? [TIME_OPS, 'times']
            : kind === 'top_channel'
              ? [STRING_OPS, 'channel names']
              : [NUMBER_OPS, 'numbers'];
        this.valueTest(c, path, id, ops, what, extra);
        break;
      }
      case 'score':
        if (this.string(c.model, path, 'model', id, `${path}.model`) && !this.scope.scores.has(c.model)) {
          this.fail('unknown_reference', path, `unknown score model "${c.model}"`, id, `${path}.model`);
        } else if (typeof c.model === 'string') this.refs.push({ to: `score:${c.model}`, path, nodeId: id });
        this.valueTest(c, path, id, SCORE_OPS, 'scores', ['type', 'model']);
        break;
      case 'segment':
        this.onlyKeys(c, ['type', 'segment'], path, id);
        if (!this.string(c.segment, path, 'segment', id, `${path}.segment`)) break;
        if (this.scope.segments.has(c.segment))
          this.refs.push({ to: `segment:${c.segment}`, path, nodeId: id });
        else if (!this.scope.external.has(c.segment)) {
          this.fail(
            'unknown_reference',
            path,
            `unknown segment "${c.segment}" (neither defined nor listed in externalSegments)`,
            id,
            `${path}.segment`,
          );
        }
        break;
      case 'consent':
        this.onlyKeys(c, ['type', 'channel', 'state', 'group'], path, id);
        this.string(c.channel, path, 'channel', id, `${path}.channel`);
        if (c.group !== undefined && c.group !== null)
          this.string(c.group, path, 'group', id, `${path}.group`);
        if (c.state !== 'subscribed' && c.state !== 'unsubscribed') {
          this.fail(
            'invalid_value',
            path,
            `state must be subscribed or unsubscribed (got ${show(c.state)})`,
            id,
            `${path}.state`,
          );
        }
        break;
      case 'nps':
        this.onlyKeys(c, ['type', 'question', 'group'], path, id);
        this.string(c.question, path, 'question', id, `${path}.question`);
        if (!['promoter', 'passive', 'detractor'].includes(c.group as string)) {
          this.fail(
            'invalid_value',
            path,
            `group must be promoter, passive or detractor (got ${show(c.group)})`,
            id,
            `${path}.group`,
          );
        }
        break;
      case 'survey_answer':
        this.string(c.question, path, 'question', id, `${path}.question`);
        this.valueTest(c, path, id, ALL_OPS, 'survey answers', ['type', 'question']);
        break;
      case 'bucket':
        this.onlyKeys(c, ['type', 'from', 'to', 'salt'], path, id);
        if (!(isNum(c.from) && isNum(c.to) && c.from >= 0 && c.to <= 100 && c.from < c.to)) {
          this.fail(
            'invalid_value',
            path,
            `bucket needs numbers 0 ≤ from < to ≤ 100 (got from ${show(c.from)}, to ${show(c.to)})`,
            id,
          );
        }
        if (c.salt !== undefined) this.string(c.salt, path, 'salt', id, `${path}.salt`);
        break;
    }
  }
}

function checkComputed(def: unknown, path: string, errors: RuleError[], scope: Scope): void {
  if (!isObj(def) || typeof def.id !== 'string') return; // reported by checkIds
  const ck = new Checker(errors, { kind: 'computed_trait', id: def.id }, scope);
  const type = def.type;
  if (typeof type !== 'string' || !(COMPUTED_TYPES as readonly string[]).includes(type)) {
    ck.fail(
      'unknown_condition',
      path,
      `unknown computed trait type ${show(type)} (use ${list(COMPUTED_TYPES)})`,
      undefined,
      `${path}.type`,
    );
    return;
  }
  const t = type as ComputedTraitType;
  const allowed = ['id', 'name', 'type', 'event'];
  if (t !== 'top_channel' || def.event !== undefined) ck.selector(def.event, path, undefined);
  if (t === 'sum' || t === 'min' || t === 'max' || t === 'avg' || t === 'rfm') {
    allowed.push('property');
    ck.string(def.property, path, 'property', undefined, `${path}.property`);
  }
  if (t !== 'first_time' && t !== 'last_time' && t !== 'top_channel') {
    allowed.push('window');
    if (def.window !== undefined) ck.window(def.window, path, undefined);
  }
  if (t === 'rfm') {
    allowed.push('recencyDays', 'frequency', 'monetary');
    for (const k of ['recencyDays', 'frequency', 'monetary']) {
      const v = def[k];
      const okList =
        Array.isArray(v) &&
        v.length === 4 &&
        v.every(isNum) &&
        v.every((x, i) => x >= 0 && (i === 0 || x > (v[i - 1] as number)));
      if (!okList)
        ck.fail(
          'invalid_value',
          path,
          `${k} must be 4 ascending non-negative numbers (got ${show(v)})`,
          undefined,
          `${path}.${k}`,
        );
    }
  }
  if (def.name !== undefined && typeof def.name !== 'string')
    ck.fail('invalid_value', path, 'name must be a string', undefined, `${path}.name`);
  ck.onlyKeys(def, allowed, path, undefined);
}

/** A score decay: expireAfter and/or halfLife, each a duration. */
function checkDecay(ck: Checker, decay: unknown, dp: string, id: string | undefined): void {
  if (!isObj(decay) || (decay.expireAfter === undefined && decay.halfLife === undefined)) {
    ck.fail(
      'invalid_value',
      dp,
      'decay needs expireAfter and/or halfLife, each { "amount": N, "unit": "days" }',
      id,
    );
    return;
  }
  ck.onlyKeys(decay, ['expireAfter', 'halfLife'], dp, id);
  for (const k of ['expireAfter', 'halfLife'] as const) {
    const d = decay[k];
    if (d === undefined) continue;
    if (!isObj(d)) {
      ck.fail(
        'invalid_value',
        dp,
        `${k} must be { "amount": N, "unit": "days" } (got ${show(d)})`,
        id,
        `${dp}.${k}`,
      );
      continue;
    }
    ck.onlyKeys(d, ['amount', 'unit'], `${dp}.${k}`, id);
    ck.amount(d.amount, dp, `${k}.amount`, id, `${dp}.${k}.amount`);
    ck.unit(d.unit, dp, id, `${dp}.${k}.unit`);
  }
}

function checkScoreModel(def: unknown, path: string, errors: RuleError[], scope: Scope): Reference[] {
  if (!isObj(def) || typeof def.id !== 'string') return [];
  const ck = new Checker(errors, { kind: 'score_model', id: def.id }, scope);
  ck.onlyKeys(def, ['id', 'name', 'rules', 'adjustments'], path, undefined);
  if (def.adjustments !== undefined) {
    if (!isObj(def.adjustments))
      ck.fail(
        'invalid_value',
        'adjustments',
        `adjustments must be an object { "decay": { "halfLife": … } } (got ${show(def.adjustments)})`,
      );
    else {
      ck.onlyKeys(def.adjustments, ['decay'], 'adjustments', undefined);
      if (def.adjustments.decay !== undefined)
        checkDecay(ck, def.adjustments.decay, 'adjustments.decay', undefined);
    }
  }
  if (!Array.isArray(def.rules) || def.rules.length === 0) {
    ck.fail(
      'invalid_value',
      path,
      `rules must be a non-empty list of { "points": N, "when": rule } or { "points": N, "per": event } (got ${show(def.rules)})`,
      undefined,
      `${path}.rules`,
    );
    return [];
  }
  def.rules.forEach((r, i) => {
    const rp = `rules[${i}]`;
    if (!isObj(r)) {
      ck.fail('invalid_value', rp, `a score rule must be an object (got ${show(r)})`);
      return;
    }
    const id = typeof r.id === 'string' ? r.id : undefined;
    if (!(isInt(r.points) && Math.abs(r.points) <= 1_000_000)) {
      ck.fail(
        'invalid_value',
        rp,
        `points must be a whole number from -1000000 to 1000000 (got ${show(r.points)})`,
        id,
        `${rp}.points`,
      );
    }
    if ('when' in r) {
      ck.onlyKeys(r, ['id', 'points', 'when'], rp, id);
      ck.rule(r.when, `${rp}.when`, 1);
    } else if ('per' in r) {
      ck.onlyKeys(r, ['id', 'points', 'per', 'decay'], rp, id);
      const sel = { event: r.per };
      ck.selector(sel.event, rp, id);
      if (r.decay !== undefined) checkDecay(ck, r.decay, `${rp}.decay`, id);
    } else ck.fail('invalid_value', rp, 'a score rule needs "when" (a rule) or "per" (an event)', id);
  });
  return ck.refs;
}

/** Checks that ids are non-empty strings, unique within their kind. */
function checkIds(
  items: unknown,
  kind: 'segments' | 'computedTraits' | 'scoreModels',
  errors: RuleError[],
): Set<string> {
  const ids = new Set<string>();
  if (items === undefined && kind !== 'segments') return ids;
  if (!Array.isArray(items)) {
    errors.push({
      code: 'invalid_rule',
      field: kind,
      message: `${kind} must be a list (got ${show(items)})`,
    });
    return ids;
  }
  items.forEach((it, i) => {
    const id = isObj(it) ? it.id : undefined;
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
      errors.push({
        code: 'invalid_value',
        field: `${kind}[${i}].id`,
        message: `${kind}[${i}].id must be a non-empty string of at most 200 characters (got ${show(id)})`,
      });
    } else if (ids.has(id)) {
      errors.push({
        code: 'duplicate_id',
        field: `${kind}[${i}].id`,
        message: `${kind}[${i}].id: "${id}" is defined twice`,
      });
    } else ids.add(id);
  });
  return ids;
}

/**
 * Finds reference cycles among segments and score models and reports each at the condition that closes it,
 * naming the segment (or model) and node: a cycle has no stable answer and would recurse forever.
 */
function checkCycles(graph: Map<string, Reference[]>, errors: RuleError[]): void {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const label = (n: string) => {
    const [kind, ...rest] = n.split(':');
    return `${kind === 'score' ? 'score model' : 'segment'} "${rest.join(':')}"`;
  };
  const visit = (n: string): void => {
    state.set(n, 1);
    stack.push(n);
    for (const ref of graph.get(n) ?? []) {
      const s = state.get(ref.to);
      if (s === 1) {
        const cycle = [...stack.slice(stack.indexOf(ref.to)), ref.to].map(label).join(' → ');
        const [kind, ...rest] = n.split(':');
        const owner = {
          kind: kind === 'score' ? ('score_model' as const) : ('segment' as const),
          id: rest.join(':'),
        };
        const node = ref.nodeId === undefined ? '' : ` (node "${ref.nodeId}")`;
        const e: RuleError = {
          code: 'segment_cycle',
          field: ref.path,
          owner,
          message: `${label(n)}: ${ref.path}${node}: refers to ${label(ref.to)}, which leads back here (cycle: ${cycle})`,
        };
        if (ref.nodeId !== undefined) e.nodeId = ref.nodeId;
        errors.push(e);
      } else if (s === undefined && graph.has(ref.to)) visit(ref.to);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
}

/**
 * Validates segments, computed traits and score models together: shapes, operators and value types,
 * references (computed traits, score models, segments or `externalSegments`) and reference cycles.
 */
export function validateDefinitions(input: unknown): Result<SegmentDefinitions, RuleError[]> {
  const errors: RuleError[] = [];
  if (!isObj(input)) {
    return err([
      { code: 'invalid_rule', message: `definitions must be an object with "segments" (got ${show(input)})` },
    ]);
  }
  for (const k of Object.keys(input)) {
    if (!['segments', 'computedTraits', 'scoreModels', 'externalSegments'].includes(k)) {
      errors.push({ code: 'unknown_field', field: k, message: `unknown field "${k}"` });
    }
  }
  const segIds = checkIds(input.segments, 'segments', errors);
  checkIds(input.computedTraits, 'computedTraits', errors);
  const scoreIds = checkIds(input.scoreModels, 'scoreModels', errors);
  const external = new Set<string>();
  if (input.externalSegments !== undefined) {
    if (
      !Array.isArray(input.externalSegments) ||
      !input.externalSegments.every((x) => typeof x === 'string')
    ) {
      errors.push({
        code: 'invalid_value',
        field: 'externalSegments',
        message: 'externalSegments must be a list of segment ids',
      });
    } else for (const x of input.externalSegments as string[]) external.add(x);
  }
  const computed = new Map<string, ComputedTraitType>();
  for (const c of Array.isArray(input.computedTraits) ? input.computedTraits : []) {
    if (isObj(c) && typeof c.id === 'string' && typeof c.type === 'string')
      computed.set(c.id, c.type as ComputedTraitDefinition['type']);
  }
  const scope: Scope = { segments: segIds, external, computed, scores: scoreIds };
  const graph = new Map<string, Reference[]>();

  (Array.isArray(input.computedTraits) ? input.computedTraits : []).forEach((c) =>
    checkComputed(c, '', errors, scope),
  );
  (Array.isArray(input.scoreModels) ? input.scoreModels : []).forEach((m) => {
    const refs = checkScoreModel(m, '', errors, scope);
    if (isObj(m) && typeof m.id === 'string') graph.set(`score:${m.id}`, refs);
  });
  (Array.isArray(input.segments) ? input.segments : []).forEach((s, i) => {
    if (!isObj(s) || typeof s.id !== 'string') return;
    const ck = new Checker(errors, { kind: 'segment', id: s.id }, scope);
    ck.onlyKeys(s, ['id', 'name', 'rule'], `segments[${i}]`, undefined);
    if (s.name !== undefined && typeof s.name !== 'string')
      ck.fail('invalid_value', 'name', 'name must be a string');
    ck.rule(s.rule, 'rule', 1);
    graph.set(`segment:${s.id}`, ck.refs);
  });
  checkCycles(graph, errors);
  return errors.length > 0 ? err(errors) : ok(input as unknown as SegmentDefinitions);
}

/** Validates one rule (e.g. a preview in the rule builder) against what it may refer to. */
export function validateRule(
  rule: unknown,
  scope: {
    segments?: readonly string[];
    computedTraits?: readonly ComputedTraitDefinition[];
    scoreModels?: readonly string[];
  } = {},
): Result<RuleNode, RuleError[]> {
  const errors: RuleError[] = [];
  const ck = new Checker(errors, undefined, {
    segments: new Set<string>(),
    external: new Set(scope.segments ?? []),
    computed: new Map((scope.computedTraits ?? []).map((c) => [c.id, c.type])),
    scores: new Set(scope.scoreModels ?? []),
  });
  ck.rule(rule, 'rule', 1);
  return errors.length > 0 ? err(errors) : ok(rule as RuleNode);
}
