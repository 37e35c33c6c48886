import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { chunks, type IdentityConflictRecord, type MergeRecord } from '../records';

/** Merge records and refused identifiers: identity changes are never silent. */
export function mergesRepo(db: Kysely<Database>) {
  return {
    /** Records merges. */
    async insertMerges(workspaceId: string, merges: readonly MergeRecord[]): Promise<void> {
      for (const part of chunks(merges, 1000)) {
        await db
          .insertInto('merges')
          .values(
            part.map((m) => ({
              workspace_id: workspaceId,
              id: m.id,
              target_profile_id: m.targetProfileId,
              source_profile_id: m.sourceProfileId,
              event_seq: m.eventSeq,
              reason: JSON.stringify(m.linkedBy),
              created_at: m.createdAt,
            })),
          )
          .execute();
      }
    },

    /** Records identifiers that were refused (conflicts, limits). */
    async insertConflicts(workspaceId: string, conflicts: readonly IdentityConflictRecord[]): Promise<void> {
      for (const part of chunks(conflicts, 1000)) {
        await db
          .insertInto('identity_conflicts')
          .values(
            part.map((c) => ({
              workspace_id: workspaceId,
              id: c.id,
              profile_id: c.profileId,
              event_seq: c.eventSeq,
              identifier_type: c.identifierType,
              identifier_value: c.identifierValue,
              reason: c.reason,
              other_profile_id: c.otherProfileId,
              detail: c.detail,
              created_at: c.createdAt,
            })),
          )
          .execute();
      }
    },

    /** Merges into any of the given profiles, oldest first. */
    async mergesInto(workspaceId: string, profileIds: readonly string[]): Promise<MergeRecord[]> {
      if (profileIds.length === 0) return [];
      const rows = await db
        .selectFrom('merges')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('target_profile_id', 'in', [...profileIds])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        targetProfileId: r.target_profile_id,
        sourceProfileId: r.source_profile_id,
        eventSeq: r.event_seq,
        linkedBy: JSON.parse(r.reason) as MergeRecord['linkedBy'],
        createdAt: r.created_at,
      }));
    },

    /** Refused identifiers recorded against any of the given profiles, newest first. */
    async conflictsFor(
      workspaceId: string,
      profileIds: readonly string[],
      limit: number,
    ): Promise<IdentityConflictRecord[]> {
      if (profileIds.length === 0) return [];
      const rows = await db
        .selectFrom('identity_conflicts')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where((eb) =>
          eb.or([eb('profile_id', 'in', [...profileIds]), eb('other_profile_id', 'in', [...profileIds])]),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        profileId: r.profile_id,
        eventSeq: r.event_seq,
        identifierType: r.identifier_type,
        identifierValue: r.identifier_value,
        reason: r.reason,
        otherProfileId: r.other_profile_id,
        detail: r.detail,
        createdAt: r.created_at,
      }));
    },

    /** Removes merge and conflict records that name the given profiles (erasure). */
    async deleteForProfiles(workspaceId: string, profileIds: readonly string[]): Promise<void> {
      if (profileIds.length === 0) return;
      const ids = [...profileIds];
      await db
        .deleteFrom('merges')
        .where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or([eb('target_profile_id', 'in', ids), eb('source_profile_id', 'in', ids)]))
        .execute();
      await db
        .deleteFrom('identity_conflicts')
        .where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or([eb('profile_id', 'in', ids), eb('other_profile_id', 'in', ids)]))
        .execute();
    },
  };
}
