// Answering a survey: the respondent's language, answer validation, skip logic (which question comes next,
// which end screen), NPS groups, and the properties of the `Survey Responded` event the response becomes.
import { err, ok, type Result } from '../errors';
import type { SurveyAnswer } from '../segments/types';
import type { SurveyError } from './validate';
import { SURVEY_LIMITS } from './validate';
import {
  SURVEY_LANGUAGES,
  type AnswerValue,
  type EndScreen,
  type LocalizedText,
  type LogicCondition,
  type LogicTarget,
  type NpsGroup,
  type Question,
  type Scale,
  type StoredAnswer,
  type SurveyDefinition,
  type SurveyLanguage,
} from './types';

/** The name of the event every saved response appends to the profile's timeline. */
export const SURVEY_RESPONDED = 'Survey Responded';

/** The scale of a numeric question; null for choices and text. */
export function scaleOf(q: Question): Scale | null {
  switch (q.type) {
    case 'nps':
      return { min: 0, max: 10, points: 11, direction: 'ascending' };
    case 'csat':
      return { min: 1, max: 5, points: 5, direction: 'ascending' };
    case 'ces':
      return { min: 1, max: 7, points: 7, direction: q.direction ?? 'ascending' };
    case 'rating':
      return { min: 1, max: q.points, points: q.points, direction: 'ascending' };
    default:
      return null;
  }
}

/** NPS group of a 0–10 score: 9–10 promoter, 7–8 passive, 0–6 detractor. */
export function npsGroup(score: number): NpsGroup {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

const LANGUAGE_ALIASES: Record<string, SurveyLanguage> = {
  fa: 'fa',
  fas: 'fa',
  per: 'fa',
  persian: 'fa',
  farsi: 'fa',
  ar: 'ar',
  ara: 'ar',
  arabic: 'ar',
  en: 'en',
  eng: 'en',
  english: 'en',
};

/** A language tag or name (`fa-IR`, `ar_SA`, `Persian`, `EN`) as a survey language, or null. */
export function toSurveyLanguage(tag: unknown): SurveyLanguage | null {
  if (typeof tag !== 'string') return null;
  const base = tag.trim().toLowerCase().split(/[-_;]/)[0] ?? ''; // also reads Accept-Language items (fa;q=0.9)
  return LANGUAGE_ALIASES[base] ?? null;
}

/** The survey's fallback language: its `defaultLanguage`, else `en` when offered, else its first. */
export function defaultLanguageOf(
  def: Pick<SurveyDefinition, 'languages' | 'defaultLanguage'>,
): SurveyLanguage {
  return def.defaultLanguage ?? (def.languages.includes('en') ? 'en' : def.languages[0]!);
}

/**
 * The language to show: the first candidate (in priority order, e.g. `?lang=`, the link's language, the
 * profile's `locale` / `language` trait) that the survey offers, else its fallback.
 */
export function pickLanguage(
  def: Pick<SurveyDefinition, 'languages' | 'defaultLanguage'>,
  candidates: readonly unknown[],
): SurveyLanguage {
  for (const c of candidates) {
    const l = toSurveyLanguage(c);
    if (l && def.languages.includes(l)) return l;
  }
  return defaultLanguageOf(def);
}

/** A text in `lang`, falling back to English, then to any language it has. */
export function localize(t: LocalizedText | undefined, lang: SurveyLanguage): string {
  if (!t) return '';
  return t[lang] ?? t.en ?? SURVEY_LANGUAGES.map((l) => t[l]).find((x) => x !== undefined) ?? '';
}

// ---- answers ----------------------------------------------------------------------------------------------

const DIGITS = /^[0-9\u06F0-\u06F9\u0660-\u0669]{1,3}$/;
/** Reads a whole number, accepting form strings with Latin, Persian or Arabic-Indic digits. */
function toInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v === 'string' && DIGITS.test(v.trim())) {
    const latin = v.trim().replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) & 0xf));
    return Number(latin);
  }
  return null;
}

/**
 * Checks one submitted value against its question; `undefined` means "not answered" (null, "", [] are read as
 * not answered too, so a cleared field un-answers the question).
 */
