// Automation processes as data: a graph of nodes (a discriminated union on `type`) and edges between their
// ports. The same JSON is stored per version, validated here, run by the step machine, and drawn by the
// visual designer. Semantics in README.md next to this file.
import type { Duration, PropertyFilter, StaticValueTest } from '../segments/types';

/** A clock time of day, "HH:MM" (24 h). */
export type ClockTime = string;

// ---- triggers ----------------------------------------------------------------------------------------

/** An event was performed (a `track` by name, or a page/screen by name with `messageType`). */
export interface EventTrigger {
  kind: 'event';
  event: string;
  messageType?: 'track' | 'page' | 'screen';
  where?: PropertyFilter[];
}
export interface SegmentTrigger {
  kind: 'segment_entered' | 'segment_exited';
  segment: string;
}
/** A trait changed; `from` / `to` (optional) test the old and new values. */
export interface TraitChangedTrigger {
  kind: 'trait_changed';
  trait: string;
  from?: StaticValueTest;
  to?: StaticValueTest;
}
/** A score model's value crossed `threshold` upwards (reached it) or downwards (fell below it). */
export interface ScoreTrigger {
  kind: 'score_crossed';
  model: string;
  threshold: number;
  direction: 'up' | 'down';
}
/**
 * A moment relative to a date trait, in the profile's time zone: `offset` before/after the date, at `at`
 * local time (default 09:00). `recurring: 'yearly'` fires on every anniversary (birthdays).
 */
export interface DateTrigger {
  kind: 'date';
  trait: string;
  offset?: Duration & { direction: 'before' | 'after' };
  at?: ClockTime;
  recurring?: 'yearly';
}
/** On a schedule (in `timezone`, default the workspace's), for every member of `segment`. */
export interface ScheduleTrigger {
  kind: 'schedule';
  segment: string;
  schedule:
    | { every: 'day'; at: ClockTime }
    | { every: 'week'; weekday: number; at: ClockTime }
    | { every: 'cron'; cron: string };
  timezone?: string;
}
export interface ManualTrigger {
  kind: 'manual';
}
export type Trigger =
  | EventTrigger
  | SegmentTrigger
  | TraitChangedTrigger
  | ScoreTrigger
  | DateTrigger
  | ScheduleTrigger
  | ManualTrigger;
export type TriggerKind = Trigger['kind'];

// ---- conditions (branches, exit criteria) ------------------------------------------------------------

export type MessageOutcome = 'sent' | 'delivered' | 'opened' | 'clicked' | 'replied' | 'bounced' | 'failed';

export type ProcessCondition =
  | { and: ProcessCondition[] }
  | { or: ProcessCondition[] }
  | { not: ProcessCondition }
  /** A profile trait. */
  | ({ trait: string } & StaticValueTest)
  /** Membership of a segment or static list, now. */
  | { segment: string; member?: boolean }
  /** A property of the event that started the instance. */
  | ({ triggerProperty: string } & StaticValueTest)
  /** The profile performed the event since the instance started (at least `count` times, default 1). */
  | { performed: string; where?: PropertyFilter[]; count?: number }
  /** What happened to the message an earlier send step of this instance sent. */
  | { step: string; outcome: MessageOutcome }
  /** The variant an A/B test or split node chose for this instance. */
  | { variantOf: string; variant: string };

// ---- actions ------------------------------------------------------------------------------------------

export type Action =
  | {
      kind: 'send_message';
      channel: 'email' | 'sms' | 'push' | 'webhook' | 'log';
      template: string;
      /** Transactional messages ignore marketing opt-outs (consent issue). Default false. */
      transactional?: boolean;
      /**
       * A survey to invite to: the effect carries a signed personal link for the profile in
       * `payload.variables.survey_url` (and `survey_path`, `survey_expires_at`) for the template.
       */
      survey?: string;
    }
  | { kind: 'webhook'; url: string; method?: 'POST' | 'PUT'; body?: Record<string, unknown> }
  | { kind: 'set_trait'; trait: string; value: string | number | boolean | null }
  | { kind: 'list'; op: 'add' | 'remove'; list: string }
  | { kind: 'change_score'; model: string; points: number }
  | { kind: 'coupon'; campaign: string }
  | { kind: 'task'; task: 'task' | 'callback'; title: string; note?: string; dueIn?: Duration }
  | { kind: 'start_process'; process: string }
  | { kind: 'emit_event'; event: string; properties?: Record<string, unknown> };
