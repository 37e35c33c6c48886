// Contact scoring: a model is a list of rules `(condition, points)`. A `when` rule adds its points while its
// rule holds; a `per` rule adds points for each matching event, which can expire and/or halve over time.
// Decay is stepwise and integer, so scores are integers that change at known instants (and the engine can
// schedule a check exactly when a threshold is crossed):
//   contribution of an event = trunc(points / 2^k), k = floor(age / halfLife), 0 once age ≥ expireAfter,
// where age is measured from the start of the event's bucket (bucketSize of the decay durations), the same
// rounding the windowed sums use, so the state is a bounded list of [bucket, count] rows.
import type { Aggregate, AggregateSpec } from './aggregates';
import { type EvalContext, type NodeFn, SEARCH_LIMIT, type SignalFn } from './context';
import { bucketSize, durationMs } from './time';
import { SCORE_ADJUSTED, type ScoreModel, type ScoreRule } from './types';

export interface ScoreRuntime {
  readonly model: ScoreModel;
  /** The score at `t`; sets `c.chg` to a time at or before its next change. */
  readonly value: SignalFn;
  /** A leaf testing the score (a threshold condition), with the exact time its answer next changes. */
  readonly leaf: (test: (score: number) => boolean) => NodeFn;
}

/** The number of halvings after which |points| / 2^k truncates to 0. */
function halvingsToZero(points: number): number {
  let k = 0;
  while (Math.trunc(points / 2 ** k) !== 0) k++;
  return k;
}

/**
 * The behaviour part of a score over time, from one state: `vals[i]` holds from `times[i - 1]` (inclusive)
 * to `times[i]` (exclusive), `vals[0]` before `times[0]`. Built once per state of the model's aggregates
 * and reused by every threshold condition and every evaluation time, so a threshold's next crossing is a
 * scan of numbers rather than a re-summation of all buckets at every candidate time.
 */
interface Schedule {
  times: number[];
  vals: number[];
}

/** A per-event rule's contribution: a constant (no decay) or changes over time from bucket rows. */
interface EventPart {
  key: string;
  /** Adjustments: the points are the events' own (`sum` of their `points`), not the rule's. */
  sum: boolean;
  points: number;
  size: number;
  expire: number;
  half: number;
  decays: boolean;
}

/** Appends one rule's (time, delta) changes, in time order, and returns its value before any of them. */
function ruleChanges(part: EventPart, v: unknown, times: number[], deltas: number[]): number {
  if (part.sum) return adjustmentChanges(part, v, times, deltas);
  if (!part.decays) return typeof v === 'number' ? v * part.points : 0;
  if (!Array.isArray(v) || v.length === 0) return 0;
  const { points, size, expire, half } = part;
  // Every change falls on the rule's bucket grid, so a dense array over the grid sorts them for free.
  const first = (v[0] as number) * size;
  const span =
    (v[v.length - 2] as number) * size - first + Math.min(expire, half * (halvingsToZero(points) + 1));
  const cells = new Float64Array(Math.floor(span / size) + 2);
  let base = 0;
  for (let i = 0; i < v.length; i += 2) {
    const start = (v[i] as number) * size;
    const count = v[i + 1] as number;
    let cur = count * points;
    base += cur;
    for (let j = 1; cur !== 0 && j * half < expire; j++) {
      const next = count * Math.trunc(points / 2 ** j);
      cells[(start + j * half - first) / size]! += next - cur;
      cur = next;
    }
    if (cur !== 0 && expire !== Infinity) cells[(start + expire - first) / size]! -= cur;
  }
  for (let i = 0; i < cells.length; i++) {
    if (cells[i] !== 0) {
      times.push(first + i * size);
      deltas.push(cells[i]!);
    }
  }
  return base;
}

/** Largest number of halvings any adjustment needs to reach 0 (|sum| < 2^53). */
const MAX_HALVINGS = 54;

