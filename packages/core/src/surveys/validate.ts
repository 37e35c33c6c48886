// The validator is the source of truth for surveys: stored JSON and API input pass through it. Like the segment
// rule validator, every error names the offending input by path (`definition.questions[2].choices[0].label.fa`)
// and, when it is inside a question, by the question's id, so an editor can highlight it; all errors are
// reported at once.
import { err, ok, type DomainError, type Result } from '../errors';
import {
  QUESTION_TYPES,
  SURVEY_LANGUAGES,
  type AlertRule,
  type SurveyDefinition,
  type SurveyLanguage,
  type SurveySettings,
  type WorkspaceSurveySettings,
} from './types';

/** A validation error; `questionId` is the id of the question it is in, when it is in one. */
export interface SurveyError extends DomainError {
  questionId?: string;
}

export const SURVEY_LIMITS = {
  maxQuestions: 100,
  maxChoices: 50,
  maxEndScreens: 20,
  maxLogicRules: 50,
  maxConditions: 50,
  maxTitleLength: 1000,
  maxOpenTextLength: 5000,
  defaultOpenTextLength: 2000,
  maxTriggers: 20,
  maxLinkTtlDays: 365,
  maxDays: 3650,
} as const;

const ID = /^[A-Za-z0-9_-]{1,64}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

class Checker {
  readonly errors: SurveyError[] = [];
  languages: readonly SurveyLanguage[] = SURVEY_LANGUAGES;

  fail(code: string, field: string, message: string, questionId?: string): void {
    const where = questionId === undefined ? '' : ` (question "${questionId}")`;
    const e: SurveyError = { code, field, message: `${field}${where}: ${message}` };
    if (questionId !== undefined) e.questionId = questionId;
    this.errors.push(e);
  }

  onlyKeys(o: Obj, allowed: readonly string[], path: string, q?: string): void {
    for (const k of Object.keys(o))
      if (!allowed.includes(k))
        this.fail('unknown_field', `${path}.${k}`, `unknown field (allowed: ${allowed.join(', ')})`, q);
  }

  object(v: unknown, path: string, q?: string): v is Obj {
    if (isObj(v)) return true;
    this.fail('invalid_value', path, `must be an object (got ${show(v)})`, q);
    return false;
  }

  id(v: unknown, path: string, q?: string): v is string {
    if (typeof v === 'string' && ID.test(v)) return true;
    this.fail('invalid_value', path, `must be 1–64 letters, digits, _ or - (got ${show(v)})`, q);
    return false;
  }

  bool(v: unknown, path: string, q?: string): void {
    if (v !== undefined && typeof v !== 'boolean')
      this.fail('invalid_value', path, `must be true or false (got ${show(v)})`, q);
  }

  int(v: unknown, path: string, min: number, max: number, q?: string): v is number {
    if (isInt(v) && v >= min && v <= max) return true;
    this.fail('invalid_value', path, `must be a whole number from ${min} to ${max} (got ${show(v)})`, q);
    return false;
  }

  /** A text in every language of the survey (and no other keys). */
  text(v: unknown, path: string, q?: string, max: number = SURVEY_LIMITS.maxTitleLength): void {
    if (!isObj(v)) {
      this.fail(
        'invalid_value',
        path,
        `must be an object with a text per language, e.g. {"fa":"…","ar":"…","en":"…"} (got ${show(v)})`,
        q,
      );
      return;
    }
    this.onlyKeys(v, SURVEY_LANGUAGES, path, q);
    for (const lang of this.languages) {
      const t = v[lang];
      if (typeof t !== 'string' || t.trim() === '' || t.length > max)
        this.fail(
          t === undefined ? 'missing_translation' : 'invalid_value',
          `${path}.${lang}`,
          t === undefined
            ? `the survey offers ${lang}: every text needs a ${lang} version`
            : `must be a non-empty string of at most ${max} characters (got ${show(t)})`,
          q,
        );
    }
  }

