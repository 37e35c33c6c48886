import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** A record that an erasure happened: counts only, no personal data. */
export interface ErasureRecord {
  id: string;
  profileId: string;
  eventsDeleted: number;
  identitiesDeleted: number;
  requestedBy: string;
  createdAt: number;
}

/** The erasure log. */
export function erasuresRepo(db: Kysely<Database>) {
  return {
    /** Records an erasure. */
    async insert(workspaceId: string, e: ErasureRecord): Promise<void> {
      await db
        .insertInto('erasures')
        .values({
          workspace_id: workspaceId,
          id: e.id,
          profile_id: e.profileId,
          events_deleted: e.eventsDeleted,
          identities_deleted: e.identitiesDeleted,
          requested_by: e.requestedBy,
          created_at: e.createdAt,
        })
        .execute();
    },
  };
}
