import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  pickLanguage,
  responseEventProperties,
  surveyAnswersFromEvent,
  walkSurvey,
  type SurveyPosition,
} from '../../src/surveys';
import { compileSegments, evaluate } from '../../src/segments';
import { npsSurvey } from './fixtures';

function walk(answers: unknown, through: string | null): SurveyPosition {
  const r = walkSurvey(npsSurvey, answers, through);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return r.value;
}

describe('answering a survey', () => {
  it('picks the language from the link, then the profile, falling back to the default', () => {
    assert.equal(pickLanguage(npsSurvey, ['fa-IR']), 'fa');
    assert.equal(pickLanguage(npsSurvey, [undefined, 'de', 'ar_SA']), 'ar');
    assert.equal(pickLanguage(npsSurvey, ['Persian']), 'fa');
    assert.equal(pickLanguage(npsSurvey, ['de-DE', 'fa;q=0.8']), 'fa');
    assert.equal(pickLanguage(npsSurvey, ['de']), 'en');
    assert.equal(pickLanguage({ languages: ['fa', 'ar'] }, ['en']), 'fa');
  });

  it('sends a promoter straight to the promoter end screen', () => {
    const p = walk({ nps: 10 }, 'nps');
    assert.equal(p.next, null);
    assert.equal(p.end?.id, 'thanks_promoter');
    assert.deepEqual(p.path, ['nps']);
  });

  it('asks a detractor why, then the topics, then effort', () => {
    assert.equal(walk({ nps: 3 }, 'nps').next, 'why');
    assert.equal(walk({ nps: 3, why: 'دیر رسید' }, 'why').next, 'topics');
    const done = walk({ nps: 3, why: 'دیر رسید', topics: ['delivery'], effort: 6 }, null);
    assert.equal(done.end?.id, 'thanks');
    assert.deepEqual(done.path, ['nps', 'why', 'topics', 'effort']);
    assert.deepEqual(done.answers.effort, {
      type: 'ces',
      value: 6,
      scale: { min: 1, max: 7, points: 7, direction: 'descending' },
    });
  });

  it('lets a passive skip the topics and drops answers skip logic jumped over', () => {
    const p = walk({ nps: 8, topics: ['price'], effort: 2 }, null);
    assert.deepEqual(p.path, ['nps', 'why', 'effort']);
    assert.deepEqual(p.dropped, ['topics']);
    assert.equal(p.answers.topics, undefined);
  });

  it('counts an unanswered optional question as skipped once passed', () => {
    const p = walk({ nps: 5 }, 'why');
    assert.equal(p.next, 'topics');
  });

  it('refuses a missing required answer, a bad value, an unknown question, naming the field', () => {
    const r1 = walkSurvey(npsSurvey, {}, 'nps');
    assert.ok(!r1.ok);
    assert.deepEqual([r1.error[0]!.code, r1.error[0]!.field], ['required', 'answers.nps']);
    const r2 = walkSurvey(npsSurvey, { nps: 11, topics: ['delivery', 'price', 'support'], x: 1 }, 'nps');
    assert.ok(!r2.ok);
    assert.deepEqual(
      r2.error.map((e) => [e.code, e.field]),
      [
        ['invalid_answer', 'answers.nps'],
        ['invalid_answer', 'answers.topics'],
        ['unknown_question', 'answers.x'],
      ],
    );
  });

  it('refuses `through` a question that is not on the path', () => {
    const r = walkSurvey(npsSurvey, { nps: 10 }, 'why');
    assert.ok(!r.ok);
    assert.equal(r.error[0]!.field, 'through');
  });

  it('reads Persian digits from a form post', () => {
    assert.equal(walk({ nps: '۳' }, 'nps').answers.nps?.value, 3);
  });

  it('gives segment nps conditions what they read', () => {
    const p = walk({ nps: 4, why: 'گران بود' }, 'why');
    const props = responseEventProperties(npsSurvey, {
      surveyId: 'srv_1',
      surveyName: 'NPS',
      surveyVersion: 1,
      responseId: 'rsp_1',
      language: 'fa',
      answers: p.answers,
      partial: true,
      endScreen: null,
      source: 'link',
    });
    assert.equal(props.nps, 4);
    assert.equal(props.npsGroup, 'detractor');
    assert.equal(props.partial, true);
    assert.deepEqual((props.answers as Record<string, unknown>).nps, {
      type: 'nps',
      value: 4,
      points: 11,
      min: 0,
      direction: 'ascending',
    });
    const surveys = surveyAnswersFromEvent({ name: 'Survey Responded', properties: props, timestamp: 5 })!;
    assert.deepEqual(surveys['srv_1.nps'], { value: 4, answeredAt: 5 });
    const compiled = compileSegments({
      segments: [
        { id: 'det', rule: { condition: { type: 'nps', question: 'srv_1.nps', group: 'detractor' } } },
        { id: 'any', rule: { condition: { type: 'nps', question: 'nps', group: 'detractor' } } },
      ],
    });
    assert.ok(compiled.ok);
    const profile = {
      id: 'p',
      traits: { values: {}, updatedAt: {} },
      firstSeenAt: 0,
      lastSeenAt: 0,
      eventCount: 0,
      channels: {},
    };
    for (const id of ['det', 'any'])
      assert.equal(evaluate(compiled.value, id, { profile, aggregates: {}, surveys }, 10).member, true);
  });
});