  optionalText(o: Obj, key: string, path: string, q?: string): void {
    if (o[key] !== undefined) this.text(o[key], `${path}.${key}`, q);
  }
}

const SCALE_KEYS = ['lowLabel', 'highLabel'];
const BASE_KEYS = ['id', 'type', 'title', 'description', 'required', 'logic'];

/** Validates a survey's content and settings together (skip logic may only point forward, to known targets). */
export function validateSurvey(input: {
  definition: unknown;
  settings?: unknown;
}): Result<{ definition: SurveyDefinition; settings: SurveySettings }, SurveyError[]> {
  const c = new Checker();
  checkDefinition(c, input.definition, 'definition');
  checkSettings(c, input.settings ?? {}, 'settings');
  if (c.errors.length > 0) return err(c.errors);
  const definition = input.definition as SurveyDefinition;
  return ok({ definition, settings: (input.settings ?? {}) as SurveySettings });
}

function checkDefinition(c: Checker, d: unknown, path: string): void {
  if (!c.object(d, path)) return;
  c.onlyKeys(d, ['languages', 'defaultLanguage', 'intro', 'questions', 'endScreens'], path);
  if (
    !Array.isArray(d.languages) ||
    d.languages.length === 0 ||
    !d.languages.every((l) => (SURVEY_LANGUAGES as readonly unknown[]).includes(l)) ||
    new Set(d.languages).size !== d.languages.length
  ) {
    c.fail(
      'invalid_value',
      `${path}.languages`,
      `must be a non-empty list of distinct languages from ${SURVEY_LANGUAGES.join(', ')} (got ${show(d.languages)})`,
    );
  } else c.languages = d.languages as SurveyLanguage[];
  if (d.defaultLanguage !== undefined && !c.languages.includes(d.defaultLanguage as SurveyLanguage))
    c.fail(
      'invalid_value',
      `${path}.defaultLanguage`,
      `must be one of the survey's languages (${c.languages.join(', ')})`,
    );
  c.optionalText(d, 'intro', path);

  // End screens first: questions' logic refers to them.
  const ends = new Set<string>();
  if (
    !Array.isArray(d.endScreens) ||
    d.endScreens.length === 0 ||
    d.endScreens.length > SURVEY_LIMITS.maxEndScreens
  ) {
    c.fail(
      'invalid_value',
      `${path}.endScreens`,
      `must be a list of 1 to ${SURVEY_LIMITS.maxEndScreens} end screens (the first is shown by default)`,
    );
  } else {
    d.endScreens.forEach((e: unknown, i: number) => {
      const p = `${path}.endScreens[${i}]`;
      if (!c.object(e, p)) return;
      c.onlyKeys(e, ['id', 'title', 'body'], p);
      if (c.id(e.id, `${p}.id`)) {
        if (ends.has(e.id)) c.fail('duplicate_id', `${p}.id`, `end screen id "${e.id}" is used twice`);
        ends.add(e.id);
      }
      c.text(e.title, `${p}.title`);
      c.optionalText(e, 'body', p);
    });
  }

  if (
    !Array.isArray(d.questions) ||
    d.questions.length === 0 ||
    d.questions.length > SURVEY_LIMITS.maxQuestions
  ) {
    c.fail(
      'invalid_value',
      `${path}.questions`,
      `must be a list of 1 to ${SURVEY_LIMITS.maxQuestions} questions`,
    );
    return;
  }
  const index = new Map<string, number>();
  const types = new Map<string, string>();
  d.questions.forEach((q: unknown, i: number) => {
    if (isObj(q) && typeof q.id === 'string' && ID.test(q.id)) {
      if (index.has(q.id))
        c.fail('duplicate_id', `${path}.questions[${i}].id`, `question id "${q.id}" is used twice`, q.id);
      else {
        index.set(q.id, i);
        types.set(q.id, String(q.type));
      }
    }
  });
  d.questions.forEach((q: unknown, i: number) =>
    checkQuestion(c, q, `${path}.questions[${i}]`, i, index, types, ends),
  );
}

