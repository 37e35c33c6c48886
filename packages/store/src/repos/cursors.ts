import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** Stored read positions in the event log, one per (workspace, consumer). */
export function cursorsRepo(db: Kysely<Database>) {
  return {
    /** The last processed seq, 0 when the consumer never ran. */
    async get(workspaceId: string, consumer: string): Promise<number> {
      const r = await db
        .selectFrom('cursors')
        .select('position')
        .where('workspace_id', '=', workspaceId)
        .where('consumer', '=', consumer)
        .executeTakeFirst();
      return r ? Number(r.position) : 0;
    },
    /** Moves the cursor (call in the same transaction as the work it covers). */
    async set(workspaceId: string, consumer: string, position: number, at: number): Promise<void> {
      await db
        .insertInto('cursors')
        .values({ workspace_id: workspaceId, consumer, position, updated_at: at })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'consumer']).doUpdateSet({ position, updated_at: at }),
        )
        .execute();
    },
    /**
     * Moves the cursor from `from` to `to` only if it is still at `from` (compare-and-set); false when another
     * writer moved it first. On PostgreSQL the row stays locked until the transaction ends, so a concurrent
     * advance from the same position waits and then fails instead of both succeeding.
     */
    async advance(
      workspaceId: string,
      consumer: string,
      from: number,
      to: number,
      at: number,
    ): Promise<boolean> {
      const r = await db
        .updateTable('cursors')
        .set({ position: to, updated_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('consumer', '=', consumer)
        .where('position', '=', from)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) return true;
      if (from !== 0) return false;
      // A consumer that never ran has no row: creating it is the advance from 0.
      const ins = await db
        .insertInto('cursors')
        .values({ workspace_id: workspaceId, consumer, position: to, updated_at: at })
        .onConflict((oc) => oc.columns(['workspace_id', 'consumer']).doNothing())
        .executeTakeFirst();
      return Number(ins.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}
