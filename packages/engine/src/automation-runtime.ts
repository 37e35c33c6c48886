import {
  ENDED_STATUSES,
  INSTANCE_PROPERTY,
  OUTCOME_EVENTS,
  SEGMENT_ENTERED,
  dateTriggerMoment,
  durationOf,
  entryDecision,
  eventStartsTrigger,
  fnv1a32,
  hasScoreModel,
  instanceWatches,
  nextScoreCrossingAt,
  scoreAt,
  SCORE_ADJUSTED,
  type CompiledSegments,
  type MembershipLookup,
  type SegmentView,
  keepRecent,
  newInstance,
  step,
  traitChangeStarts,
  validateProcess,
  type Action,
  type CompiledProcess,
  type EventRef,
  type IncomingEvent,
  type JsonObject,
  type MachineInput,
  type ProcessInstance,
  type ProfileContext,
  type TriggerNode,
} from '@omnicx/core';
import type { EntryRecord, InstanceRecord, ProfileRecord, Store, StoreTx } from '@omnicx/store';
import type { Logger } from './ports';
import { newId } from './ids';
import { systemEvent } from './system-events';
import { issueSurveyLink } from './surveys';

export const AUTOMATION_TIMER = 'automation.timer';
export const AUTOMATION_DATE = 'automation.date';
export const AUTOMATION_SCHEDULE = 'automation.schedule';
export const AUTOMATION_BULK = 'automation.bulk';
export const AUTOMATION_RESUME = 'automation.resume';
/** A profile's score reaches a threshold some `score crossed` trigger watches, by decay alone (key: profile). */
export const AUTOMATION_SCORE = 'automation.score';
export const PROCESS_STARTED = 'Process Started';
export const PROCESS_ENDED = 'Process Ended';

/** Effects applied inside the transaction that produced them; the rest wait in the outbox for a sender. */
const INTERNAL: ReadonlySet<Action['kind']> = new Set([
  'set_trait',
  'emit_event',
  'change_score',
  'coupon',
  'task',
]);

/** The outbox kind of an effect: `message.<channel>` for messages, else the action kind. */
export function outboxKind(a: Action): string {
  return a.kind === 'send_message' ? `message.${a.channel}` : a.kind;
}

/** One process version, compiled. */
export interface LiveProcess {
  id: string;
  name: string;
  status: 'published' | 'paused' | 'archived';
  version: number | null;
  proc: CompiledProcess | null;
}

/** A workspace's processes as the pipeline needs them, compiled once per change. */
export interface WorkspaceProcesses {
  processes: Map<string, LiveProcess>;
  /** Every published version that may still have instances, by `id:version`. */
  versions: Map<string, CompiledProcess>;
  /** Triggers of published processes that an event can start (event / segment entered / exited). */
  eventTriggers: { processId: string; node: TriggerNode }[];
  traitTriggers: { processId: string; node: TriggerNode }[];
  scoreTriggers: { processId: string; node: TriggerNode }[];
  dateTriggers: { processId: string; node: TriggerNode }[];
  /** Traits whose changes matter (trait and date triggers). */
  traits: Set<string>;
  /** Score models whose crossings matter. */
  scoreModels: Set<string>;
  /** The thresholds watched per score model. */
  scoreThresholds: Map<string, number[]>;
  /** Any version watches every event of its instances' profiles (exit criteria on traits). */
  watchAll: boolean;
  watched: Set<string>;
  watchedSegments: Set<string>;
}

export interface AutomationItem {
  seq: number;
  event: IncomingEvent;
  profileId: string;
}
export interface TraitChange {
  profileId: string;
  trait: string;
  from: unknown;
  to: unknown;
}
export interface ScoreChange {
  profileId: string;
  model: string;
  before: number;
  after: number;
  /** When the score next crosses a watched threshold without events (null: never). */
  nextAt: number | null;
}

/**
 * A profile's watched scores before and after a change of its aggregates (or now, for a re-check), with the
 * time each next crosses a watched threshold by itself (decay, expiry, time-based `when` rules): core's
 * `nextScoreCrossingAt`. Models deleted since a process named them are skipped.
 */
