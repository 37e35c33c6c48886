import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextScoreChangeAt, scoreAt, thresholdCrossing, type ScoreModel } from '../../src/segments';
import { compile, DAY, HOUR, identify, MINUTE, Profile, T0, track } from './fixtures';

const MODEL: ScoreModel = {
  id: 'lead',
  rules: [
    { id: 'views', points: 10, per: { name: 'view' }, decay: { halfLife: { amount: 1, unit: 'days' } } },
    {
      id: 'demo',
      points: 30,
      per: { name: 'درخواست دمو' },
      decay: { expireAfter: { amount: 7, unit: 'days' } },
    },
    { id: 'unsub', points: -20, per: { name: 'unsubscribe' } },
    {
      id: 'ceo',
      points: 25,
      when: { condition: { type: 'trait', trait: 'role', op: 'equals', value: 'مدیرعامل' } },
    },
  ],
};

const c = compile({
  segments: [{ id: 'hot', rule: { condition: { type: 'score', model: 'lead', op: 'gte', value: 50 } } }],
  scoreModels: [MODEL],
});

describe('scoring', () => {
  it('adds points per event and while a rule holds', () => {
    const p = new Profile(c).feed([identify({ role: 'مدیرعامل' }, T0), track('unsubscribe', T0)]);
    assert.equal(scoreAt(c, 'lead', p.view, T0), 5);
  });

  it('halves behaviour points every half-life (integer halving, from the start of the event hour) until 0', () => {
    const p = new Profile(c).feed([track('view', T0 + 30 * MINUTE)]);
    const at = (t: number) => scoreAt(c, 'lead', p.view, t);
    assert.deepEqual(
      [at(T0 + DAY - 1), at(T0 + DAY), at(T0 + 2 * DAY), at(T0 + 3 * DAY), at(T0 + 4 * DAY)],
      [10, 5, 2, 1, 0],
    );
    assert.equal(nextScoreChangeAt(c, 'lead', p.view, T0 + HOUR), T0 + DAY);
    assert.equal(nextScoreChangeAt(c, 'lead', p.view, T0 + 4 * DAY), null);
  });

  it('expires points after their lifetime', () => {
    const p = new Profile(c).feed([track('درخواست دمو', T0)]);
    assert.equal(scoreAt(c, 'lead', p.view, T0 + 7 * DAY - 1), 30);
    assert.equal(scoreAt(c, 'lead', p.view, T0 + 7 * DAY), 0);
  });

  it('a threshold condition in a segment leaves exactly when decay takes the score below it', () => {
    const p = new Profile(c).feed([
      identify({ role: 'مدیرعامل' }, T0),
      track('view', T0),
      track('view', T0 + 1),
      track('view', T0 + 2),
    ]);
    // 25 + 3 × 10 = 55 ≥ 50; after a day 25 + 3 × 5 = 40.
    assert.deepEqual(p.at('hot', T0 + HOUR), { id: 'hot', member: true, nextCheckAt: T0 + DAY });
    assert.equal(p.at('hot', T0 + DAY).member, false);
  });

  it('tells when a threshold was crossed between two scores', () => {
    assert.equal(thresholdCrossing(40, 55, 50), 'up');
    assert.equal(thresholdCrossing(50, 49, 50), 'down');
    assert.equal(thresholdCrossing(55, 60, 50), null);
    assert.equal(thresholdCrossing(49, 50, 50), 'up');
  });
});