export function checkAnswer(
  q: Question,
  raw: unknown,
  field: string,
): Result<StoredAnswer | undefined, SurveyError> {
  const fail = (message: string) =>
    err({
      code: 'invalid_answer',
      field,
      questionId: q.id,
      message: `${field} (question "${q.id}"): ${message}`,
    });
  if (raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0))
    return ok(undefined);
  const scale = scaleOf(q);
  if (scale) {
    const n = toInt(raw);
    if (n === null || n < scale.min || n > scale.max)
      return fail(`must be a whole number from ${scale.min} to ${scale.max}`);
    return ok({ type: q.type, value: n, scale });
  }
  switch (q.type) {
    case 'single_choice': {
      if (typeof raw !== 'string' || !q.choices.some((c) => c.id === raw))
        return fail(`must be one of the choice ids ${q.choices.map((c) => c.id).join(', ')}`);
      return ok({ type: q.type, value: raw });
    }
    case 'multiple_choice': {
      const list = typeof raw === 'string' ? [raw] : raw;
      if (
        !Array.isArray(list) ||
        !list.every((x) => typeof x === 'string' && q.choices.some((c) => c.id === x))
      )
        return fail(`must be a list of choice ids from ${q.choices.map((c) => c.id).join(', ')}`);
      const ids = q.choices.map((c) => c.id).filter((id) => list.includes(id)); // choice order, no repeats
      if (q.minSelected !== undefined && ids.length < q.minSelected)
        return fail(`select at least ${q.minSelected}`);
      if (q.maxSelected !== undefined && ids.length > q.maxSelected)
        return fail(`select at most ${q.maxSelected}`);
      return ok({ type: q.type, value: ids });
    }
    case 'open_text': {
      if (typeof raw !== 'string') return fail('must be text');
      const text = raw.trim();
      const max = q.maxLength ?? SURVEY_LIMITS.defaultOpenTextLength;
      if (text.length > max) return fail(`must be at most ${max} characters (got ${text.length})`);
      return text === '' ? ok(undefined) : ok({ type: q.type, value: text });
    }
    default:
      return fail('unsupported question type');
  }
}

/** Where a respondent stands after some answers. */
export interface SurveyPosition {
  /** The questions on the respondent's path, in order, up to where they are. */
  path: string[];
  /** The next question to show; null when the survey is finished. */
  next: string | null;
  /** The end screen reached; null while questions remain. */
  end: EndScreen | null;
  /** The answers on the path (answers to questions skip logic jumped over are dropped). */
  answers: Record<string, StoredAnswer>;
  /** Ids of questions whose answers were dropped because skip logic jumped over them. */
  dropped: string[];
}

function valueOf(a: StoredAnswer | undefined): AnswerValue | undefined {
  return a?.value;
}

/** Evaluates a skip-logic condition; every test of an unanswered question is false except `skipped`. */
export function evaluateLogic(c: LogicCondition, answers: Readonly<Record<string, StoredAnswer>>): boolean {
  if ('all' in c) return c.all.every((x) => evaluateLogic(x, answers));
  if ('any' in c) return c.any.some((x) => evaluateLogic(x, answers));
  const v = valueOf(Object.hasOwn(answers, c.question) ? answers[c.question] : undefined);
  if (c.op === 'skipped') return v === undefined;
  if (v === undefined) return false;
  switch (c.op) {
    case 'answered':
      return true;
    case 'equals':
      return Array.isArray(v) ? v.length === 1 && v[0] === c.value : v === c.value;
    case 'not_equals':
      return Array.isArray(v) ? !(v.length === 1 && v[0] === c.value) : v !== c.value;
    case 'lt':
      return typeof v === 'number' && v < c.value;
    case 'lte':
      return typeof v === 'number' && v <= c.value;
    case 'gt':
      return typeof v === 'number' && v > c.value;
    case 'gte':
      return typeof v === 'number' && v >= c.value;
    case 'between':
      return typeof v === 'number' && v >= c.value[0] && v <= c.value[1];
    case 'in':
      return Array.isArray(v) ? v.some((x) => c.value.includes(x)) : c.value.includes(v);
    case 'not_in':
      return Array.isArray(v) ? !v.some((x) => c.value.includes(x)) : !c.value.includes(v);
    case 'includes':
      return Array.isArray(v) && v.includes(c.value);
    case 'excludes':
      return Array.isArray(v) && !v.includes(c.value);
  }
}

/**
 * Validates submitted answers and walks the survey's skip logic.
 *
 * `through` is the last question the respondent has finished (answered or passed over); questions on the path
 * up to it that have no answer count as skipped, and required ones among them are an error. `through: null`
 * means the respondent finished the whole survey (a one-shot form post): the walk runs to an end screen.
 *
 * @example
 * walkSurvey(def, { nps: 3 }, 'nps') // → { next: 'why_low', end: null, … } when logic sends detractors there
 */
