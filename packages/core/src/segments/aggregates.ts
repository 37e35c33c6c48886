// Per-profile aggregates: the only history segments ever read. Each behaviour condition, computed trait and
// score rule compiles to one of these; identical ones (same kind, events, filters, parameters) share one key
// across all segments, so the state holds each fact once. Every update is order-independent, so late events
// give the same state as in-order ones, and every kind merges exactly (profile merges).
//
// State shapes (JSON, kept small):
//   recent   r…  number[]  the K largest matching event times, descending (exact "N times in the last W")
//   count    n…  number    matching events (optionally only those in a fixed [from, to) range)
//   first    f…  number    the smallest matching event time
//   cbucket  b…  number[]  flat [bucket, count, …] ascending, buckets of `size` ms kept for `horizon` ms
//   nbucket  v…  number[]  flat [bucket, n, sum, min, max, …] of a numeric property, as above
//   numeric  s…  number[]  [n, sum, min, max] of a numeric property (optionally in a fixed range)
//   channels c…  {channel: [count, lastAt]}
//   answer   q…  {value, answeredAt}  the latest answer to a survey question (`Survey Responded` events)
import type { IncomingEvent } from '../ingest/types';
import { surveyAnswersFromEvent } from '../surveys/answers';
import { canonicalJson, hash64 } from './hash';
import type { AggregateState, AggregateValue, EventSelector, SurveyAnswer } from './types';
import { compileStaticTest, toNumber } from './values';

export type AggregateSpec =
  | { kind: 'recent'; event: EventSelector; k: number }
  | { kind: 'count'; event: EventSelector; from?: number; to?: number }
  | { kind: 'first'; event: EventSelector }
  | { kind: 'cbucket'; event: EventSelector; size: number; horizon: number }
  | { kind: 'nbucket'; event: EventSelector; property: string; size: number; horizon: number }
  | { kind: 'numeric'; event: EventSelector; property: string; from?: number; to?: number }
  | { kind: 'channels'; event: EventSelector }
  /** `question`: `<surveyId>.<questionId>` or a bare question id (any survey's), as surveyAnswersFromEvent keys. */
  | { kind: 'answer'; event: EventSelector; question: string }
  /** A channel's consent (the whole channel, not a group) from `Consent Changed` events: [1|0, at]. */
  | { kind: 'consent'; event: EventSelector; channel: string; group?: string };

const PREFIX: Record<AggregateSpec['kind'], string> = {
  recent: 'r',
  count: 'n',
  first: 'f',
  cbucket: 'b',
  nbucket: 'v',
  numeric: 's',
  channels: 'c',
  answer: 'q',
  consent: 'k',
};