/**
 * The adjustments' contribution: a `numeric` aggregate ([n, sum, min, max]) without decay, else `nbucket` rows
 * [bucket, n, sum, min, max], each bucket's sum halving / expiring as a whole from its bucket start.
 */
function adjustmentChanges(part: EventPart, v: unknown, times: number[], deltas: number[]): number {
  if (!Array.isArray(v) || v.length === 0) return 0;
  if (!part.decays) return v.length >= 4 ? (v[1] as number) : 0;
  const { size, expire, half } = part;
  const changes = new Map<number, number>();
  const add = (t: number, d: number) => changes.set(t, (changes.get(t) ?? 0) + d);
  let base = 0;
  for (let i = 0; i + 4 < v.length; i += 5) {
    const start = (v[i] as number) * size;
    const amount = v[i + 2] as number;
    let cur = amount;
    base += cur;
    for (let j = 1; cur !== 0 && j * half < expire; j++) {
      const next = Math.trunc(amount / 2 ** j);
      add(start + j * half, next - cur);
      cur = next;
    }
    if (cur !== 0 && expire !== Infinity) add(start + expire, -cur);
  }
  for (const t of [...changes.keys()].sort((a, b) => a - b)) {
    const d = changes.get(t)!;
    if (d !== 0) {
      times.push(t);
      deltas.push(d);
    }
  }
  return base;
}

/** Merges per-rule change lists (each in time order) into one schedule. */
function buildSchedule(parts: readonly EventPart[], values: readonly unknown[]): Schedule {
  let times: number[] = [];
  let deltas: number[] = [];
  let base = 0;
  for (let r = 0; r < parts.length; r++) {
    const t2: number[] = [];
    const d2: number[] = [];
    base += ruleChanges(parts[r]!, values[r], t2, d2);
    if (t2.length === 0) continue;
    if (times.length === 0) {
      times = t2;
      deltas = d2;
      continue;
    }
    const mt: number[] = [];
    const md: number[] = [];
    let i = 0;
    let j = 0;
    while (i < times.length || j < t2.length) {
      const a = i < times.length ? times[i]! : Infinity;
      const b = j < t2.length ? t2[j]! : Infinity;
      const t = Math.min(a, b);
      let d = 0;
      if (a === t) d += deltas[i++]!;
      if (b === t) d += d2[j++]!;
      if (d !== 0) {
        mt.push(t);
        md.push(d);
      }
    }
    times = mt;
    deltas = md;
  }
  const vals = new Array<number>(times.length + 1);
  vals[0] = base;
  for (let i = 0; i < times.length; i++) vals[i + 1] = vals[i]! + deltas[i]!;
  return { times, vals };
}

