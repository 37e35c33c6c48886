import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSurvey, validateWorkspaceSurveySettings, type SurveyError } from '../../src/surveys';
import { npsSurvey } from './fixtures';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function errors(definition: unknown, settings?: unknown): SurveyError[] {
  const r = validateSurvey({ definition, settings });
  assert.equal(r.ok, false, 'rejected');
  return r.ok ? [] : r.error;
}

describe('survey validation', () => {
  it('accepts the fixture survey with its skip logic and settings', () => {
    const r = validateSurvey({
      definition: npsSurvey,
      settings: {
        anonymous: true,
        widget: { enabled: true, triggers: [{ type: 'page', url: '/checkout/done' }], samplePercent: 50 },
        alerts: { detractor: true, sentimentBelow: -0.4 },
      },
    });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  });

  it('names the question and the language of a missing translation', () => {
    const d = clone(npsSurvey);
    delete (d.questions[1]!.title as Record<string, string>).ar;
    const [e, ...rest] = errors(d);
    assert.equal(rest.length, 0);
    assert.equal(e!.code, 'missing_translation');
    assert.equal(e!.field, 'definition.questions[1].title.ar');
    assert.equal(e!.questionId, 'why');
    assert.match(e!.message, /question "why"/);
  });

  it('only asks for the languages the survey offers', () => {
    const d = {
      languages: ['fa'],
      questions: [{ id: 'q', type: 'csat', title: { fa: 'راضی بودید؟' } }],
      endScreens: [{ id: 'e', title: { fa: 'ممنون' } }],
    };
    assert.ok(validateSurvey({ definition: d }).ok);
  });

  it('reports every error at once, each naming its field', () => {
    const d = clone(npsSurvey) as unknown as { questions: Record<string, unknown>[] };
    d.questions[0]!.type = 'stars';
    d.questions[2]!.choices = [{ id: 'only', label: { fa: 'x', ar: 'x', en: 'x' } }];
    d.questions[3]!.direction = 'up';
    d.questions[3]!.colour = 'red';
    const es = errors(d);
    assert.deepEqual(
      es.map((e) => [e.code, e.field, e.questionId]),
      [
        ['unknown_type', 'definition.questions[0].type', 'nps'],
        // The NPS question is no longer numeric, so the numeric test of it in "why"'s logic is refused too.
        ['invalid_value', 'definition.questions[1].logic[0].if.op', 'why'],
        ['invalid_value', 'definition.questions[2].choices', 'topics'],
        ['unknown_field', 'definition.questions[3].colour', 'effort'],
        ['invalid_value', 'definition.questions[3].direction', 'effort'],
      ],
    );
  });

  it('refuses skip logic that jumps backwards or to unknown targets, and conditions on later questions', () => {
    const d = clone(npsSurvey);
    d.questions[3]!.logic = [
      { if: { question: 'nps', op: 'lt', value: 3 }, goto: { question: 'why' } },
      { if: { question: 'nps', op: 'lt', value: 3 }, goto: { end: 'nowhere' } },
    ];
    d.questions[1]!.logic = [{ if: { question: 'effort', op: 'answered' }, goto: { end: 'thanks' } }];
    const es = errors(d);
    assert.deepEqual(
      es.map((e) => [e.code, e.field]),
      [
        ['invalid_value', 'definition.questions[1].logic[0].if.question'],
        ['invalid_value', 'definition.questions[3].logic[0].goto.question'],
        ['unknown_reference', 'definition.questions[3].logic[1].goto.end'],
      ],
    );
  });

  it('refuses numeric operators on choice questions and duplicate ids', () => {
    const d = clone(npsSurvey);
    d.questions[2]!.logic = [{ if: { question: 'topics', op: 'gt', value: 2 }, goto: { end: 'thanks' } }];
    d.questions[3]!.id = 'why';
    const es = errors(d);
    assert.ok(es.some((e) => e.code === 'duplicate_id' && e.field === 'definition.questions[3].id'));
    assert.ok(
      es.some((e) => e.field === 'definition.questions[2].logic[0].if.op' && e.questionId === 'topics'),
    );
  });

  it('checks rating points, settings and widget targeting', () => {
    const d = clone(npsSurvey);
    d.questions.push({ id: 'stars', type: 'rating', points: 12, title: { fa: 'x', ar: 'x', en: 'x' } });
    const es = errors(d, {
      linkTtlDays: 0,
      widget: { enabled: true, triggers: [], samplePercent: 120 },
      alerts: { sentimentBelow: -2 },
    });
    assert.deepEqual(
      es.map((e) => e.field),
      [
        'definition.questions[4].points',
        'settings.linkTtlDays',
        'settings.alerts.sentimentBelow',
        'settings.widget.triggers',
        'settings.widget.samplePercent',
      ],
    );
  });

  it('validates workspace settings with defaults', () => {
    const r = validateWorkspaceSurveySettings({ cooldownDays: 14 });
    assert.ok(r.ok);
    assert.equal(r.value.cooldownDays, 14);
    assert.deepEqual(r.value.alerts, { detractor: true, sentimentBelow: -0.5 });
    const bad = validateWorkspaceSurveySettings({ cooldownDays: -1 });
    assert.ok(!bad.ok && bad.error[0]!.field === 'settings.cooldownDays');
  });
});
