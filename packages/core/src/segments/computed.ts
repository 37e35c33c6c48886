// Computed traits: per-profile values (counts, sums, first/last times, top channel, RFM) defined as data and
// kept up to date by the same aggregates segments use. Rolling windows of computed traits are bucketed (see
// bucketSize in time.ts): a value covers the last W/size whole buckets including the current one, so an event
// stops counting at the bucket boundary at or before t + W, never later. The exact per-event windows of
// behaviour conditions keep timestamps instead, which a sum cannot afford.
import type { Aggregate, AggregateSpec } from './aggregates';
import { type EvalContext, type NodeFn, type SignalFn, signalLeaf } from './context';
import { bucketSize, DAY, dateMs, durationMs } from './time';
import type {
  ComputedTraitDefinition,
  ComputedValue,
  EventSelector,
  RfmComponent,
  RfmValue,
  ValueTest,
  Window,
} from './types';
import { compileStaticTest, compileTest } from './values';

/** What a condition on a computed trait needs: its value over time and the leaf testing it. */
export interface ComputedRuntime {
  readonly def: ComputedTraitDefinition;
  /** The value at `t`; sets `c.chg` to a time at or before its next change. */
  readonly value: SignalFn;
  /** Compiles a condition's test on this trait (or on one RFM component). */
  readonly leaf: (test: ValueTest, component: RfmComponent | undefined) => NodeFn;
  /** Event index keys (and `*` for any event) whose events can change the value. */
  readonly inputs: readonly string[];
}

type Register = (spec: AggregateSpec) => Aggregate;

const EMPTY: readonly number[] = [];

/** Reads an aggregate's array value (absent → empty). */
function rowsOf(c: EvalContext, key: string): readonly number[] {
  const v = c.aggs[key];
  return Array.isArray(v) ? v : EMPTY;
}

/** The aggregate backing a count over a window: bucketed for rolling windows, a counter otherwise. */
function countSpec(event: EventSelector, window: Window | undefined): AggregateSpec {
  if (window === undefined) return { kind: 'count', event };
  if ('last' in window) {
    const w = durationMs(window.last, window.unit);
    return { kind: 'cbucket', event, size: bucketSize(w), horizon: w };
  }
  return { kind: 'count', event, from: dateMs(window.from), to: dateMs(window.to) };
}

/** The aggregate backing sum/min/max/avg of a property over a window. */
function numericSpec(event: EventSelector, property: string, window: Window | undefined): AggregateSpec {
  if (window === undefined) return { kind: 'numeric', event, property };
  if ('last' in window) {
    const w = durationMs(window.last, window.unit);
    return { kind: 'nbucket', event, property, size: bucketSize(w), horizon: w };
  }
  return { kind: 'numeric', event, property, from: dateMs(window.from), to: dateMs(window.to) };
}

/** Turns (count, sum, min, max) of the events in range into the trait's value. */
type Finish = (n: number, sum: number, min: number, max: number) => ComputedValue;

/**
 * A numeric value over an aggregate: `value` for reading, `leaf` for testing. For bucketed aggregates the
 * value can change only when a bucket leaves the window, so the leaf finds the first bucket exit after which
 * the test answers differently in two linear passes over the buckets (suffix aggregates), not by
 * re-aggregating at every exit.
 */
interface NumericReader {
  value: SignalFn;
  leaf: (test: (v: unknown) => boolean) => NodeFn;
}