function checkQuestion(
  c: Checker,
  q: unknown,
  path: string,
  at: number,
  index: Map<string, number>,
  types: Map<string, string>,
  ends: Set<string>,
): void {
  if (!c.object(q, path)) return;
  const qid = typeof q.id === 'string' && ID.test(q.id) ? q.id : undefined;
  c.id(q.id, `${path}.id`, qid);
  if (!(QUESTION_TYPES as readonly unknown[]).includes(q.type)) {
    c.fail(
      'unknown_type',
      `${path}.type`,
      `must be one of ${QUESTION_TYPES.join(', ')} (got ${show(q.type)})`,
      qid,
    );
    return;
  }
  c.text(q.title, `${path}.title`, qid);
  c.optionalText(q, 'description', path, qid);
  c.bool(q.required, `${path}.required`, qid);
  switch (q.type) {
    case 'nps':
    case 'csat':
      c.onlyKeys(q, [...BASE_KEYS, ...SCALE_KEYS], path, qid);
      break;
    case 'ces':
      c.onlyKeys(q, [...BASE_KEYS, ...SCALE_KEYS, 'direction'], path, qid);
      if (q.direction !== undefined && q.direction !== 'ascending' && q.direction !== 'descending')
        c.fail(
          'invalid_value',
          `${path}.direction`,
          `must be ascending (7 = strongly agree) or descending (1 = strongly agree) (got ${show(q.direction)})`,
          qid,
        );
      break;
    case 'rating':
      c.onlyKeys(q, [...BASE_KEYS, ...SCALE_KEYS, 'points', 'style'], path, qid);
      c.int(q.points, `${path}.points`, 3, 10, qid);
      if (q.style !== undefined && q.style !== 'numbers' && q.style !== 'stars')
        c.fail('invalid_value', `${path}.style`, `must be numbers or stars (got ${show(q.style)})`, qid);
      break;
    case 'single_choice':
    case 'multiple_choice': {
      c.onlyKeys(
        q,
        q.type === 'multiple_choice'
          ? [...BASE_KEYS, 'choices', 'minSelected', 'maxSelected']
          : [...BASE_KEYS, 'choices'],
        path,
        qid,
      );
      if (!Array.isArray(q.choices) || q.choices.length < 2 || q.choices.length > SURVEY_LIMITS.maxChoices) {
        c.fail(
          'invalid_value',
          `${path}.choices`,
          `must be a list of 2 to ${SURVEY_LIMITS.maxChoices} choices`,
          qid,
        );
        break;
      }
      const seen = new Set<string>();
      q.choices.forEach((ch: unknown, j: number) => {
        const p = `${path}.choices[${j}]`;
        if (!c.object(ch, p, qid)) return;
        c.onlyKeys(ch, ['id', 'label'], p, qid);
        if (c.id(ch.id, `${p}.id`, qid)) {
          if (seen.has(ch.id)) c.fail('duplicate_id', `${p}.id`, `choice id "${ch.id}" is used twice`, qid);
          seen.add(ch.id);
        }
        c.text(ch.label, `${p}.label`, qid);
      });
      if (q.type === 'multiple_choice') {
        const n = q.choices.length;
        const min = q.minSelected === undefined ? 0 : q.minSelected;
        const max = q.maxSelected === undefined ? n : q.maxSelected;
        const okMin = q.minSelected === undefined || c.int(q.minSelected, `${path}.minSelected`, 0, n, qid);
        const okMax = q.maxSelected === undefined || c.int(q.maxSelected, `${path}.maxSelected`, 1, n, qid);
        if (okMin && okMax && (min as number) > (max as number))
          c.fail('invalid_value', `${path}.minSelected`, 'must not be more than maxSelected', qid);
      }
      break;
    }
    case 'open_text':
      c.onlyKeys(q, [...BASE_KEYS, 'multiline', 'maxLength', 'placeholder'], path, qid);
      c.bool(q.multiline, `${path}.multiline`, qid);
      if (q.maxLength !== undefined)
        c.int(q.maxLength, `${path}.maxLength`, 1, SURVEY_LIMITS.maxOpenTextLength, qid);
      c.optionalText(q, 'placeholder', path, qid);
      break;
  }
  if (q.type === 'nps' || q.type === 'csat' || q.type === 'ces' || q.type === 'rating') {
    c.optionalText(q, 'lowLabel', path, qid);
    c.optionalText(q, 'highLabel', path, qid);
  }
  if (q.logic !== undefined) checkLogic(c, q.logic, `${path}.logic`, qid, at, index, types, ends);
}