/** An event selector with defaults filled in and filters in a canonical order, so equal selectors hash equally. */
export function normalizeSelector(s: EventSelector): EventSelector {
  const out: EventSelector = { name: s.name, messageType: s.messageType ?? 'track' };
  if (s.channel !== undefined) out.channel = s.channel;
  if (s.where !== undefined && s.where.length > 0) {
    out.where = [...s.where].sort((a, b) => {
      const x = canonicalJson(a);
      const y = canonicalJson(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  return out;
}

/**
 * The stable key of an aggregate: kind letter + 64-bit hash of its canonical spec. The `v1` in the hashed text
 * versions the state format: changing a kind's semantics must change its keys, not reinterpret old state.
 */
export function aggregateKey(spec: AggregateSpec): string {
  const canonical = { ...spec, event: normalizeSelector(spec.event) };
  return PREFIX[spec.kind] + hash64(`v1|${canonicalJson(canonical)}`);
}

/** The index key events and selectors meet on: message type and name. */
export function eventIndexKey(type: string, name: string | null): string {
  return `${type}\u0000${name ?? ''}`;
}

/** Compiles a selector's channel and property filters (the name and type are matched by the index). */
export function compileSelector(s: EventSelector): (e: IncomingEvent) => boolean {
  const channel = s.channel;
  const filters = (s.where ?? []).map((f) => {
    const test = compileStaticTest(f);
    const prop = f.property;
    return (props: Record<string, unknown>) => test(Object.hasOwn(props, prop) ? props[prop] : undefined);
  });
  if (channel === undefined && filters.length === 0) return () => true;
  return (e) => {
    if (channel !== undefined && e.channel !== channel) return false;
    const props = e.properties;
    for (const f of filters) if (!f(props)) return false;
    return true;
  };
}

/** One aggregate, compiled: how an event changes it, how two profiles' values merge, how it forgets. */
export interface Aggregate {
  readonly key: string;
  readonly spec: AggregateSpec;
  readonly indexKey: string;
  readonly matches: (e: IncomingEvent) => boolean;
  /** The new value after a matching event processed at `now`; the same value when nothing changed. */
  readonly update: (
    prev: AggregateValue | undefined,
    e: IncomingEvent,
    now: number,
  ) => AggregateValue | undefined;
  readonly merge: (
    a: AggregateValue | undefined,
    b: AggregateValue | undefined,
  ) => AggregateValue | undefined;
  /** Drops what can no longer matter at `now` or later (bucket aggregates only). */
  readonly prune: (v: AggregateValue | undefined, now: number) => AggregateValue | undefined;
}

const same = <T>(v: T): T => v;

/** Builds the runtime of an aggregate spec. */
export function buildAggregate(spec: AggregateSpec): Aggregate {
  const sel = normalizeSelector(spec.event);
  const base = {
    key: aggregateKey(spec),
    spec,
    indexKey: eventIndexKey(sel.messageType ?? 'track', sel.name),
    matches: compileSelector(sel),
    prune: same as Aggregate['prune'],
  };
  switch (spec.kind) {
    case 'recent':
      return {
        ...base,
        update: (p, e) => insertRecent(asArray(p), e.timestamp, spec.k),
        merge: (a, b) => mergeRecent(a, b, spec.k),
      };
    case 'count': {
      const from = spec.from ?? -Infinity;
      const to = spec.to ?? Infinity;
      return {
        ...base,
        update: (p, e) => (e.timestamp >= from && e.timestamp < to ? asNumber(p) + 1 : p),
        merge: (a, b) => (a === undefined ? b : b === undefined ? a : asNumber(a) + asNumber(b)),
      };
    }
    case 'first':
      return {
        ...base,
        update: (p, e) => (p === undefined || e.timestamp < asNumber(p) ? e.timestamp : p),
        merge: (a, b) => (a === undefined ? b : b === undefined ? a : Math.min(asNumber(a), asNumber(b))),
      };
    case 'cbucket':
      return bucketAggregate(base, spec.size, spec.horizon, 2, () => 1);
    case 'nbucket': {
      const prop = spec.property;
      return bucketAggregate(base, spec.size, spec.horizon, 5, (e) =>
        toNumber(Object.hasOwn(e.properties, prop) ? e.properties[prop] : undefined),
      );
    }
    case 'numeric': {
      const prop = spec.property;
      const from = spec.from ?? -Infinity;
      const to = spec.to ?? Infinity;
      return {
        ...base,
        update: (p, e) => {
          if (!(e.timestamp >= from && e.timestamp < to)) return p;
          const x = toNumber(Object.hasOwn(e.properties, prop) ? e.properties[prop] : undefined);
          if (Number.isNaN(x)) return p;
          const s = asArray(p);
          if (s.length < 4) return [1, x, x, x];
          return [
            (s[0] as number) + 1,
            (s[1] as number) + x,
            Math.min(s[2] as number, x),
            Math.max(s[3] as number, x),
          ];
        },
        merge: (a, b) => {
          if (a === undefined) return b;
          if (b === undefined) return a;
          const x = asArray(a);
          const y = asArray(b);
          if (x.length < 4) return y;
          if (y.length < 4) return x;
          return [
            n(x, 0) + n(y, 0),
            n(x, 1) + n(y, 1),
            Math.min(n(x, 2), n(y, 2)),
            Math.max(n(x, 3), n(y, 3)),
          ];
        },
      };
    }
    case 'consent': {
      const channel = spec.channel;
      const group = spec.group ?? null;
      // The latest change wins; at the same instant (or when two profiles merge with different states) the
      // unsubscribe wins: a merge never reopens a channel someone closed.
      const pick = (x: number[], y: number[]) =>
        n(x, 1) > n(y, 1) ? x : n(y, 1) > n(x, 1) ? y : n(x, 0) <= n(y, 0) ? x : y;
      return {
        ...base,
        update: (p, e) => {
          if (e.properties.channel !== channel || (e.properties.group ?? null) !== group) return p;
          const state = e.properties.state;
          if (state !== 'subscribed' && state !== 'unsubscribed') return p;
          const next = [state === 'subscribed' ? 1 : 0, e.timestamp];
          const prev = asArray(p);
          return prev.length < 2 ? next : pick(prev, next);
        },
        merge: (a, b) => {
          const x = asArray(a);
          const y = asArray(b);
          if (x.length < 2) return b;
          if (y.length < 2) return a;
          return pick(x, y);
        },
      };
    }
    case 'answer': {
      const question = spec.question;
      // Latest answer wins (by event time; a tie goes to the later processed), so replays in any order and
      // merges of two profiles agree.
      const newer = (a: SurveyAnswer, b: SurveyAnswer | undefined) =>
        b === undefined || a.answeredAt >= b.answeredAt;
      return {
        ...base,
        update: (p, e) => {
          const answers = surveyAnswersFromEvent(e);
          const a = answers && Object.hasOwn(answers, question) ? answers[question] : undefined;
          if (a === undefined) return p;
          return newer(a, asAnswer(p)) ? a : p;
        },
        merge: (a, b) => {
          const x = asAnswer(a);
          const y = asAnswer(b);
          if (x === undefined) return b;
          if (y === undefined) return a;
          return newer(x, y) ? x : y;
        },
      };
    }
    case 'channels':
      return {
        ...base,
        update: (p, e) => {
          const prev = asRecord(p);
          const c = Object.hasOwn(prev, e.channel) ? prev[e.channel] : undefined;
          const next = { ...prev };
          setOwn(next, e.channel, c ? [n(c, 0) + 1, Math.max(n(c, 1), e.timestamp)] : [1, e.timestamp]);
          return next;
        },
        merge: (a, b) => {
          if (a === undefined) return b;
          if (b === undefined) return a;
          const out = { ...asRecord(a) };
          const y = asRecord(b);
          for (const ch of Object.keys(y)) {
            const s = y[ch] as number[];
            const t = Object.hasOwn(out, ch) ? out[ch] : undefined;
            setOwn(out, ch, t ? [n(t, 0) + n(s, 0), Math.max(n(t, 1), n(s, 1))] : s);
          }
          return out;
        },
      };
  }
}

const n = (a: readonly number[], i: number): number => a[i] as number;

function asArray(v: AggregateValue | undefined): number[] {
  return Array.isArray(v) ? v : [];
}

function asNumber(v: AggregateValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}

function asAnswer(v: AggregateValue | undefined): SurveyAnswer | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) && 'answeredAt' in v
    ? (v as SurveyAnswer)
    : undefined;
}

function asRecord(v: AggregateValue | undefined): Record<string, number[]> {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) && !('answeredAt' in v)
    ? (v as Record<string, number[]>)
    : {};
}

function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Inserts `t` into a descending list keeping the K largest; unchanged (same array) when `t` is too old. */
function insertRecent(arr: number[], t: number, k: number): number[] {
  if (arr.length >= k && t <= (arr[k - 1] as number)) return arr;
  let i = 0;
  while (i < arr.length && (arr[i] as number) >= t) i++;
  const out = arr.slice(0, k);
  out.splice(i, 0, t);
  if (out.length > k) out.length = k;
  return out;
}

function mergeRecent(
  a: AggregateValue | undefined,
  b: AggregateValue | undefined,
  k: number,
): AggregateValue | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return [...asArray(a), ...asArray(b)].sort((x, y) => y - x).slice(0, k);
}