export function walkSurvey(
  def: SurveyDefinition,
  raw: unknown,
  through: string | null,
): Result<SurveyPosition, SurveyError[]> {
  const errors: SurveyError[] = [];
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw)))
    return err([
      { code: 'invalid_value', field: 'answers', message: 'answers must be an object {questionId: value}' },
    ]);
  const submitted = (raw ?? {}) as Record<string, unknown>;
  const byId = new Map(def.questions.map((q, i) => [q.id, i]));
  const all: Record<string, StoredAnswer> = {};
  for (const [id, v] of Object.entries(submitted)) {
    const i = byId.get(id);
    if (i === undefined) {
      errors.push({
        code: 'unknown_question',
        field: `answers.${id}`,
        message: `answers.${id}: the survey has no question "${id}"`,
      });
      continue;
    }
    const r = checkAnswer(def.questions[i]!, v, `answers.${id}`);
    if (!r.ok) errors.push(r.error);
    else if (r.value !== undefined) all[id] = r.value;
  }
  if (through !== null && !byId.has(through))
    errors.push({
      code: 'unknown_question',
      field: 'through',
      message: `through: the survey has no question "${through}"`,
    });
  if (errors.length > 0) return err(errors);

  const path: string[] = [];
  const answers: Record<string, StoredAnswer> = {};
  let i = 0;
  let passed = through === null;
  const finish = (end: EndScreen | null, next: string | null): Result<SurveyPosition, SurveyError[]> => {
    if (!passed && through !== null)
      return err([
        {
          code: 'invalid_value',
          field: 'through',
          questionId: through,
          message: `through: question "${through}" is not on the respondent's path given these answers (skip logic jumps over it)`,
        },
      ]);
    const missing = path.filter((id) => def.questions[byId.get(id)!]!.required && answers[id] === undefined);
    if (missing.length > 0)
      return err(
        missing.map((id) => ({
          code: 'required',
          field: `answers.${id}`,
          questionId: id,
          message: `answers.${id}: question "${id}" is required`,
        })),
      );
    const dropped = Object.keys(all).filter((id) => answers[id] === undefined);
    return ok({ path, next, end, answers, dropped });
  };
  for (;;) {
    const q = def.questions[i];
    if (q === undefined) return finish(def.endScreens[0]!, null);
    if (passed && through !== null) return finish(null, q.id);
    path.push(q.id);
    if (all[q.id] !== undefined) answers[q.id] = all[q.id]!;
    if (q.id === through) passed = true;
    const target: LogicTarget | undefined = q.logic?.find((r) => evaluateLogic(r.if, answers))?.goto;
    if (target && 'end' in target) {
      // Validated: the end screen exists; a stored survey that lost it falls back to the default.
      return finish(def.endScreens.find((e) => e.id === target.end) ?? def.endScreens[0]!, null);
    }
    i = target ? (byId.get(target.question) ?? i + 1) : i + 1;
  }
}

// ---- the response as an event -----------------------------------------------------------------------------

/** The response fields the `Survey Responded` event carries. */
export interface ResponseSummary {
  surveyId: string;
  surveyName: string;
  surveyVersion: number;
  responseId: string;
  language: SurveyLanguage;
  answers: Record<string, StoredAnswer>;
  /** True while the respondent has not reached an end screen. */
  partial: boolean;
  endScreen: string | null;
  source: 'link' | 'anonymous' | 'widget';
}

/** The first NPS question with an answer, in question order. */
export function npsAnswer(
  def: SurveyDefinition,
  answers: Readonly<Record<string, StoredAnswer>>,
): { questionId: string; score: number; group: NpsGroup } | null {
  for (const q of def.questions) {
    const a = answers[q.id];
    if (q.type === 'nps' && a && typeof a.value === 'number')
      return { questionId: q.id, score: a.value, group: npsGroup(a.value) };
  }
  return null;
}

/**
 * The properties of a `Survey Responded` event. Segments read them: `performed` conditions filter on the flat
 * `surveyId`, `nps`, `npsGroup`, `partial`; {@link surveyAnswersFromEvent} turns `answers` into the per-question
 * view `nps` and `survey_answer` conditions read.
 */
export function responseEventProperties(def: SurveyDefinition, r: ResponseSummary): Record<string, unknown> {
  const nps = npsAnswer(def, r.answers);
  const answers: Record<string, unknown> = {};
  for (const q of def.questions) {
    const a = r.answers[q.id];
    if (a)
      answers[q.id] = a.scale
        ? {
            type: a.type,
            value: a.value,
            points: a.scale.points,
            min: a.scale.min,
            direction: a.scale.direction,
          }
        : { type: a.type, value: a.value };
  }
  return {
    surveyId: r.surveyId,
    surveyName: r.surveyName,
    surveyVersion: r.surveyVersion,
    responseId: r.responseId,
    language: r.language,
    source: r.source,
    partial: r.partial,
    ...(r.endScreen ? { endScreen: r.endScreen } : {}),
    answers,
    ...(nps ? { nps: nps.score, npsGroup: nps.group, npsQuestion: nps.questionId } : {}),
  };
}

/**
 * The per-question answers a `Survey Responded` event gives a profile's segment view (`SegmentView.surveys`),
 * keyed twice: `<surveyId>.<questionId>` (that survey's question) and `<questionId>` (the latest answer to any
 * survey's question with that id, so surveys sharing an id like `nps` feed one condition). Null for other events.
 */
export function surveyAnswersFromEvent(e: {
  name: string | null;
  properties: Record<string, unknown>;
  timestamp: number;
}): Record<string, SurveyAnswer> | null {
  if (e.name !== SURVEY_RESPONDED) return null;
  const surveyId = e.properties.surveyId;
  const answers = e.properties.answers;
  if (typeof surveyId !== 'string' || typeof answers !== 'object' || answers === null) return null;
  const out: Record<string, SurveyAnswer> = {};
  for (const [qid, a] of Object.entries(answers as Record<string, unknown>)) {
    if (typeof a !== 'object' || a === null || !('value' in a)) continue;
    const answer = { value: (a as { value: unknown }).value, answeredAt: e.timestamp };
    out[`${surveyId}.${qid}`] = answer;
    out[qid] = answer;
  }
  return out;
}
