// The segment rule language as the builder edits it (local types mirroring packages/core/src/segments/types.ts;
// the server's validator is the source of truth). Every node carries an `id` so validation errors can be shown
// at the node they name.

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export type TimeUnit = 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years';
export const TIME_UNITS: TimeUnit[] = ['minutes', 'hours', 'days', 'weeks', 'months', 'years'];

export type Condition = { type: string } & Record<string, unknown>;

export type RuleNode =
  | { id?: string; and: RuleNode[] }
  | { id?: string; or: RuleNode[] }
  | { id?: string; not: RuleNode }
  | { id?: string; condition: Condition };

export const CONDITION_TYPES = [
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
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** How a value test reads its value: decides the operators offered and the inputs shown. */
export type ValueKind = 'text' | 'number' | 'date' | 'boolean';
export const VALUE_KINDS: ValueKind[] = ['text', 'number', 'date', 'boolean'];

export const OPS_BY_KIND: Record<ValueKind, string[]> = {
  text: ['equals', 'not_equals', 'contains', 'starts_with', 'in', 'exists', 'not_exists'],
  number: ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'exists', 'not_exists'],
  date: ['before', 'after', 'date_between', 'within_next_days', 'within_last_days', 'exists', 'not_exists'],
  boolean: ['equals', 'not_equals', 'exists', 'not_exists'],
};
/** Operators of event property filters (no relative dates). */
export const FILTER_OPS_BY_KIND: Record<ValueKind, string[]> = {
  ...OPS_BY_KIND,
  date: ['before', 'after', 'date_between', 'exists', 'not_exists'],
};
export const NUMERIC_OPS = ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'between'];
export const TIME_TEST_OPS = ['within_last', 'not_within_last', 'before', 'after', 'date_between'];
export const COUNT_OPS = ['at_least', 'at_most', 'exactly'];

/** Guesses the value kind of an existing test (for loading a saved rule). */
export function kindOf(t: Record<string, unknown>): ValueKind {
  const op = String(t.op ?? '');
  if (['before', 'after', 'date_between', 'within_next_days', 'within_last_days'].includes(op)) return 'date';
  if (['gt', 'gte', 'lt', 'lte', 'between'].includes(op)) return 'number';
  if (['contains', 'starts_with'].includes(op)) return 'text';
  const v = Array.isArray(t.value) ? t.value[0] : t.value;
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return 'text';
}

/** The value a test gets when its operator changes: kept when it still fits, else a sensible empty one. */
export function valueForOp(op: string, kind: ValueKind, prev: unknown): unknown {
  switch (op) {
    case 'exists':
    case 'not_exists':
      return undefined;
    case 'between':
      return Array.isArray(prev) && prev.length === 2 ? prev : [0, 0];
    case 'date_between':
      return Array.isArray(prev) && prev.length === 2 ? prev : ['', ''];
    case 'in':
      return Array.isArray(prev) ? prev : prev === undefined || prev === '' ? [] : [prev];
    case 'within_next_days':
    case 'within_last_days':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof prev === 'number' ? prev : 7;
    case 'before':
    case 'after':
      return typeof prev === 'string' ? prev : '';
    default:
      if (kind === 'boolean') return typeof prev === 'boolean' ? prev : true;
      if (kind === 'number') return typeof prev === 'number' ? prev : 0;
      return typeof prev === 'string' ? prev : '';
  }
}

/** Sets `op` (and a fitting value) on a test object, dropping fields the new operator does not take. */
export function withOp<T extends Record<string, unknown>>(t: T, op: string, kind: ValueKind): T {
  const out: Record<string, unknown> = { ...t, op };
  const v = valueForOp(op, kind, t.value);
  if (v === undefined) delete out.value;
  else out.value = v;
  if (!['within_next_days', 'within_last_days'].includes(op)) {
    delete out.recurring;
    delete out.utcOffsetMinutes;
  }
  if (!['equals', 'not_equals', 'contains', 'starts_with', 'in'].includes(op) || kind !== 'text')
    delete out.fold;
  return out as T;
}

let seq = 0;
/** A fresh node id, unique within the page. */
export const newId = (prefix = 'n') => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;