export type ActionKind = Action['kind'];

// ---- waits --------------------------------------------------------------------------------------------

export type Wait =
  | ({ kind: 'duration' } & Duration)
  /**
   * Until a moment in the profile's time zone: a fixed `date` ("YYYY-MM-DD") or the date in `trait`, at
   * `at` (default: as soon as allowed), then moved forward to the first moment on an allowed weekday
   * (0 = Sunday … 6 = Saturday) and inside allowed `hours` [from, to) local.
   */
  | {
      kind: 'until';
      date?: string;
      trait?: string;
      at?: ClockTime;
      weekdays?: number[];
      hours?: { from: number; to: number };
    }
  /** Until the profile performs the event (port `matched`) or `timeout` passes (port `timeout`). */
  | { kind: 'event'; event: string; where?: PropertyFilter[]; timeout: Duration }
  /** Until the profile is in the segment (port `matched`, at once if already) or `timeout` (port `timeout`). */
  | { kind: 'segment'; segment: string; timeout: Duration };

// ---- nodes and edges ----------------------------------------------------------------------------------

interface NodeBase {
  id: string;
  /** Shown in the designer and in history. */
  label?: string;
  /** Designer position; ignored by the machine. */
  position?: { x: number; y: number };
}
export interface TriggerNode extends NodeBase {
  type: 'trigger';
  trigger: Trigger;
}
export interface WaitNode extends NodeBase {
  type: 'wait';
  wait: Wait;
}
export interface ConditionNode extends NodeBase {
  type: 'condition';
  /** If / else-if, in order; the first branch whose condition holds is taken, else port `else`. */
  branches: { id: string; label?: string; when: ProcessCondition }[];
}
export interface SplitNode extends NodeBase {
  type: 'split';
  /** Random split: a variant per port, chosen by weight (deterministic per instance). */
  variants: { id: string; weight: number }[];
}
export interface AbTestNode extends NodeBase {
  type: 'ab_test';
  variants: { id: string; weight: number }[];
  /** The goal metric: instances that perform this event after passing the test count as conversions. */
  goal: { event: string; where?: PropertyFilter[]; within?: Duration };
}
export interface ActionNode extends NodeBase {
  type: 'action';
  action: Action;
}
/** A conversion: when the profile performs the event, the instance ends as converted (no incoming edges). */
export interface GoalNode extends NodeBase {
  type: 'goal';
  event: string;
  where?: PropertyFilter[];
}
export interface ExitNode extends NodeBase {
  type: 'exit';
}
export type ProcessNode =
  TriggerNode | WaitNode | ConditionNode | SplitNode | AbTestNode | ActionNode | GoalNode | ExitNode;
export type NodeType = ProcessNode['type'];

/** From a node's port to a node. Ports: `next` (default), a branch/variant id, `else`, `matched`, `timeout`. */
export interface Edge {
  from: string;
  port?: string;
  to: string;
}

export interface EntryRules {
  /** `always` a new instance; `once` ever per profile; `if_not_running` (default) unless one is running. */
  recurrence?: 'always' | 'once' | 'if_not_running';
  /** At most `max` entries per profile within `per`. */
  frequency?: { max: number; per: Duration };
}

export interface ProcessDefinition {
  nodes: ProcessNode[];
  edges: Edge[];
  entry?: EntryRules;
  /** Leave the process as soon as this becomes true (checked on every event of the profile). */
  exitWhen?: ProcessCondition;
  /** IANA time zone for profiles without a `timezone` trait. Default UTC. */
  timezone?: string;
}

