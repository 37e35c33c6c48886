import {
  dateTriggerMoment,
  dryRun,
  nextScheduled,
  validateProcess,
  type DomainError,
  type EventRef,
  type ProcessError,
  type Result,
  type TriggerNode,
} from '@omnicx/core';
import type {
  BulkStartRecord,
  HistoryRecord,
  InstanceRecord,
  JobRecord,
  OutboxRecord,
  ProcessRecord,
  ProcessVersionRecord,
  Store,
  TaskRecord,
  StoreTx,
} from '@omnicx/store';
import type { Clock } from './ports';
import type { IncomingEvent } from '@omnicx/core';
import type { Pipeline } from './pipeline';
import { newId } from './ids';
import {
  AUTOMATION_BULK,
  AUTOMATION_RESUME,
  AUTOMATION_SCHEDULE,
  AutomationSession,
  contextOf,
  emptyProcesses,
  type AutomationRuntime,
  type WorkspaceProcesses,
} from './automation-runtime';

const fail = (code: string, message: string, field?: string, details?: unknown): Result<never> => ({
  ok: false,
  error: { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) } as DomainError,
});

function processErrors(errors: ProcessError[]): Result<never> {
  const first = errors[0]!;
  return fail(first.code, first.message, first.field, errors);
}

export interface ProcessInput {
  name: string;
  description?: string;
  definition: unknown;
}

/** Profiles started per bulk step (one transaction each). */
const BULK_PAGE = 500;
/** Instances resumed or timers fired per transaction. */
const BATCH = 1000;

export type StartSource = { profileId: string } | { profileIds: string[] } | { segment: string };

/**
 * Automation processes (PRODUCT capability 4): definitions with draft / published / paused / archived states
 * and immutable versions, manual and bulk starts, timers, date and schedule triggers, observability.
 */
export class AutomationService {
  constructor(
    private readonly store: Store,
    private readonly runtime: AutomationRuntime,
    private readonly pipeline: Pipeline,
    private readonly clock: Clock,
  ) {}