/**
 * Bucketed aggregates: flat rows of `width` numbers ([bucket, count] or [bucket, n, sum, min, max]), ascending.
 * An event falls in bucket floor(t / size); the bucket is dropped once bucket·size + horizon ≤ now, when it
 * can no longer count at any later time (time only moves forward). A late event for such a bucket is ignored
 * for the same reason.
 */
function bucketAggregate(
  base: Omit<Aggregate, 'update' | 'merge'>,
  size: number,
  horizon: number,
  width: 2 | 5,
  valueOf: (e: IncomingEvent) => number,
): Aggregate {
  const dead = (b: number, now: number) => b * size + horizon <= now;
  const prune = (v: AggregateValue | undefined, now: number): AggregateValue | undefined => {
    const rows = asArray(v);
    let i = 0;
    while (i < rows.length && dead(rows[i] as number, now)) i += width;
    return i === 0 ? v : rows.slice(i);
  };
  return {
    ...base,
    prune,
    update: (p, e, now) => {
      const b = Math.floor(e.timestamp / size);
      if (dead(b, now)) return p;
      const x = valueOf(e);
      if (Number.isNaN(x)) return p;
      const rows = asArray(prune(p, now));
      let i = 0;
      while (i < rows.length && (rows[i] as number) < b) i += width;
      const out = rows.slice();
      if (i < rows.length && rows[i] === b) {
        if (width === 2) out[i + 1] = n(rows, i + 1) + 1;
        else {
          out[i + 1] = n(rows, i + 1) + 1;
          out[i + 2] = n(rows, i + 2) + x;
          out[i + 3] = Math.min(n(rows, i + 3), x);
          out[i + 4] = Math.max(n(rows, i + 4), x);
        }
      } else if (width === 2) out.splice(i, 0, b, 1);
      else out.splice(i, 0, b, 1, x, x, x);
      return out;
    },
    merge: (a, b) => {
      if (a === undefined) return b;
      if (b === undefined) return a;
      const x = asArray(a);
      const y = asArray(b);
      const out: number[] = [];
      let i = 0;
      let j = 0;
      while (i < x.length || j < y.length) {
        const bx = i < x.length ? n(x, i) : Infinity;
        const by = j < y.length ? n(y, j) : Infinity;
        if (bx < by) {
          out.push(...x.slice(i, i + width));
          i += width;
        } else if (by < bx) {
          out.push(...y.slice(j, j + width));
          j += width;
        } else if (width === 2) {
          out.push(bx, n(x, i + 1) + n(y, j + 1));
          i += 2;
          j += 2;
        } else {
          out.push(bx, n(x, i + 1) + n(y, j + 1), n(x, i + 2) + n(y, j + 2));
          out.push(Math.min(n(x, i + 3), n(y, j + 3)), Math.max(n(x, i + 4), n(y, j + 4)));
          i += 5;
          j += 5;
        }
      }
      return out;
    },
  };
}

/** Merges the aggregate states of two merged profiles exactly; keys the compiled set does not know keep `a`'s value. */
export function mergeAggregateStates(
  aggregates: ReadonlyMap<string, Aggregate>,
  a: AggregateState,
  b: AggregateState,
): AggregateState {
  const out: AggregateState = { ...b, ...a };
  for (const key of Object.keys(b)) {
    const agg = aggregates.get(key);
    if (agg === undefined || !Object.hasOwn(a, key)) continue;
    const v = agg.merge(a[key], b[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}