function checkLogic(
  c: Checker,
  logic: unknown,
  path: string,
  qid: string | undefined,
  at: number,
  index: Map<string, number>,
  types: Map<string, string>,
  ends: Set<string>,
): void {
  if (!Array.isArray(logic) || logic.length > SURVEY_LIMITS.maxLogicRules) {
    c.fail('invalid_value', path, `must be a list of at most ${SURVEY_LIMITS.maxLogicRules} rules`, qid);
    return;
  }
  logic.forEach((rule: unknown, i: number) => {
    const p = `${path}[${i}]`;
    if (!c.object(rule, p, qid)) return;
    c.onlyKeys(rule, ['if', 'goto'], p, qid);
    let count = 0;
    const cond = (v: unknown, cp: string, depth: number): void => {
      if (++count > SURVEY_LIMITS.maxConditions || depth > 5) {
        if (count === SURVEY_LIMITS.maxConditions + 1 || depth === 6)
          c.fail('invalid_value', cp, `too many or too deeply nested conditions`, qid);
        return;
      }
      if (!c.object(v, cp, qid)) return;
      if ('all' in v || 'any' in v) {
        const key = 'all' in v ? 'all' : 'any';
        c.onlyKeys(v, [key], cp, qid);
        const list = v[key];
        if (!Array.isArray(list) || list.length === 0) {
          c.fail('invalid_value', `${cp}.${key}`, 'must be a non-empty list of conditions', qid);
          return;
        }
        list.forEach((x, j) => cond(x, `${cp}.${key}[${j}]`, depth + 1));
        return;
      }
      checkCondition(c, v, cp, qid, at, index, types);
    };
    cond(rule.if, `${p}.if`, 0);
    const g = rule.goto;
    const gp = `${p}.goto`;
    if (!c.object(g, gp, qid)) return;
    if ('end' in g) {
      c.onlyKeys(g, ['end'], gp, qid);
      if (typeof g.end !== 'string' || !ends.has(g.end))
        c.fail('unknown_reference', `${gp}.end`, `no end screen "${String(g.end)}"`, qid);
    } else if ('question' in g) {
      c.onlyKeys(g, ['question'], gp, qid);
      const target = typeof g.question === 'string' ? index.get(g.question) : undefined;
      if (target === undefined)
        c.fail('unknown_reference', `${gp}.question`, `no question "${String(g.question)}"`, qid);
      else if (target <= at)
        c.fail(
          'invalid_value',
          `${gp}.question`,
          `skip logic may only jump forward: "${String(g.question)}" is not after this question`,
          qid,
        );
    } else c.fail('invalid_value', gp, 'must be {"question": id} or {"end": endScreenId}', qid);
  });
}

const NUMERIC_OPS = ['lt', 'lte', 'gt', 'gte', 'between'];
const ALL_CONDITION_OPS = [
  'answered',
  'skipped',
  'equals',
  'not_equals',
  'lt',
  'lte',
  'gt',
  'gte',
  'between',
  'in',
  'not_in',
  'includes',
  'excludes',
];