/** A new condition of a type with empty-but-typed fields the user fills in. */
export function defaultCondition(type: string): Condition {
  switch (type) {
    case 'trait':
      return { type, trait: '', op: 'equals', value: '' };
    case 'performed':
      return {
        type,
        event: { name: '' },
        count: { op: 'at_least', value: 1 },
        window: { last: 30, unit: 'days' },
      };
    case 'not_performed':
      return { type, event: { name: '' }, window: { last: 30, unit: 'days' } };
    case 'last_performed':
      return { type, event: { name: '' }, op: 'within_last', value: 7, unit: 'days' };
    case 'first_seen':
    case 'last_seen':
      return { type, op: 'within_last', value: 30, unit: 'days' };
    case 'channel':
      return { type, channel: 'web' };
    case 'touchpoint':
      return { type, touchpoint: '' };
    case 'computed':
      return { type, trait: '', op: 'gte', value: 1 };
    case 'score':
      return { type, model: '', op: 'gte', value: 10 };
    case 'segment':
      return { type, segment: '' };
    case 'consent':
      return { type, channel: 'email', state: 'subscribed' };
    case 'nps':
      return { type, question: '', group: 'promoter' };
    case 'survey_answer':
      return { type, question: '', op: 'equals', value: '' };
    case 'bucket':
      return { type, from: 0, to: 50 };
    default:
      return { type };
  }
}

export const newCondition = (type = 'trait'): RuleNode => ({
  id: newId(),
  condition: defaultCondition(type),
});
export const newGroup = (op: 'and' | 'or' = 'and'): RuleNode =>
  op === 'and' ? { id: newId('g'), and: [newCondition()] } : { id: newId('g'), or: [newCondition()] };

/** Gives every node of a loaded rule an id (saved rules may have none). */
export function withIds(n: RuleNode): RuleNode {
  const id = n.id ?? newId();
  if ('and' in n) return { ...n, id, and: n.and.map(withIds) };
  if ('or' in n) return { ...n, id, or: n.or.map(withIds) };
  if ('not' in n) return { ...n, id, not: withIds(n.not) };
  return { ...n, id };
}

/** The field paths the server names for each node (`rule.and[1].not.condition`), keyed by node id. */
export function nodePaths(n: RuleNode, path = 'rule', out = new Map<string, string>()): Map<string, string> {
  if (n.id) out.set(path, n.id);
  if ('and' in n) n.and.forEach((c, i) => nodePaths(c, `${path}.and[${i}]`, out));
  else if ('or' in n) n.or.forEach((c, i) => nodePaths(c, `${path}.or[${i}]`, out));
  else if ('not' in n) nodePaths(n.not, `${path}.not`, out);
  return out;
}

/** The node a field path points into: the longest node path that prefixes it. */
export function nodeOfField(rule: RuleNode, field: string): string | undefined {
  const paths = nodePaths(rule);
  const f = field.startsWith('rule') ? field : `rule.${field}`;
  let best: string | undefined;
  let bestLen = -1;
  for (const [p, id] of paths)
    if ((f === p || f.startsWith(`${p}.`) || f.startsWith(`${p}[`)) && p.length > bestLen) {
      best = id;
      bestLen = p.length;
    }
  return best;
}

export interface RuleIssue {
  code: string;
  message: string;
  field?: string;
  nodeId?: string;
}

/** Groups the server's errors by the node they name (unplaced ones under ''). */
export function issuesByNode(rule: RuleNode, issues: RuleIssue[]): Map<string, RuleIssue[]> {
  const out = new Map<string, RuleIssue[]>();
  for (const e of issues) {
    const id = e.nodeId ?? (e.field ? nodeOfField(rule, e.field) : undefined) ?? '';
    const list = out.get(id) ?? [];
    list.push(e);
    out.set(id, list);
  }
  return out;
}

/** Replaces the node with `id` (anywhere in the tree) by `f(node)`; `null` removes it. */
export function updateNode(n: RuleNode, id: string, f: (x: RuleNode) => RuleNode | null): RuleNode | null {
  if (n.id === id) return f(n);
  const map = (list: RuleNode[]) =>
    list.map((c) => updateNode(c, id, f)).filter((c): c is RuleNode => c !== null);
  if ('and' in n) return { ...n, and: map(n.and) };
  if ('or' in n) return { ...n, or: map(n.or) };
  if ('not' in n) {
    const inner = updateNode(n.not, id, f);
    return inner === null ? null : { ...n, not: inner };
  }
  return n;
}

/** Counts conditions, for the summary line. */
export function countConditions(n: RuleNode): number {
  if ('and' in n) return n.and.reduce((s, c) => s + countConditions(c), 0);
  if ('or' in n) return n.or.reduce((s, c) => s + countConditions(c), 0);
  if ('not' in n) return countConditions(n.not);
  return 1;
}

/** Parses a comma-separated list, as numbers when every item is one. */
export function parseList(s: string, numeric: boolean): (string | number)[] {
  const items = s
    .split(/[,،]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
  return numeric ? items.map((x) => Number(x)).filter((x) => !Number.isNaN(x)) : items;
}

/** Reads a number typed with Persian or Arabic digits too. */
export function toNumber(s: string): number {
  const latin = s
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[٫]/g, '.')
    .replace(/[\u200e\u200f\u061c]/g, '')
    .replace(/[−]/g, '-');
  return latin.trim() === '' ? Number.NaN : Number(latin);
}
