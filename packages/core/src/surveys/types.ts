// Surveys as data: what the admin API stores, the validator (validate.ts) checks, the hosted page and the
// widget render, and the response logic (answers.ts) walks. The validator, not these types, is the source of
// truth: stored JSON is checked field by field before use.

/** The languages every survey text may be written in. */
export type SurveyLanguage = 'fa' | 'ar' | 'en';

export const SURVEY_LANGUAGES: readonly SurveyLanguage[] = ['fa', 'ar', 'en'];

/** Languages written right to left: their pages get `dir="rtl"` and mirrored scales. */
export const RTL_LANGUAGES: ReadonlySet<SurveyLanguage> = new Set<SurveyLanguage>(['fa', 'ar']);

/** One text in several languages: `{ fa: 'چقدر…', ar: 'ما مدى…', en: 'How likely…' }`. */
export type LocalizedText = Partial<Record<SurveyLanguage, string>>;

export type QuestionType =
  'nps' | 'csat' | 'ces' | 'rating' | 'single_choice' | 'multiple_choice' | 'open_text';

export const QUESTION_TYPES: readonly QuestionType[] = [
  'nps',
  'csat',
  'ces',
  'rating',
  'single_choice',
  'multiple_choice',
  'open_text',
];

/** The numeric question types: their answers are points on a scale. */
export type ScaleQuestionType = 'nps' | 'csat' | 'ces' | 'rating';

/**
 * Which end of a scale is the favourable one. `ascending`: the highest number is best / agrees most
 * (NPS, CSAT, ratings, CES "7 = strongly agree"); `descending`: the lowest number is (CES "1 = strongly agree").
 */
export type ScaleDirection = 'ascending' | 'descending';

/** The scale an answer was given on; stored with every scale answer so metrics survive later edits. */
export interface Scale {
  min: number;
  max: number;
  /** Number of points: max − min + 1. */
  points: number;
  direction: ScaleDirection;
}

/** Skip-logic tests over earlier answers. */
export type LogicCondition =
  | { question: string; op: 'answered' | 'skipped' }
  | { question: string; op: 'equals' | 'not_equals'; value: string | number }
  | { question: string; op: 'lt' | 'lte' | 'gt' | 'gte'; value: number }
  | { question: string; op: 'between'; value: [number, number] }
  | { question: string; op: 'in' | 'not_in'; value: (string | number)[] }
  /** Multiple choice: the selection includes / excludes a choice id. */
  | { question: string; op: 'includes' | 'excludes'; value: string }
  | { all: LogicCondition[] }
  | { any: LogicCondition[] };

/** Where skip logic sends the respondent: a later question, or an end screen. */
export type LogicTarget = { question: string } | { end: string };

/** "After this question, if `if` holds, go to `goto`"; the first matching rule wins, else the next question. */
export interface LogicRule {
  if: LogicCondition;
  goto: LogicTarget;
}

interface QuestionBase {
  /** Unique in the survey; `[A-Za-z0-9_-]`, up to 64 characters. Answers and segment conditions use it. */
  id: string;
  title: LocalizedText;
  description?: LocalizedText;
  /** Default false: the respondent may skip it. */
  required?: boolean;
  logic?: LogicRule[];
}

interface ScaleLabels {
  /** Label of the low end ("Not at all likely"). */
  lowLabel?: LocalizedText;
  /** Label of the high end ("Extremely likely"). */
  highLabel?: LocalizedText;
}

/** Net Promoter Score: 0–10; 9–10 promoters, 7–8 passives, 0–6 detractors. */
export interface NpsQuestion extends QuestionBase, ScaleLabels {
  type: 'nps';
}

/** Customer satisfaction: 1–5, 5 = very satisfied. */
export interface CsatQuestion extends QuestionBase, ScaleLabels {
  type: 'csat';
}

/**
 * Customer effort: a 7-point agreement with "the company made it easy for me". `direction` ascending
 * (default): 7 = strongly agree; descending: 1 = strongly agree.
 */
export interface CesQuestion extends QuestionBase, ScaleLabels {
  type: 'ces';
  direction?: ScaleDirection;
}

/** A rating from 1 to `points` (3–10), highest best. */
export interface RatingQuestion extends QuestionBase, ScaleLabels {
  type: 'rating';
  points: number;
  /** How the page shows it (stars or numbered buttons); the answer is the number either way. */
  style?: 'numbers' | 'stars';
}

