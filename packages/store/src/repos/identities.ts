import type { Kysely } from 'kysely';
import type { Identifier } from '@omnicx/core';
import type { DirectExecutor } from '../adapter';
import type { Database } from '../schema';
import { chunks, type IdentityRow } from '../records';

/** The identity graph: each (type, value) belongs to exactly one profile. */
const OWNER_ONE = 'select profile_id from identities where workspace_id = ? and type = ? and value = ?';
const OF_PROFILE =
  'select type, value, profile_id from identities where workspace_id = ? and profile_id = ? order by created_at';
const INSERT_ONE =
  'insert into identities (workspace_id, type, value, profile_id, created_at) values (?, ?, ?, ?, ?) ' +
  'on conflict (workspace_id, type, value) do nothing';

export function identitiesRepo(db: Kysely<Database>, direct?: DirectExecutor) {
  return {
    /** Owners of the given identifiers (one query per identifier type, using the primary key). */
    async findOwners(workspaceId: string, identifiers: readonly Identifier[]): Promise<IdentityRow[]> {
      const byType = new Map<string, Set<string>>();
      for (const id of identifiers) {
        let set = byType.get(id.type);
        if (!set) byType.set(id.type, (set = new Set()));
        set.add(id.value);
      }
      const out: IdentityRow[] = [];
      if (direct) {
        for (const [type, values] of byType) {
          for (const value of values) {
            const r = direct.get<{ profile_id: string }>(OWNER_ONE, [workspaceId, type, value]);
            if (r) out.push({ type, value, profileId: r.profile_id });
          }
        }
        return out;
      }
      for (const [type, values] of byType) {
        for (const part of chunks([...values], 5000)) {
          const rows = await db
            .selectFrom('identities')
            .select(['type', 'value', 'profile_id'])
            .where('workspace_id', '=', workspaceId)
            .where('type', '=', type)
            .where('value', 'in', part)
            .execute();
          for (const r of rows) out.push({ type: r.type, value: r.value, profileId: r.profile_id });
        }
      }
      return out;
    },

    /** Every identifier of the given profiles. */
    async ofProfiles(workspaceId: string, profileIds: readonly string[]): Promise<IdentityRow[]> {
      const out: IdentityRow[] = [];
      if (direct) {
        for (const id of new Set(profileIds)) {
          for (const r of direct.all<Database['identities']>(OF_PROFILE, [workspaceId, id]))
            out.push({ type: r.type, value: r.value, profileId: r.profile_id });
        }
        return out;
      }
      for (const part of chunks([...new Set(profileIds)], 5000)) {
        const rows = await db
          .selectFrom('identities')
          .select(['type', 'value', 'profile_id'])
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', part)
          .orderBy('created_at')
          .execute();
        for (const r of rows) out.push({ type: r.type, value: r.value, profileId: r.profile_id });
      }
      return out;
    },

    /** Identifiers whose value starts with `prefix` (any type), for search. */
    async findByValuePrefix(workspaceId: string, prefix: string, limit: number): Promise<IdentityRow[]> {
      // A range instead of LIKE: same meaning in both dialects, no escaping, and it can use an index.
      const rows = await db
        .selectFrom('identities')
        .select(['type', 'value', 'profile_id'])
        .where('workspace_id', '=', workspaceId)
        .where('value', '>=', prefix)
        .where('value', '<', prefix + '\uffff')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ type: r.type, value: r.value, profileId: r.profile_id }));
    },

    /** Attaches new identifiers; an identifier already owned is left with its owner. */
    async insertMany(workspaceId: string, rows: readonly IdentityRow[], at: number): Promise<void> {
      if (direct) {
        for (const r of rows) direct.run(INSERT_ONE, [workspaceId, r.type, r.value, r.profileId, at]);
        return;
      }
      for (const part of chunks(rows, 2000)) {
        await db
          .insertInto('identities')
          .values(
            part.map((r) => ({
              workspace_id: workspaceId,
              type: r.type,
              value: r.value,
              profile_id: r.profileId,
              created_at: at,
            })),
          )
          .onConflict((oc) => oc.columns(['workspace_id', 'type', 'value']).doNothing())
          .execute();
      }
    },

    /** Moves identifiers of merged-away profiles to the survivor. */
    async reassign(workspaceId: string, fromIds: readonly string[], toId: string): Promise<void> {
      if (fromIds.length === 0) return;
      await db
        .updateTable('identities')
        .set({ profile_id: toId })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...fromIds])
        .execute();
    },

    /** Deletes the identifiers of the given profiles; returns how many. */
    async deleteForProfiles(workspaceId: string, profileIds: readonly string[]): Promise<number> {
      if (profileIds.length === 0) return 0;
      const res = await db
        .deleteFrom('identities')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...profileIds])
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