function numericReader(agg: Aggregate, finish: Finish): NumericReader {
  const spec = agg.spec;
  const key = agg.key;
  if (spec.kind === 'count') {
    return {
      value: (c) => {
        c.chg = Infinity;
        const v = c.aggs[key];
        return finish(typeof v === 'number' ? v : 0, 0, Infinity, -Infinity);
      },
      leaf: (test) => (c) => {
        c.chg = Infinity;
        c.exact = true;
        const v = c.aggs[key];
        return test(finish(typeof v === 'number' ? v : 0, 0, Infinity, -Infinity));
      },
    };
  }
  if (spec.kind === 'numeric') {
    const read = (c: EvalContext): ComputedValue => {
      const s = rowsOf(c, key);
      return s.length < 4 ? finish(0, 0, Infinity, -Infinity) : finish(s[0]!, s[1]!, s[2]!, s[3]!);
    };
    return {
      value: (c) => {
        c.chg = Infinity;
        return read(c);
      },
      leaf: (test) => (c) => {
        c.chg = Infinity;
        c.exact = true;
        return test(read(c));
      },
    };
  }
  if (spec.kind !== 'cbucket' && spec.kind !== 'nbucket') throw new RangeError(`not numeric: ${spec.kind}`);
  const width = spec.kind === 'cbucket' ? 2 : 5;
  const { size, horizon } = spec;
  const firstLive = (rows: readonly number[], t: number): number => {
    let i = 0;
    while (i < rows.length && rows[i]! * size + horizon <= t) i += width;
    return i;
  };
  return {
    value: (c, t) => {
      const rows = rowsOf(c, key);
      const i0 = firstLive(rows, t);
      let n = 0;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = i0; i < rows.length; i += width) {
        n += rows[i + 1]!;
        if (width === 5) {
          sum += rows[i + 2]!;
          min = Math.min(min, rows[i + 3]!);
          max = Math.max(max, rows[i + 4]!);
        }
      }
      c.chg = i0 < rows.length ? rows[i0]! * size + horizon : Infinity;
      return finish(n, sum, min, max);
    },
    leaf: (test) => (c, t) => {
      c.exact = true;
      const rows = rowsOf(c, key);
      const len = rows.length;
      const i0 = firstLive(rows, t);
      let n = 0;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = i0; i < len; i += width) {
        n += rows[i + 1]!;
        if (width === 5) {
          sum += rows[i + 2]!;
          min = Math.min(min, rows[i + 3]!);
          max = Math.max(max, rows[i + 4]!);
        }
      }
      const r0 = test(finish(n, sum, min, max));
      // After the buckets before index k have left, the value is the aggregate of rows[k..].
      let flip = test(finish(0, 0, Infinity, -Infinity)) !== r0 ? len : -1;
      n = 0;
      sum = 0;
      min = Infinity;
      max = -Infinity;
      for (let k = len - width; k > i0; k -= width) {
        n += rows[k + 1]!;
        if (width === 5) {
          sum += rows[k + 2]!;
          min = Math.min(min, rows[k + 3]!);
          max = Math.max(max, rows[k + 4]!);
        }
        if (test(finish(n, sum, min, max)) !== r0) flip = k;
      }
      c.chg = flip < 0 ? Infinity : rows[flip - width]! * size + horizon;
      return r0;
    },
  };
}

const countOf: Finish = (n) => n;
const FINISH: Record<'sum' | 'min' | 'max' | 'avg', Finish> = {
  sum: (n, sum) => (n === 0 ? 0 : sum),
  min: (n, _s, min) => (n === 0 ? null : min),
  max: (n, _s, _m, max) => (n === 0 ? null : max),
  avg: (n, sum) => (n === 0 ? null : sum / n),
};

/** An RFM score 1–5 from ascending limits: at least limits[3] → 5 … below limits[0] → 1. */
function grade(x: number, limits: readonly number[]): number {
  let g = 1;
  for (const l of limits) if (x >= l) g++;
  return g;
}