  /** After a transaction that ran instances: the pipeline reads the events it appended, senders the effects. */
  #committed(): void {
    this.pipeline.notify();
    this.runtime.committed();
  }

  // ---- definitions -------------------------------------------------------------------------------------

  list(workspaceId: string): Promise<ProcessRecord[]> {
    return this.store.processes.list(workspaceId);
  }

  async get(workspaceId: string, id: string): Promise<Result<ProcessRecord>> {
    const p = await this.store.processes.get(workspaceId, id);
    return p ? { ok: true, value: p } : fail('not_found', `process ${id} does not exist`);
  }

  async #scope(workspaceId: string) {
    const segments = (await this.store.segments.list(workspaceId)).map((s) => s.id);
    const scoreModels = (await this.store.scoreModels.list(workspaceId)).map((m) => m.id);
    return { segments, scoreModels };
  }

  /** Validates a definition against the workspace (segments, lists and score models it names must exist). */
  async validate(workspaceId: string, definition: unknown): Promise<ProcessError[]> {
    const r = validateProcess(definition, await this.#scope(workspaceId));
    if (!r.ok) return r.error;
    const errors: ProcessError[] = [];
    for (const n of r.value.nodes.values()) {
      if (n.type === 'action' && n.action.kind === 'send_message' && n.action.survey !== undefined) {
        const survey = await this.store.surveys.get(workspaceId, n.action.survey);
        if (!survey)
          errors.push({
            code: 'invalid_reference',
            field: `nodes.${n.id}.action.survey`,
            nodeId: n.id,
            message: `node "${n.id}": survey ${n.action.survey} does not exist`,
          });
      }
      if (n.type === 'action' && n.action.kind === 'start_process') {
        const target = await this.store.processes.get(workspaceId, n.action.process);
        if (!target)
          errors.push({
            code: 'invalid_reference',
            field: `nodes.${n.id}.action.process`,
            nodeId: n.id,
            message: `node "${n.id}": process ${n.action.process} does not exist`,
          });
      }
    }
    return errors;
  }

  async create(workspaceId: string, input: ProcessInput): Promise<Result<ProcessRecord>> {
    if (typeof input.definition !== 'object' || input.definition === null)
      return fail(
        'invalid_value',
        'definition must be an object { "nodes": [...], "edges": [...] }',
        'definition',
      );
    const now = this.clock.now();
    const p: ProcessRecord = {
      id: newId('proc'),
      name: input.name,
      description: input.description ?? '',
      status: 'draft',
      draft: input.definition,
      publishedVersion: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.processes.create(workspaceId, p);
    return { ok: true, value: p };
  }

  /** Edits the name, description or draft definition (published versions never change). */
  async update(
    workspaceId: string,
    id: string,
    patch: Partial<ProcessInput>,
  ): Promise<Result<ProcessRecord>> {
    const p = await this.store.processes.get(workspaceId, id);
    if (!p) return fail('not_found', `process ${id} does not exist`);
    if (p.status === 'archived') return fail('archived', `process ${id} is archived: create a new one`);
    if (patch.definition !== undefined && (typeof patch.definition !== 'object' || patch.definition === null))
      return fail(
        'invalid_value',
        'definition must be an object { "nodes": [...], "edges": [...] }',
        'definition',
      );
    await this.store.processes.update(
      workspaceId,
      id,
      {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.definition !== undefined ? { draft: patch.definition } : {}),
      },
      this.clock.now(),
    );
    if (patch.name !== undefined) this.runtime.invalidate(workspaceId);
    return this.get(workspaceId, id);
  }

  /** Deletes a process that was never published (published ones are archived instead: history stays). */
  async delete(workspaceId: string, id: string): Promise<Result<{ deleted: string }>> {
    const p = await this.store.processes.get(workspaceId, id);
    if (!p) return fail('not_found', `process ${id} does not exist`);
    if (p.publishedVersion !== null)
      return fail('in_use', `process ${id} was published: archive it instead (its history is kept)`);
    await this.store.processes.delete(workspaceId, id);
    return { ok: true, value: { deleted: id } };
  }

  /**
   * Publishes the draft as a new version. Running instances stay on the version they started on; new
   * entries use the new one. Schedules and date triggers are (re)planned.
   */
  async publish(workspaceId: string, id: string): Promise<Result<ProcessRecord>> {
    const p = await this.store.processes.get(workspaceId, id);
    if (!p) return fail('not_found', `process ${id} does not exist`);
    if (p.status === 'archived') return fail('archived', `process ${id} is archived: create a new one`);
    const errors = await this.validate(workspaceId, p.draft);
    if (errors.length > 0) return processErrors(errors);
    const compiled = validateProcess(p.draft);
    if (!compiled.ok) return processErrors(compiled.error);
    const now = this.clock.now();
    const version = (p.publishedVersion ?? 0) + 1;
    await this.store.transaction(async (tx) => {
      await tx.processes.insertVersion(workspaceId, {
        processId: id,
        version,
        definition: p.draft,
        publishedAt: now,
      });
      await tx.processes.update(workspaceId, id, { status: 'published', publishedVersion: version }, now);
      await this.#planTriggers(tx, workspaceId, id, compiled.value.triggers, compiled.value.timezone, now);
    });
    this.runtime.invalidate(workspaceId);
    return this.get(workspaceId, id);
  }

  async #planTriggers(
    tx: StoreTx,
    workspaceId: string,
    processId: string,
    triggers: readonly TriggerNode[],
    timezone: string,
    now: number,
  ): Promise<void> {
    for (const t of triggers) {
      if (t.trigger.kind === 'schedule') {
        const at = nextScheduled(t.trigger.schedule, now, t.trigger.timezone ?? timezone);
        if (at !== null)
          await tx.jobs.schedule(
            workspaceId,
            {
              id: newId('job'),
              kind: AUTOMATION_SCHEDULE,
              key: `${processId}:${t.id}`,
              runAt: at,
              payload: { processId, node: t.id },
            },
            now,
          );
      }
      if (t.trigger.kind === 'date') {
        // Every profile's date is planned by a background pass (a bulk job over all profiles).
        const bulk: BulkStartRecord = {
          id: newId('bulk'),
          processId,
          source: { kind: 'date_plan', node: t.id },
          status: 'running',
          total: 0,
          done: 0,
          started: 0,
          skipped: 0,
          cursor: null,
          createdAt: now,
          updatedAt: now,
        };
        await tx.processes.putBulk(workspaceId, bulk);
        await tx.jobs.schedule(
          workspaceId,
          { id: newId('job'), kind: AUTOMATION_BULK, key: bulk.id, runAt: now },
          now,
        );
      }
    }
  }

  /** Pauses: new entries stop, running instances hold before their next action. */
  async pause(workspaceId: string, id: string): Promise<Result<ProcessRecord>> {
    const p = await this.store.processes.get(workspaceId, id);
    if (!p) return fail('not_found', `process ${id} does not exist`);
    if (p.status !== 'published')
      return fail('invalid_state', `only a published process can be paused (it is ${p.status})`);
    await this.store.processes.update(workspaceId, id, { status: 'paused' }, this.clock.now());
    this.runtime.invalidate(workspaceId);
    return this.get(workspaceId, id);
  }

  /** Resumes a paused process: held instances carry on (in the background, in batches). */
  async resume(workspaceId: string, id: string): Promise<Result<ProcessRecord>> {
    const p = await this.store.processes.get(workspaceId, id);
    if (!p) return fail('not_found', `process ${id} does not exist`);
    if (p.status !== 'paused')
      return fail('invalid_state', `only a paused process can be resumed (it is ${p.status})`);
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      await tx.processes.update(workspaceId, id, { status: 'published' }, now);
      await tx.jobs.schedule(
        workspaceId,
        { id: newId('job'), kind: AUTOMATION_RESUME, key: id, runAt: now, payload: { processId: id } },
        now,
      );
    });
    this.runtime.invalidate(workspaceId);
    return this.get(workspaceId, id);
  }

  /** Archives: no new entries and no schedules; running instances finish on their version. */
  async archive(workspaceId: string, id: string): Promise<Result<ProcessRecord>> {
    const p = await this.store.processes.get(workspaceId, id);
    if (!p) return fail('not_found', `process ${id} does not exist`);
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      await tx.processes.update(workspaceId, id, { status: 'archived' }, now);
      const def = validateProcess(p.draft);
      if (def.ok)
        for (const t of def.value.triggers)
          if (t.trigger.kind === 'schedule')
            await tx.jobs.cancel(workspaceId, AUTOMATION_SCHEDULE, `${id}:${t.id}`);
      if (p.status === 'paused')
        await tx.jobs.schedule(
          workspaceId,
          { id: newId('job'), kind: AUTOMATION_RESUME, key: id, runAt: now, payload: { processId: id } },
          now,
        );
    });
    this.runtime.invalidate(workspaceId);
    return this.get(workspaceId, id);
  }

  // ---- starting ----------------------------------------------------------------------------------------

  /**
   * Starts the process manually: for one profile at once (the instance is returned), or for a list of
   * profiles or every member of a segment/list in the background (a bulk start with progress).
   */
  async start(
    workspaceId: string,
    processId: string,
    source: StartSource,
  ): Promise<
    Result<{
      instance?: InstanceRecord;
      bulk?: BulkStartRecord;
      skipped?: { reason: string; message: string };
    }>
  > {
    const p = await this.store.processes.get(workspaceId, processId);
    if (!p) return fail('not_found', `process ${processId} does not exist`);
    if (p.status !== 'published')
      return fail('invalid_state', `process ${processId} is ${p.status}: publish it to start it`);
    const wp = await this.runtime.load(workspaceId, this.store);
    const trigger = this.#manualTrigger(wp, processId);
    if (!trigger)
      return fail(
        'no_manual_trigger',
        `process ${processId} has no manual trigger node: add one to start it by hand`,
      );
    if ('profileId' in source) {
      return this.pipeline.exclusive(async () => {
        const now = this.clock.now();
        const out = await this.store.transaction(async (tx) => {
          const profile = await tx.profiles.get(workspaceId, source.profileId);
          if (!profile) return fail('not_found', `profile ${source.profileId} does not exist`);
          const s = new AutomationSession(tx, workspaceId, wp!, now, this.runtime);
          const r = await s.start({ processId, trigger, profileId: profile.id, profile: contextOf(profile) });
          const events = await s.flush();
          await this.#append(tx, workspaceId, events);
          if (!r.ok)
            return { ok: true as const, value: { skipped: { reason: r.reason, message: r.message } } };
          const [rec] = await tx.processes.instancesByIds(workspaceId, [r.instance.id]);
          return { ok: true as const, value: { instance: rec! } };
        });
        this.#committed();
        return out;
      });
    }
    if ('segment' in source) {
      const seg = await this.store.segments.get(workspaceId, source.segment);
      if (!seg) return fail('not_found', `segment or list ${source.segment} does not exist`, 'segment');
    } else if (
      !Array.isArray(source.profileIds) ||
      source.profileIds.length === 0 ||
      source.profileIds.length > 10_000
    ) {
      return fail('invalid_value', 'profileIds must be a list of 1 to 10000 profile ids', 'profileIds');
    }
    const now = this.clock.now();
    const bulk: BulkStartRecord = {
      id: newId('bulk'),
      processId,
      source:
        'segment' in source
          ? { kind: 'segment', segment: source.segment }
          : { kind: 'profiles', profileIds: source.profileIds },
      status: 'running',
      total: 'profileIds' in source ? source.profileIds.length : 0,
      done: 0,
      started: 0,
      skipped: 0,
      cursor: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.transaction(async (tx) => {
      await tx.processes.putBulk(workspaceId, bulk);
      await tx.jobs.schedule(
        workspaceId,
        { id: newId('job'), kind: AUTOMATION_BULK, key: bulk.id, runAt: now },
        now,
      );
    });
    return { ok: true, value: { bulk } };
  }

  /**
   * Starts a process for a profile on behalf of another process's step. `instanceId` is derived from the
   * effect, so a replay finds the instance already there and starts nothing.
   */
  async startFromEffect(
    workspaceId: string,
    processId: string,
    profileId: string,
    instanceId: string,
  ): Promise<Result<string>> {
    return this.pipeline.exclusive(async () => {
      const wp = await this.runtime.load(workspaceId, this.store);
      const live = wp?.processes.get(processId);
      if (!wp || !live?.proc) return fail('not_found', `process ${processId} is not published`);
      const trigger = live.proc.triggers.find((t) => t.trigger.kind === 'manual') ?? live.proc.triggers[0]!;
      const now = this.clock.now();
      const out = await this.store.transaction(async (tx) => {
        const profile = await tx.profiles.get(workspaceId, profileId);
        if (!profile) return fail('not_found', `profile ${profileId} does not exist`);
        const s = new AutomationSession(tx, workspaceId, wp, now, this.runtime);
        const r = await s.start({
          processId,
          trigger,
          profileId: profile.id,
          profile: contextOf(profile),
          id: instanceId,
        });
        await this.#append(tx, workspaceId, await s.flush());
        return { ok: true as const, value: r.ok ? `started ${instanceId}` : `not started: ${r.message}` };
      });
      this.#committed();
      return out;
    });
  }

  #manualTrigger(wp: WorkspaceProcesses | null, processId: string): TriggerNode | undefined {
    return wp?.processes.get(processId)?.proc?.triggers.find((t) => t.trigger.kind === 'manual');
  }

  async bulk(workspaceId: string, id: string): Promise<Result<BulkStartRecord>> {
    const b = await this.store.processes.bulk(workspaceId, id);
    return b ? { ok: true, value: b } : fail('not_found', `bulk start ${id} does not exist`);
  }

  async #append(
    tx: StoreTx,
    workspaceId: string,
    events: { event: IncomingEvent; profileId: string }[],
  ): Promise<void> {
    if (events.length === 0) return;
    await tx.events.append(
      workspaceId,
      events.map((e) => e.event),
      events.map((e) => e.profileId),
    );
  }

  /** One step of a bulk job: a page of profiles started (or, for a date plan, scheduled). */
  async bulkStep(workspaceId: string, bulkId: string): Promise<'more' | 'done'> {
    return this.pipeline.exclusive(async () => {
      const b = await this.store.processes.bulk(workspaceId, bulkId);
      if (!b || b.status !== 'running') return 'done';
      const now = this.clock.now();
      const wp = await this.runtime.load(workspaceId, this.store);
      const live = wp?.processes.get(b.processId);
      const src = b.source as { kind: string; segment?: string; profileIds?: string[]; node?: string };
      const finish = async (status: BulkStartRecord['status']) => {
        await this.store.processes.putBulk(workspaceId, { ...b, status, updatedAt: now });
        return 'done' as const;
      };
      if (!wp || !live?.proc || live.status !== 'published') return finish('failed');
      let ids: string[];
      let cursor: string | null;
      if (src.kind === 'profiles') {
        const offset = Number(b.cursor ?? 0);
        ids = (src.profileIds ?? []).slice(offset, offset + BULK_PAGE);
        cursor = String(offset + ids.length);
      } else if (src.kind === 'segment') {
        if (b.cursor === null && b.total === 0) b.total = await this.#segmentSize(workspaceId, src.segment!);
        const page = await this.store.segments.members(workspaceId, src.segment!, {
          limit: BULK_PAGE,
          ...(b.cursor !== null ? { after: b.cursor } : {}),
        });
        ids = page.map((m) => m.profileId);
        cursor = ids.length > 0 ? ids[ids.length - 1]! : b.cursor;
      } else {
        const page = await this.store.profiles.pageAfter(workspaceId, b.cursor, BULK_PAGE);
        ids = page.map((p) => p.id);
        cursor = ids.length > 0 ? ids[ids.length - 1]! : b.cursor;
      }
      if (ids.length === 0) return finish('done');
      // Date plans and scheduled runs name their trigger node; manual bulk starts use the manual trigger.
      const trigger = live.proc.triggers.find((t) =>
        src.node !== undefined ? t.id === src.node : t.trigger.kind === 'manual',
      );
      if (!trigger) return finish('failed');
      // A short page is the last one: the bulk ends with it (no empty step after).
      const last = ids.length < BULK_PAGE;
      await this.store.transaction(async (tx) => {
        const profiles = await tx.profiles.getMany(workspaceId, ids);
        const s = new AutomationSession(tx, workspaceId, wp, now, this.runtime);
        let started = 0;
        let skipped = 0;
        for (const p of profiles) {
          if (p.mergedInto !== null) continue;
          if (src.kind === 'date_plan') {
            if (trigger.trigger.kind === 'date')
              await this.runtime.scheduleDate(
                tx,
                workspaceId,
                wp,
                b.processId,
                trigger,
                p.id,
                p.traits[trigger.trigger.trait],
                contextOf(p),
                now,
              );
            continue;
          }
          const r = await s.start({
            processId: b.processId,
            trigger,
            profileId: p.id,
            profile: contextOf(p),
          });
          if (r.ok) started++;
          else skipped++;
        }
        await this.#append(tx, workspaceId, await s.flush());
        await tx.processes.putBulk(workspaceId, {
          ...b,
          status: last ? 'done' : 'running',
          done: b.done + ids.length,
          started: b.started + started,
          skipped: b.skipped + skipped + (ids.length - profiles.length),
          cursor,
          updatedAt: now,
        });
      });
      this.#committed();
      return last ? 'done' : 'more';
    });
  }

  async #segmentSize(workspaceId: string, segmentId: string): Promise<number> {
    const s = await this.store.segments.get(workspaceId, segmentId);
    return s?.size ?? 0;
  }

  // ---- time ------------------------------------------------------------------------------------------

  /**
   * Fires due instance timers in one transaction: each instance advances past its wait (a stale timer —
   * the instance moved on — does nothing), and the jobs are completed in the same transaction.
   */
  async fireTimers(jobs: readonly JobRecord[], owner: string): Promise<void> {
    const byWs = new Map<string, JobRecord[]>();
    for (const j of jobs) byWs.set(j.workspaceId, [...(byWs.get(j.workspaceId) ?? []), j]);
    for (const [workspaceId, list] of byWs) {
      await this.pipeline.exclusive(async () => {
        const wp = await this.runtime.load(workspaceId, this.store);
        const now = this.clock.now();
        await this.store.transaction(async (tx) => {
          // Instances first, then their jobs: the pipeline locks instances before it cancels their timers,
          // so taking the rows in the same order keeps two processes from deadlocking on PostgreSQL.
          const records = wp
            ? await tx.processes.instancesByIds(
                workspaceId,
                list.map((j) => j.key),
                { lock: true },
              )
            : [];
          await tx.jobs.completeMany(
            list.map((j) => j.id),
            owner,
          );
          if (!wp) return;
          const s = new AutomationSession(tx, workspaceId, wp, now, this.runtime);
          // Their timers were just deleted: an instance that ends now has no timer to cancel.
          s.timersGone(list.map((j) => j.key));
          s.adopt(records);
          const profiles = new Map(
            (await tx.profiles.getMany(workspaceId, [...new Set(records.map((r) => r.profileId))])).map(
              (p) => [p.id, p],
            ),
          );
          for (const j of list) {
            const inst = s.current(j.key);
            const profile = inst ? profiles.get(inst.profileId) : undefined;
            if (!inst || !profile) continue;
            s.feed(inst.id, { kind: 'timer', token: Number(j.payload.token) }, contextOf(profile));
          }
          await this.#append(tx, workspaceId, await s.flush());
        });
      });
    }
    this.#committed();
  }

  /** A date trigger is due for a profile: start the instance if the trait still says so, plan the next. */
  async fireDate(job: JobRecord): Promise<void> {
    const { processId, node, profileId } = job.payload as {
      processId: string;
      node: string;
      profileId: string;
    };
    await this.pipeline.exclusive(async () => {
      const wp = await this.runtime.load(job.workspaceId, this.store);
      const proc = wp?.processes.get(processId)?.proc;
      const trigger = proc?.triggers.find((t) => t.id === node);
      if (!wp || !proc || !trigger || trigger.trigger.kind !== 'date') return;
      const now = this.clock.now();
      await this.store.transaction(async (tx) => {
        const profile = await tx.profiles.get(job.workspaceId, profileId);
        if (!profile || trigger.trigger.kind !== 'date') return;
        const ctx = contextOf(profile);
        const tz = ctx.timezone || proc.timezone;
        const value = profile.traits[trigger.trigger.trait];
        // Still the moment the job was planned for (the trait may have changed since).
        const due = dateTriggerMoment(trigger.trigger, value, job.runAt, tz);
        const s = new AutomationSession(tx, job.workspaceId, wp, now, this.runtime);
        if (due === job.runAt) {
          await s.start({
            processId,
            trigger,
            profileId: profile.id,
            profile: ctx,
            event: {
              name: 'Date Reached',
              type: 'track',
              properties: { trait: trigger.trigger.trait, value },
              timestamp: now,
            },
          });
        }
        await this.#append(tx, job.workspaceId, await s.flush());
        if (trigger.trigger.recurring === 'yearly')
          await this.runtime.scheduleDate(
            tx,
            job.workspaceId,
            wp,
            processId,
            trigger,
            profile.id,
            value,
            ctx,
            job.runAt + 1,
          );
      });
    });
    this.#committed();
  }

  /** A schedule trigger is due: start the process for the segment's members (bulk) and plan the next run. */
  async fireSchedule(job: JobRecord): Promise<void> {
    const { processId, node } = job.payload as { processId: string; node: string };
    const wp = await this.runtime.load(job.workspaceId, this.store);
    const live = wp?.processes.get(processId);
    const trigger = live?.proc?.triggers.find((t) => t.id === node);
    if (!live?.proc || !trigger || trigger.trigger.kind !== 'schedule' || live.status === 'archived') return;
    const now = this.clock.now();
    const next = nextScheduled(
      trigger.trigger.schedule,
      Math.max(now, job.runAt),
      trigger.trigger.timezone ?? live.proc.timezone,
    );
    await this.store.transaction(async (tx) => {
      if (live.status === 'published' && trigger.trigger.kind === 'schedule') {
        const bulk: BulkStartRecord = {
          id: newId('bulk'),
          processId,
          source: { kind: 'segment', segment: trigger.trigger.segment, node },
          status: 'running',
          total: 0,
          done: 0,
          started: 0,
          skipped: 0,
          cursor: null,
          createdAt: now,
          updatedAt: now,
        };
        await tx.processes.putBulk(job.workspaceId, bulk);
        await tx.jobs.schedule(
          job.workspaceId,
          { id: newId('job'), kind: AUTOMATION_BULK, key: bulk.id, runAt: now },
          now,
        );
      }
      if (next !== null)
        await tx.jobs.schedule(
          job.workspaceId,
          { id: newId('job'), kind: AUTOMATION_SCHEDULE, key: job.key, runAt: next, payload: job.payload },
          now,
        );
    });
  }

  /** Resumes a page of held instances of a process; 'more' while some remain. */
  async resumeStep(workspaceId: string, processId: string): Promise<'more' | 'done'> {
    return this.pipeline.exclusive(async () => {
      const wp = await this.runtime.load(workspaceId, this.store);
      if (!wp) return 'done';
      const held = await this.store.processes.instances(workspaceId, { processId, held: true, limit: BATCH });
      if (held.length === 0) return 'done';
      const now = this.clock.now();
      let progressed = 0;
      await this.store.transaction(async (tx) => {
        const s = new AutomationSession(tx, workspaceId, wp, now, this.runtime);
        // Read again, locked, in the transaction: another process may have moved them since the page.
        s.adopt(
          await tx.processes.instancesByIds(
            workspaceId,
            held.map((h) => h.id),
            { lock: true },
          ),
        );
        const profiles = new Map(
          (
            await tx.profiles.getMany(
              workspaceId,
              held.map((h) => h.profileId),
            )
          ).map((p) => [p.id, p]),
        );
        for (const h of held) {
          const p = profiles.get(h.profileId);
          if (p && s.feed(h.id, { kind: 'resume' }, contextOf(p))) progressed++;
        }
        await this.#append(tx, workspaceId, await s.flush());
      });
      this.#committed();
      return progressed > 0 && held.length === BATCH ? 'more' : 'done';
    });
  }

  // ---- instances and observability ---------------------------------------------------------------------

  instances(
    workspaceId: string,
    q: {
      processId?: string;
      profileId?: string;
      status?: string;
      running?: boolean;
      before?: string;
      limit: number;
    },
  ): Promise<InstanceRecord[]> {
    return this.store.processes.instances(workspaceId, q);
  }

  async instance(
    workspaceId: string,
    id: string,
  ): Promise<Result<{ instance: InstanceRecord; history: HistoryRecord[]; effects: OutboxRecord[] }>> {
    const instance = await this.store.processes.instance(workspaceId, id);
    if (!instance) return fail('not_found', `instance ${id} does not exist`);
    const history = await this.store.processes.history(workspaceId, id);
    const effects = await this.store.outbox.list(workspaceId, { instanceId: id, limit: 200 });
    return { ok: true, value: { instance, history, effects: effects.reverse() } };
  }

  async cancel(
    workspaceId: string,
    id: string,
    reason = 'cancelled by an operator',
  ): Promise<Result<InstanceRecord>> {
    return this.pipeline.exclusive(async () => {
      const wp = await this.runtime.load(workspaceId, this.store);
      const now = this.clock.now();
      const out = await this.store.transaction(async (tx) => {
        const [rec] = await tx.processes.instancesByIds(workspaceId, [id], { lock: true });
        if (!rec) return fail('not_found', `instance ${id} does not exist`);
        if (!rec.running) return fail('invalid_state', `instance ${id} has already ended (${rec.status})`);
        const profile = await tx.profiles.get(workspaceId, rec.profileId);
        const s = new AutomationSession(tx, workspaceId, wp ?? emptyProcesses(), now, this.runtime);
        s.adopt([rec]);
        s.feed(
          id,
          { kind: 'cancel', reason },
          profile ? contextOf(profile) : { traits: {}, segments: new Set() },
        );
        await this.#append(tx, workspaceId, await s.flush());
        const [after] = await tx.processes.instancesByIds(workspaceId, [id]);
        return { ok: true as const, value: after! };
      });
      this.#committed();
      return out;
    });
  }

  // ---- outbox and tasks ----------------------------------------------------------------------------------

  outbox(
    workspaceId: string,
    q: { status?: string; kind?: string; profileId?: string; before?: string; limit: number },
  ): Promise<OutboxRecord[]> {
    return this.store.outbox.list(workspaceId, q);
  }

  outboxCounts(workspaceId: string): Promise<Record<string, number>> {
    return this.store.outbox.countByStatus(workspaceId);
  }

  /** Puts a dead effect back in the queue (after fixing its cause: a URL, a provider setting). */
  async retryEffect(workspaceId: string, id: string, onRetry: () => void): Promise<Result<OutboxRecord>> {
    const e = await this.store.outbox.get(workspaceId, id);
    if (!e) return fail('not_found', `effect ${id} does not exist`);
    if (e.status !== 'dead')
      return fail('invalid_state', `only a dead effect can be retried (it is ${e.status})`);
    await this.store.outbox.retry(workspaceId, id, this.clock.now());
    onRetry();
    return { ok: true, value: (await this.store.outbox.get(workspaceId, id))! };
  }

  tasks(
    workspaceId: string,
    q: { status?: string; profileId?: string; before?: string; limit: number },
  ): Promise<TaskRecord[]> {
    return this.store.outbox.tasks(workspaceId, q);
  }

  async updateTask(
    workspaceId: string,
    id: string,
    patch: { status?: TaskRecord['status']; assignee?: string | null },
  ): Promise<Result<TaskRecord>> {
    const t = await this.store.outbox.updateTask(workspaceId, id, patch, this.clock.now());
    return t ? { ok: true, value: t } : fail('not_found', `task ${id} does not exist`);
  }

  async version(workspaceId: string, id: string, version: number): Promise<Result<ProcessVersionRecord>> {
    const v = await this.store.processes.version(workspaceId, id, version);
    return v ? { ok: true, value: v } : fail('not_found', `process ${id} has no version ${version}`);
  }

  versions(workspaceId: string, id: string): Promise<{ version: number; publishedAt: number }[]> {
    return this.store.processes.versions(workspaceId, id);
  }

  /** Per-node counters (all versions summed, and per version) and instances waiting / held at each node. */
  async stats(workspaceId: string, processId: string): Promise<Result<ProcessStats>> {
    const p = await this.store.processes.get(workspaceId, processId);
    if (!p) return fail('not_found', `process ${processId} does not exist`);
    const counts = await this.store.processes.counts(workspaceId, processId);
    const running = await this.store.processes.runningByNode(workspaceId, processId);
    const nodes: Record<string, Record<string, number>> = {};
    const byVersion: Record<string, Record<string, Record<string, number>>> = {};
    const add = (node: string, counter: string, n: number, version: number) => {
      nodes[node] ??= {};
      nodes[node][counter] = (nodes[node][counter] ?? 0) + n;
      const v = (byVersion[String(version)] ??= {});
      v[node] ??= {};
      v[node][counter] = (v[node][counter] ?? 0) + n;
    };
    for (const c of counts) add(c.node, c.counter, c.value, c.version);
    for (const r of running) if (r.node !== null) add(r.node, r.status, r.n, r.version);
    const total = await this.store.processes.countInstances(workspaceId, processId);
    const active = await this.store.processes.countInstances(workspaceId, processId, true);
    return { ok: true, value: { instances: { total, running: active }, nodes, versions: byVersion } };
  }

  /** What the definition (or the process's draft) would do for a profile if no further events came. */
  async dryRun(
    workspaceId: string,
    a: { processId?: string; definition?: unknown; profileId: string; trigger?: string; event?: EventRef },
  ): Promise<Result<ReturnType<typeof dryRun>>> {
    let def = a.definition;
    if (def === undefined) {
      if (a.processId === undefined)
        return fail('invalid_value', 'give a process id or a definition', 'definition');
      const p = await this.store.processes.get(workspaceId, a.processId);
      if (!p) return fail('not_found', `process ${a.processId} does not exist`);
      def = p.draft;
    }
    const v = validateProcess(def, await this.#scope(workspaceId));
    if (!v.ok) return processErrors(v.error);
    const profile = await this.store.profiles.get(workspaceId, a.profileId);
    if (!profile) return fail('not_found', `profile ${a.profileId} does not exist`, 'profileId');
    if (a.trigger !== undefined && !v.value.triggers.some((t) => t.id === a.trigger))
      return fail('invalid_value', `no trigger node "${a.trigger}"`, 'trigger');
    return {
      ok: true,
      value: dryRun(v.value, {
        profileId: profile.id,
        profile: contextOf(profile),
        now: this.clock.now(),
        ...(a.trigger !== undefined ? { trigger: a.trigger } : {}),
        ...(a.event !== undefined ? { event: a.event } : {}),
      }),
    };
  }
}

export interface ProcessStats {
  instances: { total: number; running: number };
  /** node → counter → n: entered, passed:<port>, errored, converted:<variant>, and waiting / held now. */
  nodes: Record<string, Record<string, number>>;
  versions: Record<string, Record<string, Record<string, number>>>;
}