function checkCondition(
  c: Checker,
  v: Obj,
  p: string,
  qid: string | undefined,
  at: number,
  index: Map<string, number>,
  types: Map<string, string>,
): void {
  c.onlyKeys(v, ['question', 'op', 'value'], p, qid);
  const ref = typeof v.question === 'string' ? index.get(v.question) : undefined;
  if (ref === undefined) {
    c.fail('unknown_reference', `${p}.question`, `no question "${String(v.question)}"`, qid);
    return;
  }
  if (ref > at)
    c.fail(
      'invalid_value',
      `${p}.question`,
      `conditions may only test this or earlier questions ("${String(v.question)}" comes later)`,
      qid,
    );
  const type = types.get(v.question as string)!;
  const scale = ['nps', 'csat', 'ces', 'rating'].includes(type);
  const op = v.op as string;
  if (!ALL_CONDITION_OPS.includes(op)) {
    c.fail(
      'unknown_operator',
      `${p}.op`,
      `must be one of ${ALL_CONDITION_OPS.join(', ')} (got ${show(v.op)})`,
      qid,
    );
    return;
  }
  if (NUMERIC_OPS.includes(op) && !scale)
    c.fail(
      'invalid_value',
      `${p}.op`,
      `${op} compares numbers; question "${String(v.question)}" is ${type}`,
      qid,
    );
  if ((op === 'includes' || op === 'excludes') && type !== 'multiple_choice')
    c.fail('invalid_value', `${p}.op`, `${op} applies to multiple_choice questions`, qid);
  const value = v.value;
  switch (op) {
    case 'answered':
    case 'skipped':
      if (value !== undefined) c.fail('unknown_field', `${p}.value`, `${op} takes no value`, qid);
      break;
    case 'equals':
    case 'not_equals':
      if (!(typeof value === 'string' || isNum(value)))
        c.fail('invalid_value', `${p}.value`, `must be a number or a string (got ${show(value)})`, qid);
      break;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      if (!isNum(value)) c.fail('invalid_value', `${p}.value`, `must be a number (got ${show(value)})`, qid);
      break;
    case 'between':
      if (!(Array.isArray(value) && value.length === 2 && value.every(isNum) && value[0]! <= value[1]!))
        c.fail(
          'invalid_value',
          `${p}.value`,
          `must be [low, high] with low ≤ high (got ${show(value)})`,
          qid,
        );
      break;
    case 'in':
    case 'not_in':
      if (!(
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((x) => typeof x === 'string' || isNum(x))
      ))
        c.fail('invalid_value', `${p}.value`, `must be a non-empty list of numbers or strings`, qid);
      break;
    case 'includes':
    case 'excludes':
      if (typeof value !== 'string') c.fail('invalid_value', `${p}.value`, `must be a choice id`, qid);
      break;
  }
}

function checkAlerts(c: Checker, a: unknown, path: string): void {
  if (!c.object(a, path)) return;
  c.onlyKeys(a, ['detractor', 'lowScore', 'sentimentBelow'], path);
  c.bool(a.detractor, `${path}.detractor`);
  c.bool(a.lowScore, `${path}.lowScore`);
  if (
    a.sentimentBelow !== undefined &&
    !(isNum(a.sentimentBelow) && a.sentimentBelow > -1 && a.sentimentBelow <= 1)
  )
    c.fail(
      'invalid_value',
      `${path}.sentimentBelow`,
      `must be a number in (-1, 1], e.g. -0.5 (got ${show(a.sentimentBelow)})`,
    );
}