/** The number of schedule times ≤ t (binary search). */
function upperBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Compiles a score model; `compileRule` compiles `when` rules with the segment compiler. */
export function compileScoreModel(
  model: ScoreModel,
  register: (spec: AggregateSpec) => Aggregate,
  compileRule: (rule: ScoreRule & { when: unknown }, index: number) => NodeFn,
): ScoreRuntime {
  const when: { node: NodeFn; points: number }[] = [];
  const parts: EventPart[] = [];
  model.rules.forEach((rule, i) => {
    if ('when' in rule) {
      when.push({ node: compileRule(rule, i), points: rule.points });
      return;
    }
    const d = rule.decay;
    const expire = d?.expireAfter ? durationMs(d.expireAfter.amount, d.expireAfter.unit) : Infinity;
    const half = d?.halfLife ? durationMs(d.halfLife.amount, d.halfLife.unit) : Infinity;
    if (expire === Infinity && half === Infinity) {
      const key = register({ kind: 'count', event: rule.per }).key;
      parts.push({ key, sum: false, points: rule.points, size: 0, expire, half, decays: false });
      return;
    }
    const size = bucketSize(...[expire, half].filter((x) => x !== Infinity));
    const horizon = Math.min(expire, half === Infinity ? Infinity : halvingsToZero(rule.points) * half);
    const key = register({ kind: 'cbucket', event: rule.per, size, horizon }).key;
    parts.push({ key, sum: false, points: rule.points, size, expire, half, decays: true });
  });
  // Direct adjustments (`Score Adjusted` events naming this model), with the model's adjustment decay.
  {
    const event = {
      name: SCORE_ADJUSTED,
      where: [{ property: 'model', op: 'equals' as const, value: model.id }],
    };
    const d = model.adjustments?.decay;
    const expire = d?.expireAfter ? durationMs(d.expireAfter.amount, d.expireAfter.unit) : Infinity;
    const half = d?.halfLife ? durationMs(d.halfLife.amount, d.halfLife.unit) : Infinity;
    if (expire === Infinity && half === Infinity) {
      const key = register({ kind: 'numeric', event, property: 'points' }).key;
      parts.push({ key, sum: true, points: 0, size: 0, expire, half, decays: false });
    } else {
      const size = bucketSize(...[expire, half].filter((x) => x !== Infinity));
      const horizon = Math.min(expire, half * MAX_HALVINGS);
      const key = register({ kind: 'nbucket', event, property: 'points', size, horizon }).key;
      parts.push({ key, sum: true, points: 0, size, expire, half, decays: true });
    }
  }

  // One cached schedule: the aggregates are copy-on-write, so unchanged identities mean an unchanged schedule.
  const lastValues: unknown[] = parts.map(() => undefined);
  let last: Schedule | null = null;
  const schedule = (c: EvalContext): Schedule => {
    let same = last !== null;
    for (let r = 0; r < parts.length; r++) {
      const v = c.aggs[parts[r]!.key];
      if (v !== lastValues[r]) {
        same = false;
        lastValues[r] = v;
      }
    }
    if (!same) last = buildSchedule(parts, lastValues);
    return last!;
  };
  /** The `when` part at t; sets c.chg to the earliest time a `when` rule may change. */
  const whenPart = (c: EvalContext, t: number): number => {
    let total = 0;
    let next = Infinity;
    for (const w of when) {
      if (w.node(c, t)) total += w.points;
      if (c.chg < next) next = c.chg;
    }
    c.chg = next;
    return total;
  };

  return {
    model,
    value: (c, t) => {
      const s = schedule(c);
      const w = whenPart(c, t);
      const i = upperBound(s.times, t);
      if (i < s.times.length && s.times[i]! < c.chg) c.chg = s.times[i]!;
      return w + s.vals[i]!;
    },
    leaf: (test) => (c, t) => {
      const s = schedule(c);
      const { times, vals } = s;
      let w = whenPart(c, t);
      let wNext = c.chg;
      let i = upperBound(times, t);
      const r0 = test(w + vals[i]!);
      for (let step = 0; step < SEARCH_LIMIT; step++) {
        // The behaviour part changes at times[i], times[i+1]…; the when part is constant until wNext.
        for (; i < times.length && times[i]! < wNext; i++) {
          if (test(w + vals[i + 1]!) !== r0) {
            c.chg = times[i]!;
            c.exact = true;
            return r0;
          }
        }
        if (wNext === Infinity) {
          c.chg = Infinity;
          c.exact = true;
          return r0;
        }
        const at = wNext;
        w = whenPart(c, at);
        wNext = c.chg;
        i = upperBound(times, at);
        if (test(w + vals[i]!) !== r0) {
          c.chg = at;
          c.exact = true;
          return r0;
        }
      }
      c.chg = wNext;
      c.exact = false;
      return r0;
    },
  };
}

/**
 * Whether a score crossed `threshold` between two readings: 'up' when it rose to at least the threshold,
 * 'down' when it fell below it, null otherwise (for "score reached 50" triggers).
 */
export function thresholdCrossing(previous: number, next: number, threshold: number): 'up' | 'down' | null {
  if (previous < threshold && next >= threshold) return 'up';
  if (previous >= threshold && next < threshold) return 'down';
  return null;
}
