import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileSegments,
  evaluate,
  mergeStates,
  nextScoreCrossingAt,
  replayState,
  scoreAt,
  SCORE_ADJUSTED,
  type ScoreModel,
} from '../../src/segments';
import { compile, DAY, HOUR, Profile, T0, track } from './fixtures';

const adjust = (model: string, points: number, at: number) =>
  track(SCORE_ADJUSTED, at, { properties: { model, points, reason: 'process', process_id: 'prc_1' } });

const LEAD: ScoreModel = { id: 'lead', rules: [{ points: 10, per: { name: 'view' } }] };
const HEAT: ScoreModel = {
  id: 'heat',
  rules: [{ points: 8, per: { name: 'view' }, decay: { halfLife: { amount: 1, unit: 'days' } } }],
  adjustments: { decay: { halfLife: { amount: 1, unit: 'days' }, expireAfter: { amount: 3, unit: 'days' } } },
};

const c = compile({
  segments: [
    { id: 'hot', rule: { condition: { type: 'score', model: 'lead', op: 'gte', value: 30 } } },
    { id: 'detractors', rule: { condition: { type: 'nps', question: 'nps', group: 'detractor' } } },
  ],
  scoreModels: [LEAD, HEAT],
});

describe('score adjustments (Score Adjusted events)', () => {
  it('add their points to the model they name, and only to it', () => {
    const p = new Profile(c).feed([
      track('view', T0),
      adjust('lead', 25, T0 + 1),
      adjust('other', 99, T0 + 2),
    ]);
    assert.equal(scoreAt(c, 'lead', p.view, T0 + 3), 35);
    assert.equal(evaluate(c, 'hot', p.view, T0 + 3).member, true);
    assert.equal(scoreAt(c, 'lead', new Profile(c).feed([adjust('lead', -5, T0)]).view, T0), -5);
  });

  it("follow the model's adjustment decay: halving per bucket sum, then expiry", () => {
    const p = new Profile(c).feed([adjust('heat', 20, T0), adjust('heat', 5, T0 + 10)]);
    const at = (t: number) => scoreAt(c, 'heat', p.view, t);
    // 25 → 12 → 6 → 0 (expired after 3 days).
    assert.deepEqual([at(T0 + 1), at(T0 + DAY), at(T0 + 2 * DAY), at(T0 + 3 * DAY)], [25, 12, 6, 0]);
  });

  it('count on replay and merge exactly like the incremental path', () => {
    const events = [adjust('lead', 7, T0), track('view', T0 + HOUR), adjust('lead', 3, T0 + 2 * HOUR)];
    const view = new Profile(c).feed(events).view;
    const replayed = { ...view, aggregates: replayState(c, [...events].reverse(), T0 + 3 * HOUR) };
    assert.equal(scoreAt(c, 'lead', replayed, T0 + 3 * HOUR), 20);
    const a = new Profile(c).feed(events.slice(0, 1));
    const b = new Profile(c).feed(events.slice(1));
    const merged = { ...view, aggregates: mergeStates(c, a.aggregates, b.aggregates) };
    assert.equal(scoreAt(c, 'lead', merged, T0 + 3 * HOUR), 20);
  });

  it('are refused with a clear error when the decay is malformed', () => {
    const r = compileSegments({
      segments: [],
      scoreModels: [{ ...HEAT, adjustments: { decay: { halfLife: { amount: 1, unit: 'fortnights' } } } }],
    });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error.some((e) => e.message.includes('unit')), JSON.stringify(!r.ok && r.error));
  });
});

describe('nextScoreCrossingAt', () => {
  it('is the exact moment decay takes the score across the nearest watched threshold', () => {
    const p = new Profile(c).feed([track('view', T0), track('view', T0), adjust('heat', 4, T0)]);
    // 8 + 8 + 4 = 20 now; halves to 10 at T0 + 1 day, 5 at + 2 days; the adjustment expires at + 3 days.
    assert.equal(scoreAt(c, 'heat', p.view, T0), 20);
    assert.deepEqual(nextScoreCrossingAt(c, 'heat', p.view, T0, [15, 30]), {
      at: T0 + DAY,
      approximate: false,
    });
    assert.deepEqual(nextScoreCrossingAt(c, 'heat', p.view, T0, [6]), {
      at: T0 + 2 * DAY,
      approximate: false,
    });
    assert.equal(nextScoreCrossingAt(c, 'heat', p.view, T0, [30]), null);
    assert.equal(nextScoreCrossingAt(c, 'lead', p.view, T0, [5]), null);
  });
});

describe('survey answers in segments', () => {
  const responded = (nps: number, at: number, surveyId = 'srv_1') =>
    track('Survey Responded', at, {
      properties: { surveyId, answers: { nps: { type: 'nps', value: nps } }, nps, partial: false },
    });

  it('fold from Survey Responded events, latest answer wins in any order and across merges', () => {
    const detractor = new Profile(c).feed([responded(3, T0)]);
    assert.equal(evaluate(c, 'detractors', detractor.view, T0).member, true);
    const promoted = new Profile(c).feed([responded(3, T0), responded(10, T0 + HOUR)]);
    assert.equal(evaluate(c, 'detractors', promoted.view, T0 + HOUR).member, false);
    const late = new Profile(c).feed([responded(10, T0 + HOUR), responded(3, T0)], T0 + 2 * HOUR);
    assert.equal(evaluate(c, 'detractors', late.view, T0 + 2 * HOUR).member, false);
    const merged = {
      ...detractor.view,
      aggregates: mergeStates(
        c,
        new Profile(c).feed([responded(9, T0 + HOUR)]).aggregates,
        detractor.aggregates,
      ),
    };
    assert.equal(evaluate(c, 'detractors', merged, T0 + HOUR).member, false);
  });
});
