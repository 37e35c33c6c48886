// CX metrics from survey answers: NPS, CSAT, CES, ratings and response rates, each with a 95% interval and
// a small-sample flag; series over day / week / month buckets (Gregorian or Jalali months) and breakdowns.
//
// Definitions (each answer carries its scale, so answers given on different scales mix correctly):
// - position of an answer: where it sits from the unfavourable end (0) to the favourable end (1) of its own
//   scale, honouring the scale's direction: ascending (v − min) / (max − min), descending (max − v) / (max − min).
// - NPS: % promoters (9–10) − % detractors (0–6) over every 0–10 answer; passives (7–8) count in the
//   denominator, skipped questions do not (they have no answer). Answers not on a 0–10 scale are `ignored`.
//   Interval: t-interval of the mean of +1 / 0 / −1 per respondent (variance p + d − (p − d)²).
// - CSAT (and ratings): % satisfied = answers at position ≥ 0.75, which is 4–5 on a 5-point scale (the usual
//   top-two-box), 6–7 on 7 points, 8–10 on 10, 3 on 3, 4 on 4. Wilson score interval. Also the mean, on 1–5
//   (ratings: on their own scale when all share one, otherwise rescaled to 1–5).
// - CES: mean on 1–7 oriented so 7 = "strongly agree it was easy" whatever the stored direction (a
//   descending answer v counts as 8 − v; other lengths are rescaled linearly), t-interval; and % agreeing =
//   answers strictly above the midpoint (5–7 of 7). Wilson interval.
// - Response rate: responses / distributed (personal links created + widget displays), Wilson interval.
// Fewer than SMALL_SAMPLE answers sets `smallSample`: the interval is then wide, and with every answer in one
// group (e.g. all passives) the NPS interval is degenerate (zero width) and must not be read as certainty.
import type { Scale } from './types';

export type MetricKind = 'nps' | 'csat' | 'ces' | 'rating';

/** One scale answer, as metrics read it. */
export interface ScaleObservation {
  value: number;
  scale: Pick<Scale, 'min' | 'max' | 'direction'>;
  /** When it was answered (epoch ms), for series. */
  at: number;
  /** Group keys for breakdowns (segment ids, a touchpoint, a channel). */
  groups?: readonly string[];
}

/** A figure with its 95% interval. */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
  /** Half the interval's width (the "±" figure); asymmetric intervals (Wilson) give the larger half. */
  marginOfError: number | null;
}

/** A metric over a set of answers. */
export interface MetricResult extends Estimate {
  metric: MetricKind;
  /** Answers counted. */
  n: number;
  /** Answers the metric cannot read (an NPS answer not on 0–10). */
  ignored: number;
  smallSample: boolean;
  /** NPS: promoters / passives / detractors; CSAT and ratings: satisfied / neutral / dissatisfied; CES: agree / neutral / disagree. */
  counts: Record<string, number>;
  /** CSAT and ratings: the mean; CES: % agreeing. */
  secondary: (Estimate & { label: string; scale?: { min: number; max: number } }) | null;
}

/** Below this many answers a figure is flagged as a small sample. */
export const SMALL_SAMPLE = 30;

