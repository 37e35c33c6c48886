import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import type { ApiKeyRecord } from '../records';

const toRecord = (r: Database['api_keys']): ApiKeyRecord => ({
  workspaceId: r.workspace_id,
  id: r.id,
  kind: r.kind,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** API keys, stored only as hashes. */
export function keysRepo(db: Kysely<Database>) {
  return {
    /** Stores a key by its hash. */
    async insert(k: ApiKeyRecord & { hash: string }): Promise<void> {
      await db
        .insertInto('api_keys')
        .values({
          workspace_id: k.workspaceId,
          id: k.id,
          kind: k.kind,
          name: k.name,
          prefix: k.prefix,
          key_hash: k.hash,
          created_at: k.createdAt,
          revoked_at: k.revokedAt,
        })
        .execute();
    },
    /** The key whose hash matches, revoked or not. */
    async findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
      const r = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
      return r && toRecord(r);
    },
    /** A workspace's keys, newest first. */
    async list(workspaceId: string): Promise<ApiKeyRecord[]> {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toRecord);
    },
    /** Revokes a key; false when no such active key exists. */
    async revoke(workspaceId: string, id: string, at: number): Promise<boolean> {
      const res = await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
  };
}
