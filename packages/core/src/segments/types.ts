// Segments, computed traits and score models as data: what a UI builds, the API stores, the validator
// (validate.ts) checks and the compiler (compile.ts) turns into closures. The validator, not these types, is
// the source of truth: stored JSON is checked field by field before it is compiled.
import type { ProfileState } from '../profile/types';

/** Units of rolling windows and durations. A month is 30 days and a year 365 days (see time.ts for why). */
export type TimeUnit = 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years';

export const TIME_UNITS: readonly TimeUnit[] = ['minutes', 'hours', 'days', 'weeks', 'months', 'years'];

/** A length of time, e.g. `{ amount: 30, unit: 'days' }`. */
export interface Duration {
  amount: number;
  unit: TimeUnit;
}

/** A fixed time: an ISO-8601 date (`2026-03-21`, midnight UTC) or date-time (no offset = UTC), or epoch ms. */
export type DateValue = string | number;

/** The last `last` units up to now (an event exactly that long ago is already outside). */
export interface RollingWindow {
  last: number;
  unit: TimeUnit;
}

/** From `from` (inclusive) to `to` (exclusive). */
export interface FixedWindow {
  from: DateValue;
  to: DateValue;
}

/** A behaviour window; absent means "ever". */
export type Window = RollingWindow | FixedWindow;

/** Tests that depend only on the value (usable in event property filters). */
export type StaticValueTest =
  | { op: 'equals' | 'not_equals'; value: string | number | boolean; fold?: boolean }
  | { op: 'contains' | 'starts_with'; value: string; fold?: boolean }
  | { op: 'in'; value: (string | number)[]; fold?: boolean }
  | { op: 'exists' | 'not_exists' }
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { op: 'between'; value: [number, number] }
  | { op: 'before' | 'after'; value: DateValue }
  | { op: 'date_between'; value: [DateValue, DateValue] };

/**
 * "The date is within the next / last N days", counted in whole calendar days (today counts, so N = 7 covers
 * today and the 7 days after it). `recurring: 'yearly'` compares the anniversary instead (birthdays); a
 * 29 February date has its anniversary on 28 February in other years. Days are UTC days unless
 * `utcOffsetMinutes` names the workspace's fixed offset (Tehran: 210).
 */
export interface RelativeDateTest {
  op: 'within_next_days' | 'within_last_days';
  value: number;
  recurring?: 'yearly';
  utcOffsetMinutes?: number;
}

/** Every value test a trait, computed trait or survey answer condition can use. */
export type ValueTest = StaticValueTest | RelativeDateTest;

export type ValueOperator = ValueTest['op'];

/** Matches one property of an event; every filter of a selector must match. */
export type PropertyFilter = { property: string } & StaticValueTest;

/** Which events a behaviour condition, computed trait or score rule counts. */
export interface EventSelector {
  /** The event name (`track`) or page/screen name. */
  name: string;
  /** Default `track`. */
  messageType?: 'track' | 'page' | 'screen';
  /** Only events that came through this channel. */
  channel?: string;
  where?: PropertyFilter[];
}

/** How many matching events; default "at least 1". */
export interface CountTest {
  op: 'at_least' | 'at_most' | 'exactly';
  value: number;
}

/** A test of a point in time (the last time an event was performed, first/last seen). */
export type TimeTest =
  | { op: 'before' | 'after'; value: DateValue }
  | { op: 'date_between'; value: [DateValue, DateValue] }
  /** `within_last`: less than `value` units ago; `not_within_last`: that long ago or longer. */
  | { op: 'within_last' | 'not_within_last'; value: number; unit: TimeUnit };

export type TraitCondition = { type: 'trait'; trait: string } & ValueTest;

export interface PerformedCondition {
  type: 'performed';
  event: EventSelector;
  count?: CountTest;
  window?: Window;
}

/** Has not performed the event within the window (or ever, without one). */
export interface NotPerformedCondition {
  type: 'not_performed';
  event: EventSelector;
  window?: Window;
}

/** The last time the event was performed; never performed fails every test. */
export type LastPerformedCondition = { type: 'last_performed'; event: EventSelector } & TimeTest;

export type SeenCondition = { type: 'first_seen' | 'last_seen' } & TimeTest;

/** Used a channel ever, or within a rolling window. */
export interface ChannelCondition {
  type: 'channel';
  channel: string;
  window?: RollingWindow;
}

/** Came through a touchpoint (of one channel, or of any) ever, or within a rolling window. */
export interface TouchpointCondition {
  type: 'touchpoint';
  touchpoint: string;
  channel?: string;
  window?: RollingWindow;
}

export type RfmComponent = 'recency' | 'frequency' | 'monetary';

/** A computed trait's value; RFM traits are compared one component at a time. */
export type ComputedCondition = { type: 'computed'; trait: string; component?: RfmComponent } & ValueTest;

