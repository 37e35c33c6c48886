// Per-event cost of the pure segment core: `npx tsx bench/segments/core.ts`.
//
// One profile receives a stream of mixed events; for each event it runs what the pipeline will run:
// applyEvent (profile state), updateState (aggregates), affects (which segments) and evaluateMany (those
// segments, with nextCheckAt). 100 segments mix traits, behaviour windows, computed traits, scores, channels,
// birthdays, buckets and references between segments. Reported as µs per event, next to a baseline measured
// in the same run: JSON-cloning the same aggregate state once per event (what persisting it costs at least),
// so the figure can be compared across machines as a ratio.
//
// Knobs: BENCH_SEGMENTS (100), BENCH_EVENTS (50000), BENCH_SEED (1).
import { performance } from 'node:perf_hooks';
import type { IncomingEvent } from '../../packages/core/src/ingest/types';
import { applyEvent, newProfileState } from '../../packages/core/src/profile/apply';
import {
  affects,
  compileSegments,
  evaluateMany,
  updateState,
  type Condition,
  type RuleNode,
  type SegmentDefinition,
  type SegmentView,
} from '../../packages/core/src/segments';

const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 100);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
let seed = Number(process.env.BENCH_SEED ?? 1);

/** A small seeded PRNG (mulberry32), so every run measures the same segments and events. */
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const NAMES = [
  'خرید',
  'view',
  'add_to_cart',
  'signup',
  'call',
  'open_email',
  'click',
  'review',
  'رزرو',
  'refund',
];
const CHANNELS = ['web', 'app', 'store', 'phone', 'email', 'sms'];
const CITIES = ['تهران', 'مشهد', 'اصفهان', 'شیراز', 'تبریز', 'کرج'];
const DAY = 86_400_000;
const T0 = 1_772_323_200_000;

function condition(i: number): Condition {
  const name = pick(NAMES);
  switch (i % 12) {
    case 0:
      return { type: 'trait', trait: 'city', op: 'equals', value: pick(CITIES) };
    case 1:
      return { type: 'trait', trait: 'age', op: 'between', value: [int(18, 30), int(31, 60)] };
    case 2:
      return {
        type: 'performed',
        event: { name },
        count: { op: pick(['at_least', 'at_most', 'exactly'] as const), value: int(1, 5) },
        window: { last: int(1, 30), unit: pick(['hours', 'days', 'days'] as const) },
      };
    case 3:
      return { type: 'not_performed', event: { name }, window: { last: int(1, 30), unit: 'days' } };
    case 4:
      return { type: 'last_performed', event: { name }, op: 'within_last', value: int(1, 14), unit: 'days' };
    case 5:
      return {
        type: 'computed',
        trait: pick(['spend_30d', 'orders_7d', 'views']),
        op: 'gt',
        value: int(1, 50),
      };
    case 6:
      return { type: 'score', model: 'engagement', op: 'gte', value: int(5, 80) };
    case 7:
      return { type: 'channel', channel: pick(CHANNELS), window: { last: int(1, 30), unit: 'days' } };
    case 8:
      return { type: 'trait', trait: 'birthday', op: 'within_next_days', value: 7, recurring: 'yearly' };
    case 9:
      return {
        type: 'performed',
        event: { name: 'خرید', where: [{ property: 'amount', op: 'gt', value: int(10, 90) }] },
        window: { last: int(1, 60), unit: 'days' },
      };
    case 10:
      return { type: 'bucket', from: 0, to: int(5, 50) };
    default:
      return { type: 'computed', trait: 'rfm', component: 'recency', op: 'gte', value: int(2, 5) };
  }
}

function segments(n: number): SegmentDefinition[] {
  const out: SegmentDefinition[] = [];
  for (let i = 0; i < n; i++) {
    const parts: RuleNode[] = [];
    const k = int(1, 3);
    for (let j = 0; j < k; j++) parts.push({ condition: condition(int(0, 11)) });
    if (i > 10 && rand() < 0.15) parts.push({ condition: { type: 'segment', segment: `s${int(0, i - 1)}` } });
    const rule: RuleNode =
      parts.length === 1
        ? parts[0]!
        : rand() < 0.7
          ? { and: parts }
          : { or: [parts[0]!, { not: { and: parts.slice(1) } }] };
    out.push({ id: `s${i}`, rule });
  }
  return out;
}

function events(n: number): IncomingEvent[] {
  const out: IncomingEvent[] = [];
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += int(1, 20 * 60_000);
    const identify = rand() < 0.05;
    // 2% arrive late (up to a day behind).
    const ts = rand() < 0.02 ? t - int(0, DAY) : t;
    out.push({
      messageId: `m${i}`,
      type: identify ? 'identify' : 'track',
      name: identify ? null : pick(NAMES),
      userId: 'u1',
      anonymousId: null,
      previousId: null,
      groupId: null,
      traits: identify
        ? { city: pick(CITIES), age: int(16, 70), birthday: `19${int(60, 99)}-0${int(1, 9)}-1${int(0, 9)}` }
        : {},
      properties: identify ? {} : { amount: int(1, 100), plan: pick(['gold', 'طلایی']) },
      context: {},
      integrations: {},
      timestamp: ts,
      receivedAt: t,
      sentAt: null,
      originalTimestamp: null,
      channel: pick(CHANNELS),
      touchpoint: null,
      json: '{}',
    });
  }
  return out;
}

