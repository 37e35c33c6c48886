// Metric fixtures computed by hand (the arithmetic is in the comments), independent of the code under test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bucketStart,
  cesMetric,
  metricBreakdown,
  metricSeries,
  npsMetric,
  responseRate,
  satisfactionMetric,
  scaleObservations,
  type ScaleObservation,
} from '../../src/surveys';

const NPS = { min: 0, max: 10, direction: 'ascending' as const };
const FIVE = { min: 1, max: 5, direction: 'ascending' as const };
const SEVEN = { min: 1, max: 7, direction: 'ascending' as const };
const SEVEN_DESC = { min: 1, max: 7, direction: 'descending' as const };
const obs = (scale: ScaleObservation['scale'], values: number[], at = 0): ScaleObservation[] =>
  values.map((value) => ({ value, scale, at }));

describe('NPS', () => {
  it('is % promoters − % detractors with passives in the denominator', () => {
    // 10 answers: promoters 10,9,9,10 (4), passives 8,7 (2), detractors 6,3,0,5 (4) → 40% − 40% = 0.
    // Per-respondent scores +1/0/−1: population variance p + d − (p − d)² = 0.8; sample variance 0.8·10/9 =
    // 0.8889; standard error √(0.8889/10) = 0.29814; t(9) = 2.262 → ±0.6744 → ±67.4 points.
    const r = npsMetric(obs(NPS, [10, 9, 9, 8, 7, 6, 3, 0, 10, 5]));
    assert.deepEqual(r.counts, { promoters: 4, passives: 2, detractors: 4 });
    assert.equal(r.n, 10);
    assert.equal(r.value, 0);
    assert.equal(r.marginOfError, 67.4);
    assert.deepEqual([r.low, r.high], [-67.4, 67.4]);
    assert.equal(r.smallSample, true);
  });

  it('clamps the interval to ±100', () => {
    // 10,10,10,9,8: 4 promoters, 1 passive → 80. Variance 0.8 − 0.64 = 0.16 → sample 0.2; se √(0.2/5) = 0.2;
    // t(4) = 2.776 → ±55.5: [24.5, 135.5] clamped to [24.5, 100].
    const r = npsMetric(obs(NPS, [10, 10, 10, 9, 8]));
    assert.equal(r.value, 80);
    assert.equal(r.marginOfError, 55.5);
    assert.deepEqual([r.low, r.high], [24.5, 100]);
  });

  it('with no responses has no value', () => {
    const r = npsMetric([]);
    assert.equal(r.n, 0);
    assert.equal(r.value, null);
    assert.equal(r.marginOfError, null);
    assert.equal(r.smallSample, true);
  });

  it('with all passives is 0 with a degenerate interval flagged as a small sample', () => {
    const r = npsMetric(obs(NPS, [7, 8, 8, 7]));
    assert.deepEqual(r.counts, { promoters: 0, passives: 4, detractors: 0 });
    assert.equal(r.value, 0);
    assert.equal(r.marginOfError, 0);
    assert.equal(r.smallSample, true);
  });

  it('does not count skipped questions, and ignores answers on another scale', () => {
    // Three responses; the second skipped the NPS question; a fourth answered it on a 1–5 scale (a legacy
    // question): n = 2 (10 and 6) → 50% − 50% = 0, one ignored.
    type Answers = Record<string, { value: number; scale: ScaleObservation['scale'] }>;
    const responses: { at: number; answers: Answers }[] = [
      { at: 1, answers: { nps: { value: 10, scale: NPS } } },
      { at: 2, answers: { other: { value: 3, scale: FIVE } } },
      { at: 3, answers: { nps: { value: 6, scale: NPS } } },
      { at: 4, answers: { nps: { value: 5, scale: FIVE } } },
    ];
    const r = npsMetric(scaleObservations(responses, 'nps'));
    assert.equal(r.n, 2);
    assert.equal(r.ignored, 1);
    assert.equal(r.value, 0);
  });

  it('is large-sample above 30 answers (t → 2.0 for 30–60 degrees of freedom)', () => {
    // 40 answers: 20 promoters, 10 passives, 10 detractors → 50 − 25 = 25. Variance 0.75 − 0.0625 = 0.6875;
    // sample 0.6875·40/39 = 0.70513; se √(0.70513/40) = 0.13277; t(39) = 2.0 → ±26.6.
    const r = npsMetric(obs(NPS, [...Array(20).fill(10), ...Array(10).fill(7), ...Array(10).fill(2)]));
    assert.equal(r.value, 25);
    assert.equal(r.marginOfError, 26.6);
    assert.equal(r.smallSample, false);
  });
});

