import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema';
import type { DialectAdapter } from '../adapter';

export type ProcessStatus = 'draft' | 'published' | 'paused' | 'archived';

export interface ProcessRecord {
  id: string;
  name: string;
  description: string;
  status: ProcessStatus;
  /** The definition being edited (JSON, validated on publish). */
  draft: unknown;
  publishedVersion: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface ProcessVersionRecord {
  processId: string;
  version: number;
  definition: unknown;
  publishedAt: number;
}

/** A stored instance: the core instance state (as JSON) plus the columns it is found by. */
export interface InstanceRecord {
  id: string;
  processId: string;
  version: number;
  profileId: string;
  status: string;
  node: string | null;
  running: boolean;
  state: Record<string, unknown>;
  startedAt: number;
  updatedAt: number;
  endedAt: number | null;
}

export interface EntryRecord {
  processId: string;
  profileId: string;
  total: number;
  running: number;
  recent: number[];
  lastEnteredAt: number;
}

export interface HistoryRecord {
  instanceId: string;
  seq: number;
  at: number;
  node: string | null;
  kind: string;
  detail: string | null;
}

export interface OutboxRecord {
  id: string;
  workspaceId: string;
  key: string;
  kind: string;
  profileId: string | null;
  processId: string | null;
  instanceId: string | null;
  node: string | null;
  payload: Record<string, unknown>;
  status: Selectable<Database['outbox']>['status'];
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  result: unknown;
  createdAt: number;
  updatedAt: number;
}

export interface TaskRecord {
  id: string;
  kind: 'task' | 'callback';
  profileId: string | null;
  title: string;
  note: string | null;
  status: 'open' | 'done' | 'cancelled';
  assignee: string | null;
  dueAt: number | null;
  source: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface BulkStartRecord {
  id: string;
  processId: string;
  source: Record<string, unknown>;
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  started: number;
  skipped: number;
  cursor: string | null;
  createdAt: number;
  updatedAt: number;
}

const json = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

const toProcess = (r: Selectable<Database['processes']>): ProcessRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  status: r.status,
  draft: json(r.draft),
  publishedVersion: r.published_version === null ? null : Number(r.published_version),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toInstance = (r: Selectable<Database['process_instances']>): InstanceRecord => ({
  id: r.id,
  processId: r.process_id,
  version: Number(r.version),
  profileId: r.profile_id,
  status: r.status,
  node: r.node,
  running: Number(r.running) === 1,
  state: JSON.parse(r.state) as Record<string, unknown>,
  startedAt: Number(r.started_at),
  updatedAt: Number(r.updated_at),
  endedAt: r.ended_at === null ? null : Number(r.ended_at),
});

const toOutbox = (r: Selectable<Database['outbox']>): OutboxRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  key: r.key,
  kind: r.kind,
  profileId: r.profile_id,
  processId: r.process_id,
  instanceId: r.instance_id,
  node: r.node,
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  status: r.status,
  attempts: Number(r.attempts),
  nextAttemptAt: Number(r.next_attempt_at),
  lastError: r.last_error,
  result: json(r.result),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toTask = (r: Selectable<Database['tasks']>): TaskRecord => ({
  id: r.id,
  kind: r.kind,
  profileId: r.profile_id,
  title: r.title,
  note: r.note,
  status: r.status,
  assignee: r.assignee,
  dueAt: r.due_at === null ? null : Number(r.due_at),
  source: JSON.parse(r.source) as Record<string, unknown>,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toBulk = (r: Selectable<Database['process_bulk_starts']>): BulkStartRecord => ({
  id: r.id,
  processId: r.process_id,
  source: JSON.parse(r.source) as Record<string, unknown>,
  status: r.status,
  total: Number(r.total),
  done: Number(r.done),
  started: Number(r.started),
  skipped: Number(r.skipped),
  cursor: r.cursor,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Splits rows so no statement exceeds the dialect's bind-parameter limit. */
function chunks<T>(rows: readonly T[], perRow: number, adapter: DialectAdapter): T[][] {
  const size = Math.max(1, Math.floor(adapter.maxParams / perRow));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Processes, versions, instances, entries, history and per-node counters. */
export function processesRepo(db: Kysely<Database>, adapter: DialectAdapter) {
  // Row locks where connections commit concurrently; SQLite serializes writers (and has no FOR UPDATE).
  const rowLocks = adapter.name !== 'sqlite';
  return {
    async create(workspaceId: string, p: ProcessRecord): Promise<void> {
      await db
        .insertInto('processes')
        .values({
          workspace_id: workspaceId,
          id: p.id,
          name: p.name,
          description: p.description,
          status: p.status,
          draft: JSON.stringify(p.draft),
          published_version: p.publishedVersion,
          created_at: p.createdAt,
          updated_at: p.updatedAt,
        })
        .execute();
    },

    async get(workspaceId: string, id: string): Promise<ProcessRecord | undefined> {
      const r = await db
        .selectFrom('processes')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toProcess(r) : undefined;
    },

    async list(workspaceId: string): Promise<ProcessRecord[]> {
      const rows = await db
        .selectFrom('processes')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toProcess);
    },

    async update(
      workspaceId: string,
      id: string,
      patch: Partial<Pick<ProcessRecord, 'name' | 'description' | 'status' | 'draft' | 'publishedVersion'>>,
      at: number,
    ): Promise<void> {
      await db
        .updateTable('processes')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.draft !== undefined ? { draft: JSON.stringify(patch.draft) } : {}),
          ...(patch.publishedVersion !== undefined ? { published_version: patch.publishedVersion } : {}),
          updated_at: at,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
    },

    async delete(workspaceId: string, id: string): Promise<void> {
      await db.deleteFrom('processes').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
      await db
        .deleteFrom('process_versions')
        .where('workspace_id', '=', workspaceId)
        .where('process_id', '=', id)
        .execute();
    },

    async insertVersion(workspaceId: string, v: ProcessVersionRecord): Promise<void> {
      await db
        .insertInto('process_versions')
        .values({
          workspace_id: workspaceId,
          process_id: v.processId,
          version: v.version,
          definition: JSON.stringify(v.definition),
          published_at: v.publishedAt,
        })
        .execute();
    },

    async version(
      workspaceId: string,
      processId: string,
      version: number,
    ): Promise<ProcessVersionRecord | undefined> {
      const r = await db
        .selectFrom('process_versions')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('process_id', '=', processId)
        .where('version', '=', version)
        .executeTakeFirst();
      return r
        ? {
            processId: r.process_id,
            version: Number(r.version),
            definition: JSON.parse(r.definition),
            publishedAt: Number(r.published_at),
          }
        : undefined;
    },

    async versions(
      workspaceId: string,
      processId: string,
    ): Promise<{ version: number; publishedAt: number }[]> {
      const rows = await db
        .selectFrom('process_versions')
        .select(['version', 'published_at'])
        .where('workspace_id', '=', workspaceId)
        .where('process_id', '=', processId)
        .orderBy('version')
        .execute();
      return rows.map((r) => ({ version: Number(r.version), publishedAt: Number(r.published_at) }));
    },

    // ---- instances ----

    async putInstances(workspaceId: string, rows: readonly InstanceRecord[]): Promise<void> {
      for (const part of chunks(rows, 12, adapter)) {
        if (part.length === 0) continue;
        await db
          .insertInto('process_instances')
          .values(
            part.map((i) => ({
              workspace_id: workspaceId,
              id: i.id,
              process_id: i.processId,
              version: i.version,
              profile_id: i.profileId,
              status: i.status,
              node: i.node,
              running: i.running ? 1 : 0,
              state: JSON.stringify(i.state),
              started_at: i.startedAt,
              updated_at: i.updatedAt,
              ended_at: i.endedAt,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'id']).doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              node: eb.ref('excluded.node'),
              running: eb.ref('excluded.running'),
              state: eb.ref('excluded.state'),
              updated_at: eb.ref('excluded.updated_at'),
              ended_at: eb.ref('excluded.ended_at'),
              profile_id: eb.ref('excluded.profile_id'),
            })),
          )
          .execute();
      }
    },

    async instance(workspaceId: string, id: string): Promise<InstanceRecord | undefined> {
      const r = await db
        .selectFrom('process_instances')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toInstance(r) : undefined;
    },

    /**
     * Instances by id. `lock`: inside a transaction that will advance them, on a database where several
     * processes can commit concurrently (PostgreSQL), the rows are locked (`FOR UPDATE`, in id order) until
     * the commit, so two engine processes — a timer firing in one while the other feeds the profile's event
     * — never advance the same instance from the same state: the second waits and reads the first's result.
     * SQLite has one writer (the transaction holds the database), so nothing is added there.
     */
    async instancesByIds(
      workspaceId: string,
      ids: readonly string[],
      opts: { lock?: boolean } = {},
    ): Promise<InstanceRecord[]> {
      const out: InstanceRecord[] = [];
      for (const part of chunks(ids, 1, adapter)) {
        if (part.length === 0) continue;
        let q = db
          .selectFrom('process_instances')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', part)
          .orderBy('id');
        if (opts.lock && rowLocks) q = q.forUpdate();
        const rows = await q.execute();
        out.push(...rows.map(toInstance));
      }
      return out;
    },

    /** Running (active, waiting, held) instances of the profiles; `lock` as in {@link instancesByIds}. */
    async runningFor(
      workspaceId: string,
      profileIds: readonly string[],
      opts: { lock?: boolean } = {},
    ): Promise<InstanceRecord[]> {
      const out: InstanceRecord[] = [];
      for (const part of chunks(profileIds, 1, adapter)) {
        if (part.length === 0) continue;
        let q = db
          .selectFrom('process_instances')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', part)
          .where('running', '=', 1)
          .orderBy('started_at')
          .orderBy('id');
        if (opts.lock && rowLocks) q = q.forUpdate();
        const rows = await q.execute();
        out.push(...rows.map(toInstance));
      }
      return out;
    },

    /** A page of a process's instances (newest first), optionally running only / of a profile / at a node. */
    async instances(
      workspaceId: string,
      q: {
        processId?: string;
        profileId?: string;
        status?: string;
        running?: boolean;
        held?: boolean;
        before?: string;
        limit: number;
      },
    ): Promise<InstanceRecord[]> {
      let query = db.selectFrom('process_instances').selectAll().where('workspace_id', '=', workspaceId);
      if (q.processId !== undefined) query = query.where('process_id', '=', q.processId);
      if (q.profileId !== undefined) query = query.where('profile_id', '=', q.profileId);
      if (q.status !== undefined) query = query.where('status', '=', q.status);
      if (q.running !== undefined) query = query.where('running', '=', q.running ? 1 : 0);
      if (q.held) query = query.where('status', '=', 'held');
      if (q.before !== undefined) query = query.where('id', '<', q.before);
      const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
      return rows.map(toInstance);
    },

    /** Instances per (version, node, status) of a process that are running. */
    async runningByNode(
      workspaceId: string,
      processId: string,
    ): Promise<{ version: number; node: string | null; status: string; n: number }[]> {
      const rows = await db
        .selectFrom('process_instances')
        .select(['version', 'node', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('process_id', '=', processId)
        .where('running', '=', 1)
        .groupBy(['version', 'node', 'status'])
        .execute();
      return rows.map((r) => ({
        version: Number(r.version),
        node: r.node,
        status: r.status,
        n: Number(r.n),
      }));
    },

    async countInstances(workspaceId: string, processId: string, running?: boolean): Promise<number> {
      let q = db
        .selectFrom('process_instances')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('process_id', '=', processId);
      if (running !== undefined) q = q.where('running', '=', running ? 1 : 0);
      return Number((await q.executeTakeFirstOrThrow()).n);
    },

    // ---- entries ----

    async entries(
      workspaceId: string,
      processId: string,
      profileIds: readonly string[],
    ): Promise<EntryRecord[]> {
      const out: EntryRecord[] = [];
      for (const part of chunks(profileIds, 1, adapter)) {
        if (part.length === 0) continue;
        const rows = await db
          .selectFrom('process_entries')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('process_id', '=', processId)
          .where('profile_id', 'in', part)
          .execute();
        out.push(
          ...rows.map((r) => ({
            processId: r.process_id,
            profileId: r.profile_id,
            total: Number(r.total),
            running: Number(r.running),
            recent: JSON.parse(r.recent) as number[],
            lastEnteredAt: Number(r.last_entered_at),
          })),
        );
      }
      return out;
    },

    async putEntries(workspaceId: string, rows: readonly EntryRecord[]): Promise<void> {
      for (const part of chunks(rows, 7, adapter)) {
        if (part.length === 0) continue;
        await db
          .insertInto('process_entries')
          .values(
            part.map((e) => ({
              workspace_id: workspaceId,
              process_id: e.processId,
              profile_id: e.profileId,
              total: e.total,
              running: e.running,
              recent: JSON.stringify(e.recent),
              last_entered_at: e.lastEnteredAt,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'process_id', 'profile_id']).doUpdateSet((eb) => ({
              total: eb.ref('excluded.total'),
              running: eb.ref('excluded.running'),
              recent: eb.ref('excluded.recent'),
              last_entered_at: eb.ref('excluded.last_entered_at'),
            })),
          )
          .execute();
      }
    },

    // ---- history and counters ----

    async addHistory(workspaceId: string, rows: readonly HistoryRecord[]): Promise<void> {
      for (const part of chunks(rows, 7, adapter)) {
        if (part.length === 0) continue;
        await db
          .insertInto('process_history')
          .values(
            part.map((h) => ({
              workspace_id: workspaceId,
              instance_id: h.instanceId,
              seq: h.seq,
              at: h.at,
              node: h.node,
              kind: h.kind,
              detail: h.detail,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    },

    async history(workspaceId: string, instanceId: string): Promise<HistoryRecord[]> {
      const rows = await db
        .selectFrom('process_history')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('instance_id', '=', instanceId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({
        instanceId: r.instance_id,
        seq: Number(r.seq),
        at: Number(r.at),
        node: r.node,
        kind: r.kind,
        detail: r.detail,
      }));
    },

    async addCounts(
      workspaceId: string,
      rows: readonly { processId: string; version: number; node: string; counter: string; delta: number }[],
    ): Promise<void> {
      for (const part of chunks(rows, 6, adapter)) {
        if (part.length === 0) continue;
        await db
          .insertInto('process_node_stats')
          .values(
            part.map((c) => ({
              workspace_id: workspaceId,
              process_id: c.processId,
              version: c.version,
              node: c.node,
              counter: c.counter,
              value: c.delta,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'process_id', 'version', 'node', 'counter']).doUpdateSet((eb) => ({
              value: eb(eb.ref('process_node_stats.value'), '+', eb.ref('excluded.value')),
            })),
          )
          .execute();
      }
    },

    async counts(
      workspaceId: string,
      processId: string,
    ): Promise<{ version: number; node: string; counter: string; value: number }[]> {
      const rows = await db
        .selectFrom('process_node_stats')
        .select(['version', 'node', 'counter', 'value'])
        .where('workspace_id', '=', workspaceId)
        .where('process_id', '=', processId)
        .execute();
      return rows.map((r) => ({
        version: Number(r.version),
        node: r.node,
        counter: r.counter,
        value: Number(r.value),
      }));
    },

    /** Erasure: a profile's instances, entries and history go. */
    async deleteForProfile(workspaceId: string, profileId: string): Promise<string[]> {
      const ids = (
        await db
          .selectFrom('process_instances')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', '=', profileId)
          .execute()
      ).map((r) => r.id);
      for (const part of chunks(ids, 1, adapter)) {
        if (part.length === 0) continue;
        await db
          .deleteFrom('process_history')
          .where('workspace_id', '=', workspaceId)
          .where('instance_id', 'in', part)
          .execute();
      }
      await db
        .deleteFrom('process_instances')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .execute();
      await db
        .deleteFrom('process_entries')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .execute();
      return ids;
    },

    /** Merge: the source profile's instances and entries move to the survivor. */
    async reassignProfile(workspaceId: string, from: readonly string[], to: string): Promise<void> {
      if (from.length === 0) return;
      await db
        .updateTable('process_instances')
        .set({ profile_id: to })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', from)
        .execute();
    },

    // ---- bulk starts ----

    async putBulk(workspaceId: string, b: BulkStartRecord): Promise<void> {
      await db
        .insertInto('process_bulk_starts')
        .values({
          workspace_id: workspaceId,
          id: b.id,
          process_id: b.processId,
          source: JSON.stringify(b.source),
          status: b.status,
          total: b.total,
          done: b.done,
          started: b.started,
          skipped: b.skipped,
          cursor: b.cursor,
          created_at: b.createdAt,
          updated_at: b.updatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'id']).doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            total: eb.ref('excluded.total'),
            done: eb.ref('excluded.done'),
            started: eb.ref('excluded.started'),
            skipped: eb.ref('excluded.skipped'),
            cursor: eb.ref('excluded.cursor'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },

    async bulk(workspaceId: string, id: string): Promise<BulkStartRecord | undefined> {
      const r = await db
        .selectFrom('process_bulk_starts')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toBulk(r) : undefined;
    },
  };
}

/** The outbox of effects and the agent tasks. */
export function outboxRepo(db: Kysely<Database>, adapter: DialectAdapter) {
  return {
    /** Records effects; one already recorded under the same key is left as it is. Returns how many were new. */
    async add(
      workspaceId: string,
      rows: readonly (Omit<
        OutboxRecord,
        'workspaceId' | 'attempts' | 'lastError' | 'result' | 'updatedAt'
      > & {
        result?: unknown;
      })[],
    ): Promise<number> {
      let n = 0;
      for (const part of chunks(rows, 14, adapter)) {
        if (part.length === 0) continue;
        const r = await db
          .insertInto('outbox')
          .values(
            part.map((o) => ({
              workspace_id: workspaceId,
              id: o.id,
              key: o.key,
              kind: o.kind,
              profile_id: o.profileId,
              process_id: o.processId,
              instance_id: o.instanceId,
              node: o.node,
              payload: JSON.stringify(o.payload),
              status: o.status,
              attempts: 0,
              next_attempt_at: o.nextAttemptAt,
              locked_by: null,
              locked_until: null,
              last_error: null,
              result: o.result === undefined ? null : JSON.stringify(o.result),
              created_at: o.createdAt,
              updated_at: o.createdAt,
            })),
          )
          .onConflict((oc) => oc.columns(['workspace_id', 'key']).doNothing())
          .executeTakeFirst();
        n += Number(r.numInsertedOrUpdatedRows ?? 0);
      }
      return n;
    },

    async get(workspaceId: string, id: string): Promise<OutboxRecord | undefined> {
      const r = await db
        .selectFrom('outbox')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toOutbox(r) : undefined;
    },

    async list(
      workspaceId: string,
      q: {
        status?: string;
        kind?: string;
        instanceId?: string;
        profileId?: string;
        before?: string;
        limit: number;
      },
    ): Promise<OutboxRecord[]> {
      let query = db.selectFrom('outbox').selectAll().where('workspace_id', '=', workspaceId);
      if (q.status !== undefined) query = query.where('status', '=', q.status as OutboxRecord['status']);
      if (q.kind !== undefined) query = query.where('kind', '=', q.kind);
      if (q.instanceId !== undefined) query = query.where('instance_id', '=', q.instanceId);
      if (q.profileId !== undefined) query = query.where('profile_id', '=', q.profileId);
      if (q.before !== undefined) query = query.where('id', '<', q.before);
      return (await query.orderBy('id', 'desc').limit(q.limit).execute()).map(toOutbox);
    },

    async countByStatus(workspaceId: string): Promise<Record<string, number>> {
      const rows = await db
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('workspace_id', '=', workspaceId)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    /** Claims due pending/failed effects (every workspace) for `owner` until `now + leaseMs`. */
    async claimDue(
      now: number,
      limit: number,
      owner: string,
      leaseMs: number,
      kinds: readonly string[],
    ): Promise<OutboxRecord[]> {
      if (kinds.length === 0) return [];
      const due = await db
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'failed'])
        .where('kind', 'in', kinds)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      if (due.length === 0) return [];
      const rows = await db
        .updateTable('outbox')
        .set({ locked_by: owner, locked_until: now + leaseMs })
        .where(
          'id',
          'in',
          due.map((d) => d.id),
        )
        .where('status', 'in', ['pending', 'failed'])
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .returningAll()
        .execute();
      return rows.map(toOutbox).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : 1));
    },

    /** Records a claimed effect's outcome (only while the claim is still ours). */
    async settle(
      id: string,
      owner: string,
      s:
        | { status: 'sent' | 'suppressed'; result: unknown; at: number }
        | { status: 'failed'; error: string; retryAt: number; at: number }
        | { status: 'dead'; error: string; at: number },
    ): Promise<boolean> {
      const r = await db
        .updateTable('outbox')
        .set((eb) => ({
          status: s.status,
          locked_by: null,
          locked_until: null,
          updated_at: s.at,
          attempts: eb('attempts', '+', 1),
          ...(s.status === 'sent' || s.status === 'suppressed'
            ? { result: JSON.stringify(s.result ?? null), last_error: null }
            : {}),
          ...(s.status === 'failed'
            ? { last_error: s.error.slice(0, 2000), next_attempt_at: s.retryAt }
            : {}),
          ...(s.status === 'dead' ? { last_error: s.error.slice(0, 2000) } : {}),
        }))
        .where('id', '=', id)
        .where('locked_by', '=', owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** Releases a claimed effect until `until` without counting an attempt (quiet hours, provider rate). */
    async defer(id: string, owner: string, s: { until: number; note: string; at: number }): Promise<boolean> {
      const r = await db
        .updateTable('outbox')
        .set({
          status: 'pending',
          locked_by: null,
          locked_until: null,
          next_attempt_at: s.until,
          last_error: s.note.slice(0, 2000),
          updated_at: s.at,
        })
        .where('id', '=', id)
        .where('locked_by', '=', owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** Puts a dead effect back in the queue (an operator fixed the cause). */
    async retry(workspaceId: string, id: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable('outbox')
        .set({ status: 'pending', next_attempt_at: at, attempts: 0, updated_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** The earliest time a pending effect is due, for the dispatcher's wake-up. */
    async nextDueAt(kinds: readonly string[]): Promise<number | null> {
      if (kinds.length === 0) return null;
      const r = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.min<number>('next_attempt_at').as('t'))
        .where('status', 'in', ['pending', 'failed'])
        .where('kind', 'in', kinds)
        .executeTakeFirst();
      return r?.t === null || r?.t === undefined ? null : Number(r.t);
    },

    // ---- tasks ----

    async addTask(workspaceId: string, t: TaskRecord): Promise<void> {
      await db
        .insertInto('tasks')
        .values({
          workspace_id: workspaceId,
          id: t.id,
          kind: t.kind,
          profile_id: t.profileId,
          title: t.title,
          note: t.note,
          status: t.status,
          assignee: t.assignee,
          due_at: t.dueAt,
          source: JSON.stringify(t.source),
          created_at: t.createdAt,
          updated_at: t.updatedAt,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doNothing())
        .execute();
    },

    async tasks(
      workspaceId: string,
      q: { status?: string; profileId?: string; before?: string; limit: number },
    ): Promise<TaskRecord[]> {
      let query = db.selectFrom('tasks').selectAll().where('workspace_id', '=', workspaceId);
      if (q.status !== undefined) query = query.where('status', '=', q.status as TaskRecord['status']);
      if (q.profileId !== undefined) query = query.where('profile_id', '=', q.profileId);
      if (q.before !== undefined) query = query.where('id', '<', q.before);
      return (await query.orderBy('id', 'desc').limit(q.limit).execute()).map(toTask);
    },

    async updateTask(
      workspaceId: string,
      id: string,
      patch: { status?: TaskRecord['status']; assignee?: string | null },
      at: number,
    ): Promise<TaskRecord | undefined> {
      await db
        .updateTable('tasks')
        .set({
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.assignee !== undefined ? { assignee: patch.assignee } : {}),
          updated_at: at,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
      const r = await db
        .selectFrom('tasks')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toTask(r) : undefined;
    },
  };
}
