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
  };
}