describe('CSAT', () => {
  it('is the % of 4–5 answers on a 5-point scale with a Wilson interval and the mean', () => {
    // 5,4,4,3,2,1 → satisfied 3/6 = 50%. Wilson (z = 1.96): center (0.5 + 0.3201)/1.6402 = 0.5;
    // half 1.96·√(0.25/6 + 0.026677)/1.6402 = 0.3123 → [18.8, 81.2]. Mean 19/6 = 3.17.
    const r = satisfactionMetric(obs(FIVE, [5, 4, 4, 3, 2, 1]));
    assert.equal(r.value, 50);
    assert.deepEqual([r.low, r.high], [18.8, 81.2]);
    assert.deepEqual(r.counts, { satisfied: 3, neutral: 1, dissatisfied: 2 });
    assert.equal(r.secondary?.value, 3.17);
  });

  it('mixes scales by position: top-two-box on 5 and 7 points, a descending scale read backwards', () => {
    // Positions: 5/5 → 1, 4/5 → .75, 2/5 → .25, 6/7 → .833, 5/7 → .667, 1 on a descending 1–3 → 1.
    // Satisfied (≥ .75): 4 of 6 → 66.7%, Wilson [30.0, 90.3] → ±36.7; dissatisfied (≤ .25): 1.
    // Mean on 1–5 (1 + 4·position): 5, 4, 2, 4.333, 3.667, 5 → 24/6 = 4.0; sd 1.1392, t(5) 2.571 → ±1.17.
    const r = satisfactionMetric([
      ...obs(FIVE, [5, 4, 2]),
      ...obs(SEVEN, [6, 5]),
      ...obs({ min: 1, max: 3, direction: 'descending' }, [1]),
    ]);
    assert.equal(r.value, 66.7);
    assert.deepEqual([r.low, r.high, r.marginOfError], [30, 90.3, 36.7]);
    assert.deepEqual(r.counts, { satisfied: 4, neutral: 1, dissatisfied: 1 });
    assert.deepEqual([r.secondary?.value, r.secondary?.marginOfError], [4, 1.17]);
    assert.deepEqual(r.secondary?.scale, { min: 1, max: 5 });
  });

  it('with no responses has no value', () => {
    const r = satisfactionMetric([]);
    assert.equal(r.value, null);
    assert.equal(r.secondary?.value, null);
  });

  it('reports a rating mean on its own scale when all answers share it', () => {
    const r = satisfactionMetric(obs({ min: 1, max: 10, direction: 'ascending' }, [10, 8, 7, 3]), 'rating');
    // 8–10 of 10 are satisfied (position ≥ .75: 8 → 7/9 = .78, 7 → .67): 2 of 4. Mean 28/4 = 7.
    assert.equal(r.value, 50);
    assert.equal(r.secondary?.value, 7);
    assert.deepEqual(r.secondary?.scale, { min: 1, max: 10 });
  });
});

