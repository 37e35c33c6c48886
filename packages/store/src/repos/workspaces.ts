import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import type { WorkspaceRecord } from '../records';

/** Workspaces: one per brand. */
export function workspacesRepo(db: Kysely<Database>) {
  const toRecord = (r: Database['workspaces']): WorkspaceRecord => ({
    id: r.workspace_id,
    name: r.name,
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    createdAt: r.created_at,
  });
  return {
    /** Creates a workspace. */
    async create(w: WorkspaceRecord): Promise<void> {
      await db
        .insertInto('workspaces')
        .values({
          workspace_id: w.id,
          name: w.name,
          settings: JSON.stringify(w.settings),
          created_at: w.createdAt,
        })
        .execute();
    },
    /** One workspace, or undefined. */
    async get(id: string): Promise<WorkspaceRecord | undefined> {
      const r = await db
        .selectFrom('workspaces')
        .selectAll()
        .where('workspace_id', '=', id)
        .executeTakeFirst();
      return r && toRecord(r);
    },
    /** Every workspace, oldest first. */
    async list(): Promise<WorkspaceRecord[]> {
      const rows = await db
        .selectFrom('workspaces')
        .selectAll()
        .orderBy('created_at')
        .orderBy('workspace_id')
        .execute();
      return rows.map(toRecord);
    },
    /** Replaces a workspace's settings document. */
    async updateSettings(id: string, settings: Record<string, unknown>): Promise<void> {
      await db
        .updateTable('workspaces')
        .set({ settings: JSON.stringify(settings) })
        .where('workspace_id', '=', id)
        .execute();
    },
  };
}
