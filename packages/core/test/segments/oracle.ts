// Test oracle: the documented semantics evaluated naively over the whole event list at time t, with no
// aggregates, no incremental state and no change-time bookkeeping. The property test checks the compiled
// evaluator against it. Value tests (string/number/date comparisons) are shared with the implementation and
// covered by their own unit tests; everything about history and time is re-implemented here.
import type { IncomingEvent } from '../../src/ingest/types';
import type { ProfileState } from '../../src/profile/types';
import { percentBucket } from '../../src/segments/hash';
import { bucketSize, DAY, dateMs, UNIT_MS } from '../../src/segments/time';
import type {
  ComputedTraitDefinition,
  ComputedValue,
  Condition,
  EventSelector,
  RuleNode,
  ScoreModel,
  SegmentDefinitions,
  SegmentView,
  TimeTest,
  ValueTest,
  Window,
} from '../../src/segments/types';
import { compileStaticTest, compileTest, toNumber } from '../../src/segments/values';

export interface OracleInput {
  defs: SegmentDefinitions;
  events: readonly IncomingEvent[];
  /** Used for traits only (newest-wins trait state); seen times and channels come from `events`. */
  profile: ProfileState;
  consent?: SegmentView['consent'];
  surveys?: SegmentView['surveys'];
  lookup?: (id: string) => boolean;
}

const test = (v: unknown, t: number, vt: ValueTest): boolean => compileTest(vt)(v, t, { tchg: 0 });

function matches(sel: EventSelector, e: IncomingEvent): boolean {
  if (e.type !== (sel.messageType ?? 'track') || e.name !== sel.name) return false;
  if (sel.channel !== undefined && e.channel !== sel.channel) return false;
  for (const f of sel.where ?? []) {
    const v = Object.hasOwn(e.properties, f.property) ? e.properties[f.property] : undefined;
    if (!compileStaticTest(f)(v)) return false;
  }
  return true;
}

/** Exact window membership: rolling windows keep events younger than W; fixed ones are [from, to). */
function inWindow(ts: number, w: Window | undefined, t: number): boolean {
  if (w === undefined) return true;
  if ('last' in w) return ts > t - w.last * UNIT_MS[w.unit];
  return ts >= dateMs(w.from) && ts < dateMs(w.to);
}

/** Bucketed window membership (computed traits): the event's bucket start plus W is still ahead of t. */
function inBucketedWindow(ts: number, w: Window | undefined, t: number): boolean {
  if (w === undefined || !('last' in w)) return inWindow(ts, w, t);
  const wm = w.last * UNIT_MS[w.unit];
  const g = bucketSize(wm);
  return Math.floor(ts / g) * g + wm > t;
}

function timeTest(v: number | null, tt: TimeTest, t: number): boolean {
  if (v === null) return false;
  switch (tt.op) {
    case 'before':
      return v < dateMs(tt.value);
    case 'after':
      return v > dateMs(tt.value);
    case 'date_between':
      return v >= dateMs(tt.value[0]) && v < dateMs(tt.value[1]);
    case 'within_last':
      return v > t - tt.value * UNIT_MS[tt.unit];
    case 'not_within_last':
      return v <= t - tt.value * UNIT_MS[tt.unit];
  }
}

export function computedValue(def: ComputedTraitDefinition, input: OracleInput, t: number): ComputedValue {
  const evs = def.event ? input.events.filter((e) => matches(def.event!, e)) : input.events;
  switch (def.type) {
    case 'count':
      return evs.filter((e) => inBucketedWindow(e.timestamp, def.window, t)).length;
    case 'sum':
    case 'min':
    case 'max':
    case 'avg': {
      const xs = evs
        .filter((e) => inBucketedWindow(e.timestamp, def.window, t))
        .map((e) => toNumber(e.properties[def.property]))
        .filter((x) => !Number.isNaN(x));
      if (def.type === 'sum') return xs.reduce((a, b) => a + b, 0);
      if (xs.length === 0) return null;
      if (def.type === 'min') return Math.min(...xs);
      if (def.type === 'max') return Math.max(...xs);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    }
    case 'first_time':
      return evs.length === 0 ? null : Math.min(...evs.map((e) => e.timestamp));
    case 'last_time':
      return evs.length === 0 ? null : Math.max(...evs.map((e) => e.timestamp));
    case 'top_channel': {
      const stats = new Map<string, { n: number; last: number }>();
      for (const e of evs) {
        const s = stats.get(e.channel) ?? { n: 0, last: -Infinity };
        stats.set(e.channel, { n: s.n + 1, last: Math.max(s.last, e.timestamp) });
      }
      const sorted = [...stats].sort(
        (a, b) => b[1].n - a[1].n || b[1].last - a[1].last || (a[0] < b[0] ? -1 : 1),
      );
      return sorted.length === 0 ? null : sorted[0]![0];
    }
    case 'rfm': {
      if (evs.length === 0) return null;
      const last = Math.max(...evs.map((e) => e.timestamp));
      const age = t - last;
      const idx = def.recencyDays.findIndex((d) => age < d * DAY);
      const recency = idx === -1 ? 1 : 5 - idx;
      const inW = evs.filter((e) => inBucketedWindow(e.timestamp, def.window, t));
      const grade = (x: number, limits: number[]) => 1 + limits.filter((l) => x >= l).length;
      const money = inW.map((e) => toNumber(e.properties[def.property])).filter((x) => !Number.isNaN(x));
      return {
        recency,
        frequency: grade(inW.length, def.frequency),
        monetary: grade(
          money.reduce((a, b) => a + b, 0),
          def.monetary,
        ),
      };
    }
  }
}