export function scoreChangesOf(
  compiled: CompiledSegments,
  wp: WorkspaceProcesses,
  profileId: string,
  before: SegmentView,
  after: SegmentView,
  lookup: MembershipLookup,
  now: number,
): ScoreChange[] {
  const out: ScoreChange[] = [];
  for (const [model, thresholds] of wp.scoreThresholds) {
    if (!hasScoreModel(compiled, model)) continue;
    const b = before === after ? null : scoreAt(compiled, model, before, now, lookup);
    const a = scoreAt(compiled, model, after, now, lookup);
    const next = nextScoreCrossingAt(compiled, model, after, now, thresholds, lookup);
    out.push({ profileId, model, before: b ?? a, after: a, nextAt: next?.at ?? null });
  }
  return out;
}

/**
 * Whether an event can matter to some running instance of the workspace (the union, over every version, of
 * what `instanceWatches` accepts): only then are the profile's instances loaded.
 */
function mayConcernInstances(wp: WorkspaceProcesses, e: IncomingEvent): boolean {
  if (wp.watchAll) return true;
  if (e.name === null) return false;
  if (wp.watched.has(e.name)) return true;
  if (OUTCOME_EVENTS[e.name] !== undefined) return typeof e.properties[INSTANCE_PROPERTY] === 'string';
  return e.name === SEGMENT_ENTERED && wp.watchedSegments.has(String(e.properties.segment_id));
}

/** A workspace with no process: the starting point of a compile. */
export function emptyProcesses(): WorkspaceProcesses {
  return {
    processes: new Map(),
    versions: new Map(),
    eventTriggers: [],
    traitTriggers: [],
    scoreTriggers: [],
    dateTriggers: [],
    traits: new Set(),
    scoreModels: new Set(),
    scoreThresholds: new Map(),
    watchAll: false,
    watched: new Set(),
    watchedSegments: new Set(),
  };
}

/** What the machine reads about a profile. */
export function profileContext(
  traits: Record<string, unknown>,
  memberships: Iterable<string>,
): ProfileContext {
  const tz = traits.timezone;
  return { traits, segments: new Set(memberships), timezone: typeof tz === 'string' ? tz : null };
}

export function contextOf(p: ProfileRecord): ProfileContext {
  return profileContext(p.traits, p.memberships);
}

const eventRef = (e: IncomingEvent): EventRef => ({
  name: e.name,
  type: e.type,
  properties: e.properties as Record<string, unknown>,
  timestamp: e.timestamp,
});

type Reader = Pick<Store, 'processes'>;

interface Working {
  instance: ProcessInstance;
  historyCount: number;
  profileId: string;
  dirty: boolean;
  isNew: boolean;
  endedNow: boolean;
}

/**
 * Runs process instances inside a transaction: starts them from triggers, feeds them events and timers,
 * and writes what the pure step machine decided — instance state, history, per-node counters, the timer
 * (jobs table) and the effects (outbox) — together. Effects that change omnicx's own data (a trait, a
 * custom event, a task) are applied in the same transaction; the rest wait in the outbox for a sender.
 */