/** Compiles a computed trait definition, registering the aggregates it reads. */
export function compileComputedTrait(def: ComputedTraitDefinition, register: Register): ComputedRuntime {
  const constantLeaf =
    (read: (c: EvalContext) => unknown) =>
    (test: ValueTest): NodeFn =>
      signalLeaf((c) => {
        c.chg = Infinity;
        return read(c);
      }, compileTest(test));
  switch (def.type) {
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
    case 'avg': {
      const agg =
        def.type === 'count'
          ? register(countSpec(def.event, def.window))
          : register(numericSpec(def.event, def.property, def.window));
      const reader = numericReader(agg, def.type === 'count' ? countOf : FINISH[def.type]);
      return {
        def,
        value: reader.value,
        leaf: (test) => reader.leaf(compileStaticTest(test)),
        inputs: [agg.indexKey],
      };
    }
    case 'first_time':
    case 'last_time': {
      const agg = register(
        def.type === 'first_time'
          ? { kind: 'first', event: def.event }
          : { kind: 'recent', event: def.event, k: 1 },
      );
      const key = agg.key;
      const read = (c: EvalContext): number | null => {
        const v = c.aggs[key];
        if (typeof v === 'number') return v;
        return Array.isArray(v) && v.length > 0 ? v[0]! : null;
      };
      return {
        def,
        value: (c) => {
          c.chg = Infinity;
          return read(c);
        },
        leaf: constantLeaf(read),
        inputs: [agg.indexKey],
      };
    }
    case 'top_channel': {
      let read: (c: EvalContext) => string | null;
      let inputs: string[];
      if (def.event === undefined) {
        read = (c) => {
          const counts: Record<string, number[]> = {};
          for (const s of Object.values(c.profile.channels)) {
            if (s.touchpoint === null) counts[s.channel] = [s.count, s.lastSeenAt];
          }
          return topChannel(counts);
        };
        inputs = ['*'];
      } else {
        const agg = register({ kind: 'channels', event: def.event });
        const key = agg.key;
        read = (c) => {
          const v = c.aggs[key];
          return v !== undefined && typeof v === 'object' && !Array.isArray(v)
            ? topChannel(v as Record<string, number[]>)
            : null;
        };
        inputs = [agg.indexKey];
      }
      return {
        def,
        value: (c) => {
          c.chg = Infinity;
          return read(c);
        },
        leaf: constantLeaf(read),
        inputs,
      };
    }
    case 'rfm':
      return compileRfm(def, register);
  }
}

/** The most used channel: most events, then the most recently used, then the first name in code-point order. */
function topChannel(counts: Record<string, number[]>): string | null {
  let best: string | null = null;
  let bestCount = -1;
  let bestLast = -Infinity;
  for (const ch of Object.keys(counts)) {
    const [count = 0, last = -Infinity] = counts[ch] as number[];
    if (
      count > bestCount ||
      (count === bestCount && last > bestLast) ||
      (count === bestCount && last === bestLast && best !== null && ch < best)
    ) {
      best = ch;
      bestCount = count;
      bestLast = last;
    }
  }
  return best;
}

function compileRfm(
  def: Extract<ComputedTraitDefinition, { type: 'rfm' }>,
  register: Register,
): ComputedRuntime {
  const last = register({ kind: 'recent', event: def.event, k: 1 });
  const freq = numericReader(register(countSpec(def.event, def.window)), countOf);
  const money = numericReader(register(numericSpec(def.event, def.property, def.window)), FINISH.sum);
  const limitsMs = def.recencyDays.map((d) => d * DAY);
  const lastAt = (c: EvalContext): number | null => {
    const v = c.aggs[last.key];
    return Array.isArray(v) && v.length > 0 ? v[0]! : null;
  };
  /** Recency 5 … 1 by age; the grade drops when the age reaches the next limit. */
  const recency: SignalFn = (c, t) => {
    c.chg = Infinity;
    const at = lastAt(c);
    if (at === null) return null;
    let g = 5;
    for (const l of limitsMs) {
      if (t - at < l) {
        c.chg = at + l;
        return g;
      }
      g--;
    }
    return 1;
  };
  // Profiles that never bought have no RFM value: every test but not_exists fails.
  const gradeOr =
    (limits: readonly number[]) =>
    (v: unknown): number =>
      grade(typeof v === 'number' ? v : 0, limits);
  const freqGrade = gradeOr(def.frequency);
  const moneyGrade = gradeOr(def.monetary);
  return {
    def,
    value: (c, t) => {
      const r = recency(c, t);
      const chg = c.chg;
      if (r === null) return null;
      const f = freqGrade(freq.value(c, t));
      const fc = c.chg;
      const m = moneyGrade(money.value(c, t));
      c.chg = Math.min(chg, fc, c.chg);
      return { recency: r as number, frequency: f, monetary: m } satisfies RfmValue;
    },
    leaf: (test, component) => {
      if (component === 'recency') return signalLeaf(recency, compileTest(test));
      const t = compileStaticTest(test);
      const reader = component === 'frequency' ? freq : money;
      const g = component === 'frequency' ? freqGrade : moneyGrade;
      const graded = reader.leaf((v) => t(g(v)));
      const absent = t(null);
      return (c, time) => {
        if (lastAt(c) === null) {
          c.chg = Infinity;
          c.exact = true;
          return absent;
        }
        return graded(c, time);
      };
    },
    inputs: [last.indexKey],
  };
}