const compiled = compileSegments({
  segments: segments(SEGMENTS),
  computedTraits: [
    {
      id: 'spend_30d',
      type: 'sum',
      event: { name: 'خرید' },
      property: 'amount',
      window: { last: 30, unit: 'days' },
    },
    { id: 'orders_7d', type: 'count', event: { name: 'خرید' }, window: { last: 7, unit: 'days' } },
    { id: 'views', type: 'count', event: { name: 'view' } },
    {
      id: 'rfm',
      type: 'rfm',
      event: { name: 'خرید' },
      property: 'amount',
      window: { last: 1, unit: 'years' },
      recencyDays: [7, 30, 90, 180],
      frequency: [1, 2, 5, 10],
      monetary: [50, 200, 500, 2000],
    },
  ],
  scoreModels: [
    {
      id: 'engagement',
      rules: [
        { points: 10, per: { name: 'view' }, decay: { halfLife: { amount: 7, unit: 'days' } } },
        { points: 30, per: { name: 'خرید' }, decay: { expireAfter: { amount: 30, unit: 'days' } } },
        { points: 5, per: { name: 'open_email' } },
        { points: 20, when: { condition: { type: 'trait', trait: 'city', op: 'equals', value: 'تهران' } } },
      ],
    },
  ],
});
if (!compiled.ok) throw new Error(compiled.error.map((e) => e.message).join('\n'));
const c = compiled.value;
const stream = events(EVENTS);
const LIGHT = 2000;
const lightStream = stream.slice(0, LIGHT);

interface Run {
  us: number;
  affected: number;
  members: number;
  stateBytes: number;
}

/** Feeds the stream through the per-event path; `all` evaluates every segment instead of the affected ones. */
function run(stream: readonly IncomingEvent[], all: boolean): Run {
  let profile = newProfileState('prf_1', T0);
  let aggregates = {};
  let affected = 0;
  let members = 0;
  const warm = Math.min(5000, Math.floor(stream.length / 5));
  let start = 0;
  for (let i = 0; i < stream.length; i++) {
    if (i === warm) start = performance.now();
    const e = stream[i]!;
    const now = e.receivedAt;
    profile = applyEvent(profile, e);
    aggregates = updateState(c, aggregates, e, now);
    const ids = all ? undefined : affects(c, e);
    const view: SegmentView = { profile, aggregates };
    const results = evaluateMany(c, ids, view, now);
    if (i >= warm) {
      affected += results.length;
      for (const r of results) if (r.member) members++;
    }
  }
  const n = stream.length - warm;
  return {
    us: ((performance.now() - start) * 1000) / n,
    affected: affected / n,
    members: members / n,
    stateBytes: JSON.stringify(aggregates).length,
  };
}

/** Baseline: the same per-event loop doing only a JSON clone of the final aggregate state. */
function baseline(state: object): number {
  const warm = Math.min(5000, Math.floor(EVENTS / 5));
  let sink = 0;
  let start = 0;
  for (let i = 0; i < stream.length; i++) {
    if (i === warm) start = performance.now();
    sink += (JSON.parse(JSON.stringify(state)) as object) === state ? 1 : 0;
  }
  if (sink < 0) console.log(sink);
  return ((performance.now() - start) * 1000) / (stream.length - warm);
}

const finalState = (() => {
  let s = {};
  for (const e of stream) s = updateState(c, s, e, e.receivedAt);
  return s;
})();

const base = baseline(finalState);
console.log(`segments: ${SEGMENTS}, aggregates: ${c.aggregates.size} (2% of events arrive late)`);
console.log(
  `baseline (JSON clone of the final ${JSON.stringify(finalState).length}-byte state): ${base.toFixed(2)} µs/event`,
);
// A busy profile (events every ~10 minutes for a year: full windows, many buckets) and a young one.
for (const [label, s] of [
  [`heavy profile, ${stream.length} events`, stream],
  [`light profile, ${lightStream.length} events`, lightStream],
] as const) {
  const affected = run(s, false);
  const all = run(s, true);
  console.log(`${label} (final state ${affected.stateBytes} bytes):`);
  console.log(
    `  update + affected segments only: ${affected.us.toFixed(2)} µs/event ` +
      `(${affected.affected.toFixed(1)} evaluated; ${(affected.us / base).toFixed(2)}× baseline)`,
  );
  console.log(
    `  update + all ${SEGMENTS} segments:     ${all.us.toFixed(2)} µs/event ` +
      `(${(all.us / base).toFixed(2)}× baseline; target < 100 µs)`,
  );
}