export function scoreValue(model: ScoreModel, input: OracleInput, t: number): number {
  let total = 0;
  for (const rule of model.rules) {
    if ('when' in rule) {
      if (ruleHolds(rule.when, input, t, model.id)) total += rule.points;
      continue;
    }
    const evs = input.events.filter((e) => matches(rule.per, e));
    const expire = rule.decay?.expireAfter
      ? rule.decay.expireAfter.amount * UNIT_MS[rule.decay.expireAfter.unit]
      : Infinity;
    const half = rule.decay?.halfLife
      ? rule.decay.halfLife.amount * UNIT_MS[rule.decay.halfLife.unit]
      : Infinity;
    if (expire === Infinity && half === Infinity) {
      total += evs.length * rule.points;
      continue;
    }
    const g = bucketSize(...[expire, half].filter((x) => x !== Infinity));
    for (const e of evs) {
      const start = Math.floor(e.timestamp / g) * g;
      if (start + expire <= t) continue;
      const k = half === Infinity ? 0 : Math.max(0, Math.floor((t - start) / half));
      total += Math.trunc(rule.points / 2 ** k);
    }
  }
  return total;
}

function conditionHolds(c: Condition, input: OracleInput, t: number, owner: string): boolean {
  const evs = input.events;
  switch (c.type) {
    case 'trait':
      return test(
        Object.hasOwn(input.profile.traits.values, c.trait)
          ? input.profile.traits.values[c.trait]
          : undefined,
        t,
        c,
      );
    case 'performed':
    case 'not_performed': {
      const n = evs.filter((e) => matches(c.event, e) && inWindow(e.timestamp, c.window, t)).length;
      if (c.type === 'not_performed') return n === 0;
      const ct = c.count ?? { op: 'at_least', value: 1 };
      return ct.op === 'at_least' ? n >= ct.value : ct.op === 'at_most' ? n <= ct.value : n === ct.value;
    }
    case 'last_performed': {
      const m = evs.filter((e) => matches(c.event, e));
      return timeTest(m.length === 0 ? null : Math.max(...m.map((e) => e.timestamp)), c, t);
    }
    case 'first_seen':
      return timeTest(Math.min(...evs.map((e) => e.timestamp)), c, t);
    case 'last_seen':
      return timeTest(Math.max(...evs.map((e) => e.timestamp)), c, t);
    case 'channel':
      return evs.some((e) => e.channel === c.channel && inWindow(e.timestamp, c.window, t));
    case 'touchpoint':
      return evs.some(
        (e) =>
          e.touchpoint === c.touchpoint &&
          (c.channel === undefined || e.channel === c.channel) &&
          inWindow(e.timestamp, c.window, t),
      );
    case 'computed': {
      const def = input.defs.computedTraits!.find((d) => d.id === c.trait)!;
      const v = computedValue(def, input, t);
      const value =
        c.component === undefined || v === null ? v : (v as unknown as Record<string, number>)[c.component];
      return test(value, t, c);
    }
    case 'score': {
      const model = input.defs.scoreModels!.find((m) => m.id === c.model)!;
      return test(scoreValue(model, input, t), t, c as ValueTest);
    }
    case 'segment': {
      const seg = input.defs.segments.find((s) => s.id === c.segment);
      return seg ? ruleHolds(seg.rule, input, t, seg.id) : (input.lookup ?? (() => false))(c.segment);
    }
    case 'consent':
      return input.consent?.[c.channel]?.state === c.state;
    case 'nps': {
      const v = toNumber(input.surveys?.[c.question]?.value);
      if (!(v >= 0 && v <= 10)) return false;
      return (v >= 9 ? 'promoter' : v >= 7 ? 'passive' : 'detractor') === c.group;
    }
    case 'survey_answer':
      return test(input.surveys?.[c.question]?.value, t, c);
    case 'bucket': {
      const b = percentBucket(input.profile.id, c.salt ?? owner);
      return b >= c.from && b < c.to;
    }
  }
}

export function ruleHolds(rule: RuleNode, input: OracleInput, t: number, owner: string): boolean {
  if ('and' in rule) return rule.and.every((r) => ruleHolds(r, input, t, owner));
  if ('or' in rule) return rule.or.some((r) => ruleHolds(r, input, t, owner));
  if ('not' in rule) return !ruleHolds(rule.not, input, t, owner);
  return conditionHolds(rule.condition, input, t, owner);
}

/** Whether the profile is in the segment at time t, by the definitions alone. */
export function oracleMember(input: OracleInput, segmentId: string, t: number): boolean {
  const seg = input.defs.segments.find((s) => s.id === segmentId)!;
  return ruleHolds(seg.rule, input, t, seg.id);
}
