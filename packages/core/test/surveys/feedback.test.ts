import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  csvCell,
  feedbackAlerts,
  responseAlerts,
  toCsv,
  validateFeedbackRequest,
  walkSurvey,
} from '../../src/surveys';
import { npsSurvey } from './fixtures';

const NOW = Date.parse('2026-03-01T10:00:00Z');

describe('feedback records', () => {
  it('accepts a review with a rating, an identifier and a time, defaulting the channel', () => {
    const r = validateFeedbackRequest(
      {
        source: 'app_review',
        text: ' اپلیکیشن کند است ',
        rating: 2,
        email: 'a@example.com',
        occurredAt: '2026-02-27T08:00:00Z',
        externalId: 'gp-1',
      },
      NOW,
    );
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    const f = r.value[0]!;
    assert.equal(f.channel, 'app');
    assert.equal(f.text, 'اپلیکیشن کند است');
    assert.deepEqual(f.ratingScale, { min: 1, max: 5 });
    assert.deepEqual(f.profile, { type: 'email', value: 'a@example.com' });
    assert.equal(f.occurredAt, Date.parse('2026-02-27T08:00:00Z'));
  });

  it('refuses a whole batch when one record is bad, naming it', () => {
    const r = validateFeedbackRequest(
      {
        batch: [
          { source: 'chat', text: 'ok' },
          { source: 'fax', text: '', rating: 9, userId: 'u', email: 'e@x.com' },
        ],
      },
      NOW,
    );
    assert.ok(!r.ok);
    assert.deepEqual(
      r.error.map((e) => e.field),
      ['batch[1].source', 'batch[1].text', 'batch[1].rating', 'batch[1].profileId'],
    );
  });

  it('refuses a future occurredAt and unknown fields', () => {
    const r = validateFeedbackRequest(
      { source: 'email', text: 'x', occurredAt: NOW + 3 * 86_400_000, colour: 1 },
      NOW,
    );
    assert.ok(!r.ok);
    assert.deepEqual(
      r.error.map((e) => e.field),
      ['colour', 'occurredAt'],
    );
  });
});

describe('closed-loop alerts', () => {
  it('raises detractor and negative-sentiment reasons for a response', () => {
    const w = walkSurvey(npsSurvey, { nps: 2, why: 'خیلی بد بود' }, 'why');
    assert.ok(w.ok);
    const reasons = responseAlerts(
      npsSurvey,
      w.value.answers,
      { detractor: true, sentimentBelow: -0.3 },
      { why: -0.8 },
    );
    assert.deepEqual(reasons, [
      { reason: 'detractor', questionId: 'nps', score: 2 },
      { reason: 'negative_sentiment', questionId: 'why', sentiment: -0.8 },
    ]);
    assert.deepEqual(responseAlerts(npsSurvey, w.value.answers, {}, { why: -0.8 }), []);
  });

  it('raises a low-score reason for a CES answer honouring its direction', () => {
    const w = walkSurvey(npsSurvey, { nps: 8, effort: 7 }, null); // descending scale: 7 = strongly disagree
    assert.ok(w.ok);
    assert.deepEqual(responseAlerts(npsSurvey, w.value.answers, { lowScore: true }, {}), [
      { reason: 'low_score', questionId: 'effort', score: 7 },
    ]);
  });

  it('raises reasons for feedback: a one-star review and an angry message', () => {
    assert.deepEqual(
      feedbackAlerts({ lowScore: true }, { rating: 1, ratingScale: { min: 1, max: 5 }, sentiment: null }),
      [{ reason: 'low_score', score: 1 }],
    );
    assert.deepEqual(
      feedbackAlerts(
        { detractor: true, sentimentBelow: -0.5 },
        { rating: null, ratingScale: null, sentiment: -0.7 },
      ),
      [{ reason: 'negative_sentiment', sentiment: -0.7 }],
    );
  });
});

describe('CSV', () => {
  it('quotes, keeps Persian, and defuses formulas', () => {
    assert.equal(csvCell('a,"b"'), '"a,""b"""');
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell(-3), '-3');
    assert.equal(toCsv(['متن'], [['سلام\nخوبی']]), '\uFEFFمتن\r\n"سلام\nخوبی"\r\n');
  });
});