function checkSettings(c: Checker, s: unknown, path: string): void {
  if (!c.object(s, path)) return;
  c.onlyKeys(s, ['anonymous', 'multipleResponses', 'linkTtlDays', 'widget', 'alerts'], path);
  c.bool(s.anonymous, `${path}.anonymous`);
  c.bool(s.multipleResponses, `${path}.multipleResponses`);
  if (s.linkTtlDays !== undefined)
    c.int(s.linkTtlDays, `${path}.linkTtlDays`, 1, SURVEY_LIMITS.maxLinkTtlDays);
  if (s.alerts !== undefined) checkAlerts(c, s.alerts, `${path}.alerts`);
  if (s.widget === undefined) return;
  const w = s.widget;
  const wp = `${path}.widget`;
  if (!c.object(w, wp)) return;
  c.onlyKeys(
    w,
    ['enabled', 'triggers', 'segmentId', 'samplePercent', 'recontactDays', 'maxDisplays', 'priority'],
    wp,
  );
  if (typeof w.enabled !== 'boolean')
    c.fail('invalid_value', `${wp}.enabled`, `must be true or false (got ${show(w.enabled)})`);
  if (!Array.isArray(w.triggers) || w.triggers.length > SURVEY_LIMITS.maxTriggers) {
    c.fail(
      'invalid_value',
      `${wp}.triggers`,
      `must be a list of at most ${SURVEY_LIMITS.maxTriggers} triggers`,
    );
  } else {
    if (w.enabled === true && w.triggers.length === 0)
      c.fail('invalid_value', `${wp}.triggers`, 'an enabled widget needs at least one event or page trigger');
    w.triggers.forEach((t: unknown, i: number) => {
      const p = `${wp}.triggers[${i}]`;
      if (!c.object(t, p)) return;
      if (t.type === 'event') {
        c.onlyKeys(t, ['type', 'event'], p);
        if (typeof t.event !== 'string' || t.event === '' || t.event.length > 200)
          c.fail('invalid_value', `${p}.event`, `must be an event name (got ${show(t.event)})`);
      } else if (t.type === 'page') {
        c.onlyKeys(t, ['type', 'url', 'match'], p);
        if (typeof t.url !== 'string' || t.url === '' || t.url.length > 2000)
          c.fail('invalid_value', `${p}.url`, `must be a URL or part of one (got ${show(t.url)})`);
        if (t.match !== undefined && !['equals', 'contains', 'starts_with'].includes(t.match as string))
          c.fail(
            'invalid_value',
            `${p}.match`,
            `must be equals, contains or starts_with (got ${show(t.match)})`,
          );
      } else c.fail('invalid_value', `${p}.type`, `must be event or page (got ${show(t.type)})`);
    });
  }
  if (w.segmentId !== undefined && (typeof w.segmentId !== 'string' || w.segmentId === ''))
    c.fail('invalid_value', `${wp}.segmentId`, 'must be a segment id');
  if (
    w.samplePercent !== undefined &&
    !(isNum(w.samplePercent) && w.samplePercent >= 0 && w.samplePercent <= 100)
  )
    c.fail(
      'invalid_value',
      `${wp}.samplePercent`,
      `must be a number from 0 to 100 (got ${show(w.samplePercent)})`,
    );
  if (w.recontactDays !== undefined) c.int(w.recontactDays, `${wp}.recontactDays`, 0, SURVEY_LIMITS.maxDays);
  if (w.maxDisplays !== undefined) c.int(w.maxDisplays, `${wp}.maxDisplays`, 1, 1000);
  if (w.priority !== undefined) c.int(w.priority, `${wp}.priority`, -1000, 1000);
}

/** Validates the workspace-wide survey settings (cooldown across surveys, default alert rule). */
export function validateWorkspaceSurveySettings(
  input: unknown,
): Result<WorkspaceSurveySettings, SurveyError[]> {
  const c = new Checker();
  if (c.object(input, 'settings')) {
    c.onlyKeys(input, ['cooldownDays', 'alerts'], 'settings');
    if (input.cooldownDays !== undefined)
      c.int(input.cooldownDays, 'settings.cooldownDays', 0, SURVEY_LIMITS.maxDays);
    if (input.alerts !== undefined) checkAlerts(c, input.alerts, 'settings.alerts');
  }
  if (c.errors.length > 0) return err(c.errors);
  const i = input as Partial<WorkspaceSurveySettings>;
  return ok({
    cooldownDays: i.cooldownDays ?? 7,
    alerts: (i.alerts as AlertRule | undefined) ?? { detractor: true, sentimentBelow: -0.5 },
  });
}