export interface Choice {
  /** Unique in the question; stored as the answer. */
  id: string;
  label: LocalizedText;
}

export interface SingleChoiceQuestion extends QuestionBase {
  type: 'single_choice';
  choices: Choice[];
}

export interface MultipleChoiceQuestion extends QuestionBase {
  type: 'multiple_choice';
  choices: Choice[];
  minSelected?: number;
  maxSelected?: number;
}

export interface OpenTextQuestion extends QuestionBase {
  type: 'open_text';
  multiline?: boolean;
  /** Default 2000, at most 5000 characters. */
  maxLength?: number;
  placeholder?: LocalizedText;
}

export type Question =
  | NpsQuestion
  | CsatQuestion
  | CesQuestion
  | RatingQuestion
  | SingleChoiceQuestion
  | MultipleChoiceQuestion
  | OpenTextQuestion;

/** What the respondent sees at the end; the first one is the default. */
export interface EndScreen {
  id: string;
  title: LocalizedText;
  body?: LocalizedText;
}

/** The content of a survey: questions in order, skip logic, end screens, in the languages it offers. */
export interface SurveyDefinition {
  /** The languages every text is written in (each text must have all of them). */
  languages: SurveyLanguage[];
  /** Used when the respondent's language is not offered; default `en` when offered, else the first. */
  defaultLanguage?: SurveyLanguage;
  /** Optional heading above the first question. */
  intro?: LocalizedText;
  questions: Question[];
  endScreens: EndScreen[];
}

/** When the on-site widget shows a survey. */
export type WidgetTrigger =
  | { type: 'event'; event: string }
  | { type: 'page'; url: string; match?: 'equals' | 'contains' | 'starts_with' };

/** On-site widget targeting and this survey's fatigue rules. */
export interface WidgetSettings {
  enabled: boolean;
  /** Any trigger matching the page or event makes the survey a candidate. */
  triggers: WidgetTrigger[];
  /** Only members of this segment (or static list). */
  segmentId?: string;
  /** Share of eligible visitors who are shown it, 0–100 (a stable per-visitor draw). Default 100. */
  samplePercent?: number;
  /** Do not show it again to the same visitor within this many days of the last display. Default 30. */
  recontactDays?: number;
  /** Show it at most this many times to one visitor (responding ends it anyway). Default 3. */
  maxDisplays?: number;
  /** Higher wins when several surveys match one page. Default 0. */
  priority?: number;
}

/** Closed loop: which responses raise a `Feedback Alert` event on the profile. */
export interface AlertRule {
  /** An NPS answer 0–6. */
  detractor?: boolean;
  /** A CSAT / rating / CES answer on the unfavourable side (positions ≤ 25% of the scale). */
  lowScore?: boolean;
  /** An open-text answer whose sentiment score is below this (in [-1, 1], e.g. -0.5). */
  sentimentBelow?: number;
}

/** How a survey is distributed and what it does with responses. */
export interface SurveySettings {
  /** May be answered at `/s/:surveyId` without a personal link. Default false. */
  anonymous?: boolean;
  /** More than one response per personal link / visitor. Default false. */
  multipleResponses?: boolean;
  /** Lifetime of personal links, in days. Default 30. */
  linkTtlDays?: number;
  widget?: WidgetSettings;
  alerts?: AlertRule;
}

/** A survey as stored. */
export interface Survey {
  id: string;
  name: string;
  status: 'draft' | 'active' | 'closed';
  version: number;
  definition: SurveyDefinition;
  settings: SurveySettings;
}

/** Workspace-wide survey rules. */
export interface WorkspaceSurveySettings {
  /** After any survey was shown in the widget, show no other survey to that visitor for this many days. */
  cooldownDays: number;
  /** Alert rule for surveys without their own, and for feedback records from other channels. */
  alerts: AlertRule;
}

export const DEFAULT_WORKSPACE_SURVEY_SETTINGS: WorkspaceSurveySettings = {
  cooldownDays: 7,
  alerts: { detractor: true, sentimentBelow: -0.5 },
};

/** An answer as submitted: a number (scales), a choice id, choice ids, or text. */
export type AnswerValue = number | string | string[];

/** A validated answer as stored on the response and carried by the `Survey Responded` event. */
export interface StoredAnswer {
  type: QuestionType;
  value: AnswerValue;
  /** Scale answers only. */
  scale?: Scale;
}

/** NPS groups, as segment `nps` conditions name them. */
export type NpsGroup = 'promoter' | 'passive' | 'detractor';