// ---- instances ----------------------------------------------------------------------------------------

export type InstanceStatus =
  'active' | 'waiting' | 'held' | 'completed' | 'converted' | 'exited' | 'cancelled' | 'failed';
export const ENDED_STATUSES: ReadonlySet<InstanceStatus> = new Set([
  'completed',
  'converted',
  'exited',
  'cancelled',
  'failed',
]);

/** What the instance waits for, when waiting. */
export interface WaitState {
  node: string;
  kind: Wait['kind'];
  /** When the wait ends (duration / until) or times out (event / segment). */
  until: number;
}

/** A compact event as instances remember it. */
export interface EventRef {
  name: string | null;
  type: string;
  properties: Record<string, unknown>;
  timestamp: number;
}

export interface ProcessInstance {
  id: string;
  processId: string;
  version: number;
  profileId: string;
  status: InstanceStatus;
  /** The node the instance is at (waiting at, held before, or ended at). */
  node: string | null;
  wait: WaitState | null;
  /** Why it ended (goal node id, exit criteria, exit node, cancel reason, error). */
  endReason: string | null;
  startedAt: number;
  updatedAt: number;
  endedAt: number | null;
  trigger: { kind: TriggerKind; node: string; event?: EventRef };
  /** Times (ms) the watched events were performed since the start, newest last (bounded). */
  seen: Record<string, number[]>;
  /** Outcomes of this instance's messages, by send node. */
  outcomes: Record<string, MessageOutcome[]>;
  /** Variants chosen by split / A/B nodes. */
  variants: Record<string, string>;
  /** Actions performed so far: the sequence part of every effect's idempotency key. */
  actions: number;
  /** Bumped every time a timer is set: a timer carrying an older token is stale and ignored. */
  timerToken: number;
}

// ---- inputs and outputs of the step machine -----------------------------------------------------------

export type MachineInput =
  | { kind: 'start'; trigger: string; event?: EventRef }
  | { kind: 'event'; event: EventRef }
  | { kind: 'timer'; token: number }
  | { kind: 'resume' }
  | { kind: 'cancel'; reason: string };

/** What the machine reads about the profile (a snapshot; the machine never mutates it). */
export interface ProfileContext {
  traits: Record<string, unknown>;
  segments: ReadonlySet<string>;
  /** IANA zone from the profile (`timezone` trait), if any. */
  timezone?: string | null;
}

export interface MachineContext {
  now: number;
  profile: ProfileContext;
  /** The process is paused: run up to the next action, then hold. */
  paused: boolean;
}

/** Something to do outside the instance, written to the outbox in the same transaction as the state. */
export interface Effect {
  /** `<instance id>:<action number>`: the same on every replay, so an effect is done at most once. */
  key: string;
  node: string;
  action: Action;
  at: number;
}

export type HistoryKind =
  | 'started'
  | 'entered'
  | 'branch'
  | 'waiting'
  | 'resumed'
  | 'held'
  | 'action'
  | 'event'
  | 'converted'
  | 'exited'
  | 'completed'
  | 'cancelled'
  | 'failed';

export interface HistoryEntry {
  at: number;
  node: string | null;
  kind: HistoryKind;
  /** The port taken, the branch chosen, the reason. */
  detail?: string;
}

/** Per-node counter increments. */
export interface NodeCount {
  node: string;
  /** entered, passed:<port>, errored, converted:<variant> (A/B goal). */
  counter: string;
}

export interface StepResult {
  instance: ProcessInstance;
  effects: Effect[];
  /** Set (or move) the instance's timer; `null`: cancel any timer; `undefined`: leave it. */
  timer: { at: number; token: number } | null | undefined;
  history: HistoryEntry[];
  counts: NodeCount[];
  /** The input changed nothing (an event no one waits for). */
  unchanged: boolean;
}