export class AutomationSession {
  readonly #instances = new Map<string, Working>();
  readonly #history: {
    instanceId: string;
    seq: number;
    at: number;
    node: string | null;
    kind: string;
    detail: string | null;
  }[] = [];
  readonly #counts = new Map<
    string,
    { processId: string; version: number; node: string; counter: string; delta: number }
  >();
  readonly #timers = new Map<string, { at: number; token: number } | null>();
  readonly #outbox: Parameters<StoreTx['outbox']['add']>[1][number][] = [];
  readonly #events: { event: IncomingEvent; profileId: string }[] = [];
  readonly #entries = new Map<string, EntryRecord>();
  readonly #ended: { processId: string; profileId: string }[] = [];
  readonly #tasks: Parameters<StoreTx['outbox']['addTask']>[1][] = [];
  readonly #noTimer = new Set<string>();

  constructor(
    readonly tx: StoreTx,
    readonly workspaceId: string,
    readonly wp: WorkspaceProcesses,
    readonly now: number,
    readonly runtime: AutomationRuntime,
  ) {}

  /** Instances whose timer job no longer exists (the scheduler completed it in this transaction). */
  timersGone(instanceIds: readonly string[]): void {
    for (const id of instanceIds) this.#noTimer.add(id);
  }

  /** Instances this session loaded or created, by id. */
  has(id: string): boolean {
    return this.#instances.has(id);
  }

  /** Adds stored instances to the session. */
  adopt(records: readonly InstanceRecord[]): ProcessInstance[] {
    const out: ProcessInstance[] = [];
    for (const r of records) {
      let w = this.#instances.get(r.id);
      if (!w) {
        const { historyCount, ...instance } = r.state as unknown as ProcessInstance & {
          historyCount?: number;
        };
        w = {
          instance: instance as ProcessInstance,
          historyCount: historyCount ?? 0,
          profileId: r.profileId,
          dirty: false,
          isNew: false,
          endedNow: false,
        };
        w.instance.profileId = r.profileId;
        this.#instances.set(r.id, w);
      }
      out.push(w.instance);
    }
    return out;
  }

  /** Running instances of the session for a profile, oldest first. */
  runningOf(profileId: string): ProcessInstance[] {
    const out: ProcessInstance[] = [];
    for (const w of this.#instances.values())
      if (w.profileId === profileId && !ENDED_STATUSES.has(w.instance.status)) out.push(w.instance);
    return out.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  }

  current(id: string): ProcessInstance | undefined {
    return this.#instances.get(id)?.instance;
  }

  /**
   * Starts an instance if the process is published and the entry rules allow it. `id` makes the start
   * idempotent (an effect that starts a process replays to the same instance).
   */
  async start(a: {
    processId: string;
    trigger: TriggerNode;
    profileId: string;
    profile: ProfileContext;
    event?: EventRef;
    id?: string;
  }): Promise<{ ok: true; instance: ProcessInstance } | { ok: false; reason: string; message: string }> {
    const live = this.wp.processes.get(a.processId);
    if (!live || live.status !== 'published' || live.proc === null || live.version === null)
      return { ok: false, reason: 'not_published', message: `process ${a.processId} is not published` };
    if (a.id !== undefined) {
      if (this.#instances.has(a.id)) return { ok: false, reason: 'duplicate', message: 'already started' };
      const existing = await this.tx.processes.instancesByIds(this.workspaceId, [a.id]);
      if (existing.length > 0) return { ok: false, reason: 'duplicate', message: 'already started' };
    }
    const entry = await this.#entry(a.processId, a.profileId);
    const decision = entryDecision(live.proc.definition.entry, entry, this.now);
    if (!decision.ok) return decision;
    entry.total += 1;
    entry.running += 1;
    entry.recent = keepRecent(live.proc.definition.entry, entry.recent, this.now);
    entry.lastEnteredAt = this.now;
    const instance = newInstance({
      id: a.id ?? newId('ins'),
      processId: a.processId,
      version: live.version,
      profileId: a.profileId,
      trigger: a.event
        ? { kind: a.trigger.trigger.kind, node: a.trigger.id, event: a.event }
        : { kind: a.trigger.trigger.kind, node: a.trigger.id },
      now: this.now,
    });
    const w: Working = {
      instance,
      historyCount: 0,
      profileId: a.profileId,
      dirty: true,
      isNew: true,
      endedNow: false,
    };
    this.#instances.set(instance.id, w);
    this.#events.push({
      profileId: a.profileId,
      event: systemEvent({
        name: PROCESS_STARTED,
        properties: {
          process_id: a.processId,
          process_name: live.name,
          version: live.version,
          instance_id: instance.id,
          trigger: a.trigger.trigger.kind,
        },
        touchpoint: `process:${a.processId}`,
        now: this.now,
        messageId: `proc:${instance.id}:start`,
      }),
    });
    this.#apply(
      w,
      live.proc,
      { kind: 'start', trigger: a.trigger.id, ...(a.event ? { event: a.event } : {}) },
      a.profile,
    );
    return { ok: true, instance: w.instance };
  }

  /** Feeds an input to an instance of the session. */
  feed(instanceId: string, input: MachineInput, profile: ProfileContext): boolean {
    const w = this.#instances.get(instanceId);
    if (!w) return false;
    const proc = this.wp.versions.get(`${w.instance.processId}:${w.instance.version}`);
    if (!proc) {
      if (input.kind === 'cancel' || ENDED_STATUSES.has(w.instance.status)) return false;
      return this.#apply(w, null, input, profile);
    }
    return this.#apply(w, proc, input, profile);
  }

  /** Whether an event could change the instance (cheap pre-check before feeding). */
  watches(instance: ProcessInstance, e: EventRef): boolean {
    const proc = this.wp.versions.get(`${instance.processId}:${instance.version}`);
    return proc !== undefined && instanceWatches(proc, e);
  }

  #apply(w: Working, proc: CompiledProcess | null, input: MachineInput, profile: ProfileContext): boolean {
    const live = this.wp.processes.get(w.instance.processId);
    const paused = live?.status === 'paused';
    if (proc === null) {
      // The version is gone (should not happen: versions are immutable): end the instance visibly.
      w.instance = {
        ...w.instance,
        status: 'failed',
        endReason: `version ${w.instance.version} of the process is missing`,
        endedAt: this.now,
        updatedAt: this.now,
        wait: null,
      };
      w.dirty = true;
      this.#timers.set(w.instance.id, null);
      this.#end(w);
      return true;
    }
    const before = w.instance.status;
    const r = step(proc, w.instance, input, { now: this.now, profile, paused });
    if (r.unchanged) return false;
    w.instance = r.instance;
    w.dirty = true;
    for (const h of r.history)
      this.#history.push({
        instanceId: w.instance.id,
        seq: ++w.historyCount,
        at: h.at,
        node: h.node,
        kind: h.kind,
        detail: h.detail ?? null,
      });
    for (const c of r.counts) {
      const k = `${w.instance.processId}\u0000${w.instance.version}\u0000${c.node}\u0000${c.counter}`;
      const cur = this.#counts.get(k);
      if (cur) cur.delta += 1;
      else
        this.#counts.set(k, {
          processId: w.instance.processId,
          version: w.instance.version,
          node: c.node,
          counter: c.counter,
          delta: 1,
        });
    }
    if (r.timer !== undefined) this.#timers.set(w.instance.id, r.timer);
    for (const e of r.effects) this.#effect(w, live?.name ?? w.instance.processId, e.key, e.node, e.action);
    if (!ENDED_STATUSES.has(before) && ENDED_STATUSES.has(w.instance.status)) this.#end(w);
    return true;
  }

  #end(w: Working): void {
    if (w.endedNow) return;
    w.endedNow = true;
    this.#ended.push({ processId: w.instance.processId, profileId: w.profileId });
    this.#events.push({
      profileId: w.profileId,
      event: systemEvent({
        name: PROCESS_ENDED,
        properties: {
          process_id: w.instance.processId,
          process_name: this.wp.processes.get(w.instance.processId)?.name ?? w.instance.processId,
          version: w.instance.version,
          instance_id: w.instance.id,
          status: w.instance.status,
          reason: w.instance.endReason,
        },
        touchpoint: `process:${w.instance.processId}`,
        now: this.now,
        messageId: `proc:${w.instance.id}:end`,
      }),
    });
  }

  #effect(w: Working, processName: string, key: string, node: string, action: Action): void {
    const i = w.instance;
    const base = {
      id: newId('fx'),
      key,
      kind: outboxKind(action),
      profileId: w.profileId,
      processId: i.processId,
      instanceId: i.id,
      node,
      payload: {
        action,
        process: { id: i.processId, name: processName, version: i.version },
        trigger: i.trigger.event ?? null,
      } as Record<string, unknown>,
      nextAttemptAt: this.now,
      createdAt: this.now,
    };
    if (!INTERNAL.has(action.kind)) {
      this.#outbox.push({ ...base, status: 'pending' });
      return;
    }
    const messageId = `fx:${key}`;
    const touchpoint = `process:${i.processId}`;
    const props = { process_id: i.processId, process_instance_id: i.id, process_node_id: node };
    let result: Record<string, unknown> = {};
    switch (action.kind) {
      case 'set_trait':
        this.#events.push({
          profileId: w.profileId,
          event: systemEvent({
            type: 'identify',
            name: null,
            traits: { [action.trait]: action.value },
            touchpoint,
            now: this.now,
            messageId,
          }),
        });
        break;
      case 'emit_event':
        this.#events.push({
          profileId: w.profileId,
          event: systemEvent({
            name: action.event,
            properties: { ...(action.properties ?? {}), ...props } as JsonObject,
            touchpoint,
            now: this.now,
            messageId,
          }),
        });
        break;
      case 'change_score':
        this.#events.push({
          profileId: w.profileId,
          event: systemEvent({
            name: SCORE_ADJUSTED,
            properties: { model: action.model, points: action.points, ...props },
            touchpoint,
            now: this.now,
            messageId,
          }),
        });
        break;
      case 'coupon': {
        // Placeholder until the offers issue: a deterministic code per effect, announced as an event.
        const code = `${action.campaign
          .replace(/[^A-Za-z0-9]/g, '')
          .slice(0, 8)
          .toUpperCase()}-${fnv1a32(key).toString(36).toUpperCase()}`;
        result = { code };
        this.#events.push({
          profileId: w.profileId,
          event: systemEvent({
            name: 'Coupon Issued',
            properties: { campaign: action.campaign, code, ...props },
            touchpoint,
            now: this.now,
            messageId,
          }),
        });
        break;
      }
      case 'task': {
        const id = `tsk_${key.replace(/[^A-Za-z0-9]/g, '_')}`;
        result = { taskId: id };
        this.#tasks.push({
          id,
          kind: action.task,
          profileId: w.profileId,
          title: action.title,
          note: action.note ?? null,
          status: 'open',
          assignee: null,
          dueAt: action.dueIn ? this.now + durationOf(action.dueIn) : null,
          source: { processId: i.processId, instanceId: i.id, node },
          createdAt: this.now,
          updatedAt: this.now,
        });
        this.#events.push({
          profileId: w.profileId,
          event: systemEvent({
            name: action.task === 'callback' ? 'Callback Requested' : 'Task Created',
            properties: { task_id: id, title: action.title, ...props },
            touchpoint,
            now: this.now,
            messageId,
          }),
        });
        break;
      }
      default:
        break;
    }
    this.#outbox.push({ ...base, status: 'done', result });
  }

  /**
   * Messages inviting to a survey get a signed personal link for their profile, issued in this transaction
   * (so a replayed effect, which the outbox drops by key, leaves at most an unused link). Template variables:
   * `survey_url` (the link: `publicBaseUrl` + path when the runtime knows it, else the path on the omnicx
   * server), `survey_path`, `survey_expires_at` (epoch ms), `survey_id`. A survey that is gone or closed
   * gives `survey_error` instead, and the sender decides (the effect still records what was meant).
   */
  async #surveyLinks(): Promise<void> {
    for (const o of this.#outbox) {
      const action = o.payload.action as Action;
      if (action.kind !== 'send_message' || action.survey === undefined || o.profileId === null) continue;
      const r = await issueSurveyLink(this.tx, this.workspaceId, action.survey, o.profileId, this.now, {
        channel: action.channel,
        touchpoint: `process:${o.processId}`,
      });
      const base = this.runtime.publicBaseUrl?.replace(/\/+$/, '') ?? '';
      o.payload.variables = r.ok
        ? {
            ...((o.payload.variables as Record<string, unknown> | undefined) ?? {}),
            survey_id: action.survey,
            survey_url: `${base}${r.value.path}`,
            survey_path: r.value.path,
            survey_expires_at: r.value.expiresAt,
          }
        : { survey_id: action.survey, survey_error: r.error.message };
    }
  }

  async #entry(processId: string, profileId: string): Promise<EntryRecord> {
    const k = `${processId}\u0000${profileId}`;
    let e = this.#entries.get(k);
    if (!e) {
      const [stored] = await this.tx.processes.entries(this.workspaceId, processId, [profileId]);
      // Running instances counted from this session too (started earlier in the same batch).
      e = stored ?? { processId, profileId, total: 0, running: 0, recent: [], lastEnteredAt: 0 };
      this.#entries.set(k, e);
    }
    return e;
  }

  /** Writes everything decided; returns the events to append (already assigned to their profile). */
  async flush(): Promise<{ event: IncomingEvent; profileId: string }[]> {
    const ws = this.workspaceId;
    const tx = this.tx;
    // Entries: ended instances free their "running" slot (entries not yet read: one query per process).
    const missing = new Map<string, string[]>();
    for (const e of this.#ended)
      if (!this.#entries.has(`${e.processId}\u0000${e.profileId}`))
        missing.set(e.processId, [...(missing.get(e.processId) ?? []), e.profileId]);
    for (const [processId, profileIds] of missing)
      for (const entry of await tx.processes.entries(ws, processId, [...new Set(profileIds)]))
        this.#entries.set(`${processId}\u0000${entry.profileId}`, entry);
    for (const e of this.#ended) {
      const entry = this.#entries.get(`${e.processId}\u0000${e.profileId}`);
      if (entry) entry.running = Math.max(0, entry.running - 1);
    }
    await tx.processes.putEntries(ws, [...this.#entries.values()]);
    await this.#surveyLinks();
    const rows: InstanceRecord[] = [];
    for (const w of this.#instances.values()) {
      if (!w.dirty) continue;
      const i = w.instance;
      rows.push({
        id: i.id,
        processId: i.processId,
        version: i.version,
        profileId: w.profileId,
        status: i.status,
        node: i.node,
        running: !ENDED_STATUSES.has(i.status),
        state: { ...i, historyCount: w.historyCount } as unknown as Record<string, unknown>,
        startedAt: i.startedAt,
        updatedAt: i.updatedAt,
        endedAt: i.endedAt,
      });
    }
    await tx.processes.putInstances(ws, rows);
    await tx.processes.addHistory(ws, this.#history);
    await tx.processes.addCounts(ws, [...this.#counts.values()]);
    for (const [instanceId, t] of this.#timers) {
      if (t === null) {
        if (!this.#noTimer.has(instanceId)) await tx.jobs.cancel(ws, AUTOMATION_TIMER, instanceId);
      } else
        await tx.jobs.schedule(
          ws,
          {
            id: newId('job'),
            kind: AUTOMATION_TIMER,
            key: instanceId,
            runAt: t.at,
            payload: { token: t.token },
          },
          this.now,
        );
    }
    await tx.outbox.add(ws, this.#outbox);
    for (const t of this.#tasks) await tx.outbox.addTask(ws, t);
    if (this.#outbox.some((o) => o.status === 'pending')) this.runtime.outboxWritten();
    return this.#events;
  }
}

/**
 * Keeps each workspace's compiled processes and runs the per-batch automation work for the pipeline
 * (ARCHITECTURE step 6): match triggers, feed running instances, schedule date triggers.
 */
export class AutomationRuntime {
  #cache = new Map<string, Promise<WorkspaceProcesses | null>>();
  #outboxListener: () => void = () => {};
  #outboxPending = false;
  /** The server's public address (`https://cx.example.com`), prefixed to links put in effects. */
  publicBaseUrl: string | undefined;

  constructor(private readonly logger: Logger) {}

  invalidate(workspaceId: string): void {
    this.#cache.delete(workspaceId);
  }

  onOutbox(fn: () => void): void {
    this.#outboxListener = fn;
  }

  /** A transaction wrote pending effects: the senders are woken once it has committed. */
  outboxWritten(): void {
    this.#outboxPending = true;
  }

  /**
   * Called after every commit of a transaction that may have run a session (pipeline batch, ingest, service
   * calls): wakes the outbox senders if effects were written. Waking them before the commit would make them
   * look before the rows are visible, and the effects would wait for the next poll.
   */
  committed(): void {
    if (!this.#outboxPending) return;
    this.#outboxPending = false;
    this.#outboxListener();
  }

  load(workspaceId: string, reader: Reader): Promise<WorkspaceProcesses | null> {
    let p = this.#cache.get(workspaceId);
    if (!p) {
      p = this.#compile(workspaceId, reader);
      this.#cache.set(workspaceId, p);
      p.catch(() => this.#cache.delete(workspaceId));
    }
    return p;
  }

  async #compile(workspaceId: string, reader: Reader): Promise<WorkspaceProcesses | null> {
    const all = (await reader.processes.list(workspaceId)).filter((p) => p.publishedVersion !== null);
    if (all.length === 0) return null;
    const wp = emptyProcesses();
    for (const p of all) {
      let current: CompiledProcess | null = null;
      for (const v of await reader.processes.versions(workspaceId, p.id)) {
        const rec = await reader.processes.version(workspaceId, p.id, v.version);
        const r = validateProcess(rec?.definition);
        if (!r.ok) {
          this.logger.error(
            { workspaceId, processId: p.id, version: v.version, errors: r.error },
            'stored process version does not validate',
          );
          continue;
        }
        wp.versions.set(`${p.id}:${v.version}`, r.value);
        if (r.value.watchAll) wp.watchAll = true;
        for (const e of r.value.watched) wp.watched.add(e);
        for (const seg of r.value.watchedSegments) wp.watchedSegments.add(seg);
        if (v.version === p.publishedVersion) current = r.value;
      }
      wp.processes.set(p.id, {
        id: p.id,
        name: p.name,
        status: p.status === 'draft' ? 'archived' : p.status,
        version: p.publishedVersion,
        proc: current,
      });
      if (p.status !== 'published' || current === null) continue;
      for (const t of current.triggers) {
        const entry = { processId: p.id, node: t };
        switch (t.trigger.kind) {
          case 'event':
          case 'segment_entered':
          case 'segment_exited':
            wp.eventTriggers.push(entry);
            break;
          case 'trait_changed':
            wp.traitTriggers.push(entry);
            wp.traits.add(t.trigger.trait);
            break;
          case 'score_crossed':
            wp.scoreTriggers.push(entry);
            wp.scoreModels.add(t.trigger.model);
            wp.scoreThresholds.set(t.trigger.model, [
              ...(wp.scoreThresholds.get(t.trigger.model) ?? []),
              t.trigger.threshold,
            ]);
            break;
          case 'date':
            wp.dateTriggers.push(entry);
            wp.traits.add(t.trigger.trait);
            break;
          default:
            break;
        }
      }
    }
    return wp;
  }

  /**
   * The automation part of a pipeline round: events in log order feed the profile's running instances
   * (the instance an event starts does not see that event), then start the processes they trigger; trait
   * and score changes start theirs; date triggers are (re)scheduled. Returns the events to append.
   */
  async handle(
    tx: StoreTx,
    workspaceId: string,
    items: readonly AutomationItem[],
    traitChanges: readonly TraitChange[],
    scoreChanges: readonly ScoreChange[],
    profileOf: (id: string) => ProfileContext | undefined,
    now: number,
  ): Promise<{ event: IncomingEvent; profileId: string }[]> {
    const wp = await this.load(workspaceId, tx);
    if (!wp) return [];
    const s = new AutomationSession(tx, workspaceId, wp, now, this);
    // Running instances of the profiles whose events someone watches.
    const relevant = new Set<string>();
    for (const it of items) if (mayConcernInstances(wp, it.event)) relevant.add(it.profileId);
    if (relevant.size > 0) s.adopt(await tx.processes.runningFor(workspaceId, [...relevant], { lock: true }));
    const startedBy = new Map<string, number>();
    for (const it of items) {
      const ref = eventRef(it.event);
      const profile = profileOf(it.profileId);
      if (!profile) continue;
      if (relevant.has(it.profileId))
        for (const inst of s.runningOf(it.profileId)) {
          if (startedBy.get(inst.id) === it.seq) continue;
          if (s.watches(inst, ref)) s.feed(inst.id, { kind: 'event', event: ref }, profile);
        }
      for (const t of wp.eventTriggers) {
        if (!eventStartsTrigger(t.node.trigger, ref)) continue;
        const r = await s.start({
          processId: t.processId,
          trigger: t.node,
          profileId: it.profileId,
          profile,
          event: ref,
        });
        if (r.ok) startedBy.set(r.instance.id, it.seq);
      }
    }
    for (const c of traitChanges) {
      const profile = profileOf(c.profileId);
      if (!profile) continue;
      for (const t of wp.traitTriggers)
        if (traitChangeStarts(t.node.trigger, c.trait, c.from, c.to))
          await s.start({
            processId: t.processId,
            trigger: t.node,
            profileId: c.profileId,
            profile,
            event: {
              name: 'Trait Changed',
              type: 'track',
              properties: { trait: c.trait, from: c.from, to: c.to },
              timestamp: now,
            },
          });
      for (const t of wp.dateTriggers) {
        if (t.node.trigger.kind !== 'date' || t.node.trigger.trait !== c.trait) continue;
        await this.scheduleDate(tx, workspaceId, wp, t.processId, t.node, c.profileId, c.to, profile, now);
      }
    }
    // The score last seen by a profile's pending re-check: a crossing by decay that happened before this
    // change (the re-check not run yet) is still a crossing.
    const pendingChecks = new Map<string, Record<string, unknown>>();
    for (const id of new Set(scoreChanges.map((c) => c.profileId))) {
      const job = await tx.jobs.get(workspaceId, AUTOMATION_SCORE, id);
      const scores = job?.payload.scores;
      if (job && typeof scores === 'object' && scores !== null)
        pendingChecks.set(id, scores as Record<string, unknown>);
    }
    for (const c0 of scoreChanges) {
      const seen = pendingChecks.get(c0.profileId)?.[c0.model];
      const c = typeof seen === 'number' ? { ...c0, before: seen } : c0;
      const profile = profileOf(c.profileId);
      if (!profile) continue;
      for (const t of wp.scoreTriggers) {
        const tr = t.node.trigger;
        if (tr.kind !== 'score_crossed' || tr.model !== c.model) continue;
        const crossed =
          tr.direction === 'up'
            ? c.before < tr.threshold && c.after >= tr.threshold
            : c.before >= tr.threshold && c.after < tr.threshold;
        if (crossed)
          await s.start({
            processId: t.processId,
            trigger: t.node,
            profileId: c.profileId,
            profile,
            event: {
              name: 'Score Crossed',
              type: 'track',
              properties: { model: c.model, before: c.before, after: c.after, threshold: tr.threshold },
              timestamp: now,
            },
          });
      }
    }
    await this.#planScoreChecks(tx, workspaceId, scoreChanges, pendingChecks, now);
    return s.flush();
  }

  /** (Re)schedules each profile's score re-check at its next watched crossing, with the scores seen now. */
  async #planScoreChecks(
    tx: StoreTx,
    workspaceId: string,
    changes: readonly ScoreChange[],
    pending: ReadonlyMap<string, unknown>,
    now: number,
  ): Promise<void> {
    const byProfile = new Map<string, ScoreChange[]>();
    for (const c of changes) byProfile.set(c.profileId, [...(byProfile.get(c.profileId) ?? []), c]);
    for (const [profileId, list] of byProfile) {
      let at: number | null = null;
      const scores: Record<string, number> = {};
      for (const c of list) {
        scores[c.model] = c.after;
        if (c.nextAt !== null && (at === null || c.nextAt < at)) at = c.nextAt;
      }
      if (at === null) {
        if (pending.has(profileId)) await tx.jobs.cancel(workspaceId, AUTOMATION_SCORE, profileId);
        continue;
      }
      await tx.jobs.schedule(
        workspaceId,
        { id: newId('job'), kind: AUTOMATION_SCORE, key: profileId, runAt: at, payload: { scores } },
        now,
      );
    }
  }

  /** Schedules (or cancels) a profile's date trigger from the trait's current value. */
  async scheduleDate(
    tx: StoreTx,
    workspaceId: string,
    wp: WorkspaceProcesses,
    processId: string,
    node: TriggerNode,
    profileId: string,
    value: unknown,
    profile: ProfileContext,
    now: number,
  ): Promise<void> {
    if (node.trigger.kind !== 'date') return;
    const proc = wp.processes.get(processId)?.proc;
    const tz = profile.timezone || proc?.timezone || 'UTC';
    const at = dateTriggerMoment(node.trigger, value, now, tz);
    const key = `${processId}:${node.id}:${profileId}`;
    if (at === null) await tx.jobs.cancel(workspaceId, AUTOMATION_DATE, key);
    else
      await tx.jobs.schedule(
        workspaceId,
        {
          id: newId('job'),
          kind: AUTOMATION_DATE,
          key,
          runAt: at,
          payload: { processId, node: node.id, profileId },
        },
        now,
      );
  }
}