const Z95 = 1.959964;
// Two-sided 95% critical values of Student's t for 1–30 degrees of freedom.
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 95% two-sided critical value of t with `df` degrees of freedom. */
export function tCritical(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T95[df - 1]!;
  if (df <= 60) return 2.0;
  if (df <= 120) return 1.98;
  return Z95;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const NONE: Estimate = { value: null, low: null, high: null, marginOfError: null };

/** Wilson score interval of k successes in n, as percentages (rounded to 0.1). */
export function wilsonPercent(k: number, n: number): Estimate {
  if (n === 0) return NONE;
  const p = k / n;
  const z2 = Z95 * Z95;
  const center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  const low = Math.max(0, center - half) * 100;
  const high = Math.min(1, center + half) * 100;
  const value = p * 100;
  return {
    value: round(value, 1),
    low: round(low, 1),
    high: round(high, 1),
    marginOfError: round(Math.max(value - low, high - value), 1),
  };
}

/** Mean with a t-interval (clamped to [lo, hi]), rounded to 0.01. */
function meanEstimate(xs: readonly number[], lo: number, hi: number): Estimate {
  const n = xs.length;
  if (n === 0) return NONE;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { value: round(mean, 2), low: null, high: null, marginOfError: null };
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const moe = tCritical(n - 1) * Math.sqrt(variance / n);
  return {
    value: round(mean, 2),
    low: round(Math.max(lo, mean - moe), 2),
    high: round(Math.min(hi, mean + moe), 2),
    marginOfError: round(moe, 2),
  };
}

/** Where an answer sits on its scale from unfavourable (0) to favourable (1). */
export function scalePosition(o: Pick<ScaleObservation, 'value' | 'scale'>): number {
  const { min, max, direction } = o.scale;
  if (max <= min) return 0;
  const p = (o.value - min) / (max - min);
  return direction === 'descending' ? 1 - p : p;
}

const isNpsScale = (o: ScaleObservation) =>
  o.scale.min === 0 && o.scale.max === 10 && o.scale.direction === 'ascending';

/** Net Promoter Score of 0–10 answers. */
export function npsMetric(obs: readonly ScaleObservation[]): MetricResult {
  const valid = obs.filter(
    (o) => isNpsScale(o) && Number.isInteger(o.value) && o.value >= 0 && o.value <= 10,
  );
  const n = valid.length;
  const promoters = valid.filter((o) => o.value >= 9).length;
  const detractors = valid.filter((o) => o.value <= 6).length;
  const passives = n - promoters - detractors;
  const base = {
    metric: 'nps' as const,
    n,
    ignored: obs.length - n,
    smallSample: n < SMALL_SAMPLE,
    counts: { promoters, passives, detractors },
    secondary: null,
  };
  if (n === 0) return { ...base, ...NONE };
  const p = promoters / n;
  const d = detractors / n;
  const score = (p - d) * 100;
  if (n === 1) return { ...base, value: round(score, 1), low: null, high: null, marginOfError: null };
  // Sample variance of the per-respondent +1/0/−1 score: the population variance times n / (n − 1).
  const variance = ((p + d - (p - d) ** 2) * n) / (n - 1);
  const moe = tCritical(n - 1) * Math.sqrt(variance / n) * 100;
  return {
    ...base,
    value: round(score, 1),
    low: round(Math.max(-100, score - moe), 1),
    high: round(Math.min(100, score + moe), 1),
    marginOfError: round(moe, 1),
  };
}

/** CSAT (or a rating): % satisfied and the mean. */
export function satisfactionMetric(
  obs: readonly ScaleObservation[],
  metric: 'csat' | 'rating' = 'csat',
): MetricResult {
  const n = obs.length;
  const positions = obs.map(scalePosition);
  const satisfied = positions.filter((p) => p >= 0.75 - 1e-9).length;
  const dissatisfied = positions.filter((p) => p <= 0.25 + 1e-9).length;
  // The mean: on the answers' own scale when they share one (ratings), else rescaled to 1–5 (CSAT's scale).
  const first = obs[0]?.scale;
  const shared =
    metric === 'rating' &&
    first !== undefined &&
    obs.every(
      (o) => o.scale.min === first.min && o.scale.max === first.max && o.scale.direction === 'ascending',
    );
  const scale = shared ? { min: first.min, max: first.max } : { min: 1, max: 5 };
  const means = positions.map((p) => scale.min + p * (scale.max - scale.min));
  return {
    metric,
    n,
    ignored: 0,
    smallSample: n < SMALL_SAMPLE,
    counts: { satisfied, neutral: n - satisfied - dissatisfied, dissatisfied },
    ...wilsonPercent(satisfied, n),
    secondary: { label: 'mean', scale, ...meanEstimate(means, scale.min, scale.max) },
  };
}

/** Customer effort: the mean on 1–7 (7 = easiest) and % agreeing it was easy. */
export function cesMetric(obs: readonly ScaleObservation[]): MetricResult {
  const n = obs.length;
  const positions = obs.map(scalePosition);
  const agree = positions.filter((p) => p > 0.5 + 1e-9).length;
  const disagree = positions.filter((p) => p < 0.5 - 1e-9).length;
  const mean = meanEstimate(
    positions.map((p) => 1 + 6 * p),
    1,
    7,
  );
  return {
    metric: 'ces',
    n,
    ignored: 0,
    smallSample: n < SMALL_SAMPLE,
    counts: { agree, neutral: n - agree - disagree, disagree },
    ...mean,
    secondary: { label: '% agreeing', ...wilsonPercent(agree, n) },
  };
}

/** The metric of a kind over some answers. */
export function computeMetric(kind: MetricKind, obs: readonly ScaleObservation[]): MetricResult {
  switch (kind) {
    case 'nps':
      return npsMetric(obs);
    case 'ces':
      return cesMetric(obs);
    default:
      return satisfactionMetric(obs, kind);
  }
}

/** Response rate: responses / distributed (links sent + widget displays), as a percentage with its interval. */
export function responseRate(
  responses: number,
  distributed: number,
): Estimate & { responses: number; distributed: number; smallSample: boolean } {
  // More responses than recorded distributions (anonymous answers, links made elsewhere) cap at 100%.
  const k = Math.min(responses, distributed);
  return {
    responses,
    distributed,
    smallSample: distributed < SMALL_SAMPLE,
    ...wilsonPercent(k, distributed),
  };
}

// ---- time buckets -----------------------------------------------------------------------------------------

export type BucketInterval = 'day' | 'week' | 'month';

export interface BucketOptions {
  interval: BucketInterval;
  /** The workspace's fixed offset from UTC in minutes (Tehran 210); buckets follow its local midnight. */
  utcOffsetMinutes?: number;
  /** First day of a week: 0 Sunday … 6 Saturday (Iran: 6). Default 1, Monday (ISO). */
  weekStart?: number;
  /** Month buckets by Gregorian or Persian (Jalali, solar hijri) months. Default gregorian. */
  calendar?: 'gregorian' | 'persian';
}

const DAY = 86_400_000;
let jalaliDay: Intl.DateTimeFormat | null = null;

/** The start (epoch ms) of the bucket holding `at`. */
export function bucketStart(at: number, o: BucketOptions): number {
  const off = (o.utcOffsetMinutes ?? 0) * 60_000;
  const day = Math.floor((at + off) / DAY);
  if (o.interval === 'day') return day * DAY - off;
  if (o.interval === 'week') {
    const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    const back = (dow - (o.weekStart ?? 1) + 7) % 7;
    return (day - back) * DAY - off;
  }
  if (o.calendar === 'persian') {
    jalaliDay ??= new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { timeZone: 'UTC', day: 'numeric' });
    const dom = Number(jalaliDay.format(new Date(day * DAY)));
    return (day - (dom - 1)) * DAY - off;
  }
  const d = new Date(day * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - off;
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucketStart(start: number, o: BucketOptions): number {
  if (o.interval === 'day') return start + DAY;
  if (o.interval === 'week') return start + 7 * DAY;
  // A month is 29–31 days: step past its end and snap back to the month's start.
  return bucketStart(start + 32 * DAY, o);
}

/** A metric per time bucket; buckets without answers between the first and last (or `from`/`to`) are kept, n = 0. */
export function metricSeries(
  kind: MetricKind,
  obs: readonly ScaleObservation[],
  o: BucketOptions & { from?: number; to?: number },
): { start: number; result: MetricResult }[] {
  const groups = new Map<number, ScaleObservation[]>();
  for (const x of obs) {
    const s = bucketStart(x.at, o);
    const list = groups.get(s);
    if (list) list.push(x);
    else groups.set(s, [x]);
  }
  const starts = [...groups.keys()];
  if (o.from !== undefined) starts.push(bucketStart(o.from, o));
  if (o.to !== undefined) starts.push(bucketStart(o.to, o));
  if (starts.length === 0) return [];
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const out: { start: number; result: MetricResult }[] = [];
  for (let s = first; s <= last && out.length < 5000; s = nextBucketStart(s, o))
    out.push({ start: s, result: computeMetric(kind, groups.get(s) ?? []) });
  return out;
}

/** A metric per group key (an answer in several groups counts in each), largest group first. */
export function metricBreakdown(
  kind: MetricKind,
  obs: readonly ScaleObservation[],
): { group: string; result: MetricResult }[] {
  const groups = new Map<string, ScaleObservation[]>();
  for (const x of obs)
    for (const g of new Set(x.groups ?? [])) {
      const list = groups.get(g);
      if (list) list.push(x);
      else groups.set(g, [x]);
    }
  return [...groups.entries()]
    .map(([group, list]) => ({ group, result: computeMetric(kind, list) }))
    .sort((a, b) => b.result.n - a.result.n || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

/**
 * The scale answers to one question across responses (responses that skipped it contribute nothing), each
 * carrying its response's time and group keys.
 */
export function scaleObservations(
  responses: readonly {
    answers: Readonly<Record<string, { value: unknown; scale?: Pick<Scale, 'min' | 'max' | 'direction'> }>>;
    at: number;
    groups?: readonly string[];
  }[],
  questionId: string,
): ScaleObservation[] {
  const out: ScaleObservation[] = [];
  for (const r of responses) {
    const a = Object.hasOwn(r.answers, questionId) ? r.answers[questionId] : undefined;
    if (!a || typeof a.value !== 'number' || !a.scale) continue;
    out.push({ value: a.value, scale: a.scale, at: r.at, ...(r.groups ? { groups: r.groups } : {}) });
  }
  return out;
}
