import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema';

/** A durable timer: something to do at `runAt` (ARCHITECTURE "Durable time"). */
export interface JobRecord {
  workspaceId: string;
  id: string;
  kind: string;
  /** Unique per (workspace, kind): scheduling the same key again moves the job instead of adding one. */
  key: string;
  runAt: number;
  payload: Record<string, unknown>;
  attempts: number;
  lastError: string | null;
}

const toJob = (r: Selectable<Database['jobs']>): JobRecord => ({
  workspaceId: r.workspace_id,
  id: r.id,
  kind: r.kind,
  key: r.key,
  runAt: Number(r.run_at),
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  attempts: Number(r.attempts),
  lastError: r.last_error,
});

/** The jobs table: every wait is a row, claimed with a lease so a crashed runner's jobs run again. */
export function jobsRepo(db: Kysely<Database>) {
  return {
    /**
     * Creates the job or moves it to `runAt` (and replaces its payload). `earliest` moves an existing job
     * only to an earlier time.
     */
    async schedule(
      workspaceId: string,
      job: { id: string; kind: string; key: string; runAt: number; payload?: Record<string, unknown> },
      at: number,
      mode: 'replace' | 'earliest' = 'replace',
    ): Promise<void> {
      const payload = JSON.stringify(job.payload ?? {});
      await db
        .insertInto('jobs')
        .values({
          workspace_id: workspaceId,
          id: job.id,
          kind: job.kind,
          key: job.key,
          run_at: job.runAt,
          payload,
          locked_by: null,
          locked_until: null,
          last_error: null,
          created_at: at,
        })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'kind', 'key']).doUpdateSet((eb) => ({
            run_at:
              mode === 'replace'
                ? job.runAt
                : eb
                    .case()
                    .when(eb.ref('excluded.run_at'), '<', eb.ref('jobs.run_at'))
                    .then(eb.ref('excluded.run_at'))
                    .else(eb.ref('jobs.run_at'))
                    .end(),
            payload,
            attempts: 0,
          })),
        )
        .execute();
    },

    async get(workspaceId: string, kind: string, key: string): Promise<JobRecord | undefined> {
      const r = await db
        .selectFrom('jobs')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', kind)
        .where('key', '=', key)
        .executeTakeFirst();
      return r ? toJob(r) : undefined;
    },

    async cancel(workspaceId: string, kind: string, key: string): Promise<void> {
      await db
        .deleteFrom('jobs')
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', kind)
        .where('key', '=', key)
        .execute();
    },

    /**
     * Claims up to `limit` due jobs for `owner` until `now + leaseMs`. The UPDATE re-checks the lease, so two
     * runners never both claim a job (on PostgreSQL the second waits for the first's row lock, then sees it
     * taken).
     */
    async claimDue(now: number, limit: number, owner: string, leaseMs: number): Promise<JobRecord[]> {
      const due = await db
        .selectFrom('jobs')
        .select('id')
        .where('run_at', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('run_at')
        .limit(limit)
        .execute();
      if (due.length === 0) return [];
      const rows = await db
        .updateTable('jobs')
        .set({ locked_by: owner, locked_until: now + leaseMs })
        .where(
          'id',
          'in',
          due.map((d) => d.id),
        )
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .returningAll()
        .execute();
      return rows.map(toJob).sort((a, b) => a.runAt - b.runAt);
    },

    /**
     * Deletes a claimed job after it ran — unless it was rescheduled while running (its run_at moved past
     * the time it was claimed for), in which case only the lease is released.
     */
    async complete(id: string, owner: string, claimedRunAt: number): Promise<void> {
      await db
        .deleteFrom('jobs')
        .where('id', '=', id)
        .where('locked_by', '=', owner)
        .where('run_at', '=', claimedRunAt)
        .execute();
      await db
        .updateTable('jobs')
        .set({ locked_by: null, locked_until: null })
        .where('id', '=', id)
        .where('locked_by', '=', owner)
        .execute();
    },

    /** Deletes claimed jobs that ran (inside the transaction that did their work). */
    async completeMany(ids: readonly string[], owner: string): Promise<void> {
      for (let i = 0; i < ids.length; i += 500) {
        await db
          .deleteFrom('jobs')
          .where('id', 'in', ids.slice(i, i + 500))
          .where('locked_by', '=', owner)
          .execute();
      }
    },

    /** Releases a failed job to run again at `retryAt`, counting the attempt. */
    async fail(id: string, owner: string, error: string, retryAt: number): Promise<void> {
      await db
        .updateTable('jobs')
        .set((eb) => ({
          locked_by: null,
          locked_until: null,
          last_error: error.slice(0, 2000),
          run_at: retryAt,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', '=', id)
        .where('locked_by', '=', owner)
        .execute();
    },

    /** The earliest run_at of any job, for the scheduler's next wake-up. */
    async nextRunAt(): Promise<number | null> {
      const r = await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.min<number>('run_at').as('t'))
        .executeTakeFirst();
      return r?.t === null || r?.t === undefined ? null : Number(r.t);
    },

    async count(workspaceId: string, kind?: string): Promise<number> {
      let q = db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId);
      if (kind !== undefined) q = q.where('kind', '=', kind);
      const r = await q.executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