export type NumericTest =
  | { op: 'equals' | 'not_equals' | 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { op: 'between'; value: [number, number] };

export type ScoreCondition = { type: 'score'; model: string } & NumericTest;

/** Membership in another segment (or in a static list the engine knows). */
export interface SegmentMembershipCondition {
  type: 'segment';
  segment: string;
}

export interface ConsentCondition {
  type: 'consent';
  channel: string;
  state: 'subscribed' | 'unsubscribed';
  /** A subscription group of the channel; absent: the whole channel. A profile with no decision yet is neither. */
  group?: string | null;
}

/** The group of the last answer to an NPS question: 0–6 detractor, 7–8 passive, 9–10 promoter. */
export interface NpsCondition {
  type: 'nps';
  question: string;
  group: 'promoter' | 'passive' | 'detractor';
}

export type SurveyAnswerCondition = { type: 'survey_answer'; question: string } & ValueTest;

/**
 * The profile's stable bucket in [0, 100) (FNV-1a of salt and profile id, 0.01 steps) is in [from, to).
 * Segments sharing a salt split the same population (A/B); the salt defaults to the segment's id.
 */
export interface BucketCondition {
  type: 'bucket';
  from: number;
  to: number;
  salt?: string;
}

export type Condition =
  | TraitCondition
  | PerformedCondition
  | NotPerformedCondition
  | LastPerformedCondition
  | SeenCondition
  | ChannelCondition
  | TouchpointCondition
  | ComputedCondition
  | ScoreCondition
  | SegmentMembershipCondition
  | ConsentCondition
  | NpsCondition
  | SurveyAnswerCondition
  | BucketCondition;

export type ConditionType = Condition['type'];

/** A node of a rule tree; `id` is the UI's handle on it and is named in validation errors. */
export type RuleNode =
  | { id?: string; and: RuleNode[] }
  | { id?: string; or: RuleNode[] }
  | { id?: string; not: RuleNode }
  | { id?: string; condition: Condition };

export interface SegmentDefinition {
  id: string;
  name?: string;
  rule: RuleNode;
}

/** A computed trait: a per-profile aggregate maintained event by event, defined as data. */
export type ComputedTraitDefinition =
  | { id: string; name?: string; type: 'count'; event: EventSelector; window?: Window }
  | {
      id: string;
      name?: string;
      type: 'sum' | 'min' | 'max' | 'avg';
      event: EventSelector;
      property: string;
      window?: Window;
    }
  | { id: string; name?: string; type: 'first_time' | 'last_time'; event: EventSelector }
  | { id: string; name?: string; type: 'top_channel'; event?: EventSelector }
  | {
      id: string;
      name?: string;
      type: 'rfm';
      /** The purchases; `property` holds their amount. */
      event: EventSelector;
      property: string;
      /** Frequency and monetary count this window; recency is always from the last purchase. */
      window?: Window;
      /** Ascending day limits: bought less than [0] days ago → 5, less than [1] → 4, … otherwise 1. */
      recencyDays: [number, number, number, number];
      /** Ascending counts: at least [3] purchases → 5, at least [2] → 4, … fewer than [0] → 1. */
      frequency: [number, number, number, number];
      /** Ascending amounts, read like `frequency`. */
      monetary: [number, number, number, number];
    };

export type ComputedTraitType = ComputedTraitDefinition['type'];

export interface RfmValue {
  recency: number;
  frequency: number;
  monetary: number;
}

/** A computed trait's value: a number, a time (epoch ms), a channel name, an RFM triple, or null (no data). */
export type ComputedValue = number | string | RfmValue | null;

/**
 * Points from behaviour fade: they `expireAfter` a duration, and/or halve every `halfLife` (integer halving,
 * so they reach 0 and the score stays an integer).
 */
export interface ScoreDecay {
  expireAfter?: Duration;
  halfLife?: Duration;
}

/** `when`: points while a rule holds; `per`: points for each matching event, optionally decaying. */
export type ScoreRule =
  | { id?: string; points: number; when: RuleNode }
  | { id?: string; points: number; per: EventSelector; decay?: ScoreDecay };

export interface ScoreModel {
  id: string;
  name?: string;
  rules: ScoreRule[];
  /**
   * Points added by `Score Adjusted` events (automation's `change_score`: properties `model` = this model's
   * id, `points`). Every model counts them; `decay` makes them fade like a `per` rule's points (the
   * adjustments of one bucket halve together: trunc(sum / 2^k)). Without decay they last.
   */
  adjustments?: { decay?: ScoreDecay };
}

/** The event that adds points to a score model directly (`properties.model`, `properties.points`). */
export const SCORE_ADJUSTED = 'Score Adjusted';

/** Everything compiled together: segments may refer to computed traits, score models and each other. */
export interface SegmentDefinitions {
  segments: SegmentDefinition[];
  computedTraits?: ComputedTraitDefinition[];
  scoreModels?: ScoreModel[];
  /** Ids of segments not defined here (static lists) that rules may refer to; read via the membership lookup. */
  externalSegments?: string[];
}

/** One channel's consent as the consent issue will store it. */
export interface ConsentState {
  state: 'subscribed' | 'unsubscribed';
  updatedAt: number;
}

/** The last answer of one survey question. */
export interface SurveyAnswer {
  value: unknown;
  answeredAt: number;
}

/**
 * Per-profile aggregate state: a small JSON object keyed by aggregate key (see aggregates.ts). Values are
 * numbers, arrays of numbers, or (channel counts) records of number arrays.
 */
export type AggregateState = Record<string, AggregateValue>;

export type AggregateValue = number | number[] | Record<string, number[]> | SurveyAnswer;

/** What the evaluator reads about one profile. */
export interface SegmentView {
  profile: ProfileState;
  aggregates: AggregateState;
  /** Keyed by channel; absent until consent exists. */
  consent?: Record<string, ConsentState>;
  /** Keyed by question id; absent until surveys exist. */
  surveys?: Record<string, SurveyAnswer>;
}

/** Membership in segments that are not compiled together (static lists, other compiled sets). */
export type MembershipLookup = (segmentId: string) => boolean;

export interface SegmentResult {
  id: string;
  member: boolean;
  /** The earliest future time at which `member` changes if no event arrives; null: never. */
  nextCheckAt: number | null;
  /**
   * Set when the search for the change gave up (context.ts SEARCH_LIMIT): `nextCheckAt` is then an earlier
   * time at which nothing changes yet, and re-evaluating there continues the search. Only rules whose parts
   * keep changing while the whole does not get here (a tautology over a yearly birthday test).
   */
  approximate?: true;
}