describe('CES', () => {
  it('honours the stored direction: mean on 1–7 (7 = easy) and % agreeing', () => {
    // Ascending 7,6,5,4,2 and descending 1 (→ 7), 3 (→ 5): 7,6,5,4,2,7,5 → mean 36/7 = 5.14;
    // sd 1.7728, t(6) 2.447 → ±1.64. Agreeing (5–7): 5 of 7 = 71.4%, Wilson [35.9, 91.8].
    const r = cesMetric([...obs(SEVEN, [7, 6, 5, 4, 2]), ...obs(SEVEN_DESC, [1, 3])]);
    assert.equal(r.value, 5.14);
    assert.equal(r.marginOfError, 1.64);
    assert.deepEqual(r.counts, { agree: 5, neutral: 1, disagree: 1 });
    assert.deepEqual([r.secondary?.value, r.secondary?.low, r.secondary?.high], [71.4, 35.9, 91.8]);
  });

  it('with one answer has a value but no interval', () => {
    const r = cesMetric(obs(SEVEN, [6]));
    assert.equal(r.value, 6);
    assert.equal(r.marginOfError, null);
  });
});

describe('response rate', () => {
  it('is responses over links and displays with a Wilson interval', () => {
    // 3/12 = 25%; Wilson [8.9, 53.2].
    const r = responseRate(3, 12);
    assert.deepEqual([r.value, r.low, r.high], [25, 8.9, 53.2]);
    assert.equal(responseRate(0, 0).value, null);
    assert.equal(responseRate(5, 4).value, 100);
  });
});

describe('series and breakdowns', () => {
  const H = 3_600_000;
  it('buckets by Tehran days, Saturday weeks and Jalali months', () => {
    const tehran = { utcOffsetMinutes: 210 };
    // 2026-04-05T12:00Z is 16:30 Tehran on Farvardin 16, 1405 (Sunday).
    const at = Date.parse('2026-04-05T12:00:00Z');
    assert.equal(bucketStart(at, { interval: 'day', ...tehran }), Date.parse('2026-04-04T20:30:00Z'));
    // The Saturday before: 2026-04-04 00:00 Tehran.
    assert.equal(
      bucketStart(at, { interval: 'week', weekStart: 6, ...tehran }),
      Date.parse('2026-04-03T20:30:00Z'),
    );
    // ISO week: Monday 2026-03-30 00:00 UTC.
    assert.equal(bucketStart(at, { interval: 'week' }), Date.parse('2026-03-30T00:00:00Z'));
    // Farvardin 1, 1405 = 2026-03-21 (the equinox fell after noon on the 20th in Tehran).
    assert.equal(
      bucketStart(at, { interval: 'month', calendar: 'persian', ...tehran }),
      Date.parse('2026-03-20T20:30:00Z'),
    );
    assert.equal(bucketStart(at, { interval: 'month' }), Date.parse('2026-04-01T00:00:00Z'));
  });

  it('keeps empty buckets between answers', () => {
    const d0 = Date.parse('2026-03-01T10:00:00Z');
    const s = metricSeries('nps', [...obs(NPS, [10, 9], d0), ...obs(NPS, [0], d0 + 48 * H)], {
      interval: 'day',
    });
    assert.deepEqual(
      s.map((b) => [new Date(b.start).toISOString().slice(0, 10), b.result.n, b.result.value]),
      [
        ['2026-03-01', 2, 100],
        ['2026-03-02', 0, null],
        ['2026-03-03', 1, -100],
      ],
    );
  });

  it('breaks down by group, an answer counting in each of its groups', () => {
    const list: ScaleObservation[] = [
      { value: 10, scale: NPS, at: 0, groups: ['seg:vip', 'channel:web'] },
      { value: 3, scale: NPS, at: 0, groups: ['channel:web'] },
      { value: 9, scale: NPS, at: 0, groups: ['seg:vip', 'channel:email'] },
    ];
    const b = metricBreakdown('nps', list);
    assert.deepEqual(
      b.map((x) => [x.group, x.result.n, x.result.value]),
      [
        ['channel:web', 2, 0],
        ['seg:vip', 2, 100],
        ['channel:email', 1, 100],
      ],
    );
  });
});
