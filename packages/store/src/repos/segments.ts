import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../schema';
import { chunks } from '../records';

/** A segment (dynamic: a rule evaluated in real time) or a static list. */
export interface SegmentRecord {
  id: string;
  kind: 'dynamic' | 'list';
  name: string;
  description: string;
  /** The rule (core's RuleNode) of a dynamic segment; null for a list. */
  rule: unknown;
  status: 'building' | 'ready';
  version: number;
  buildDone: number;
  buildTotal: number;
  /** The last profile id the background build has evaluated (it walks profiles in id order). */
  buildCursor: string | null;
  size: number;
  createdAt: number;
  updatedAt: number;
}

const toSegment = (r: Selectable<Database['segments']>): SegmentRecord => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  description: r.description,
  rule: r.rule === null ? null : (JSON.parse(r.rule) as unknown),
  status: r.status,
  version: Number(r.version),
  buildDone: Number(r.build_done),
  buildTotal: Number(r.build_total),
  buildCursor: r.build_cursor,
  size: Number(r.size),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Segments, lists, their members and their size over time. */
export function segmentsRepo(db: Kysely<Database>) {
  return {
    async list(workspaceId: string): Promise<SegmentRecord[]> {
      const rows = await db
        .selectFrom('segments')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toSegment);
    },

    async get(workspaceId: string, id: string): Promise<SegmentRecord | undefined> {
      const r = await db
        .selectFrom('segments')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toSegment(r) : undefined;
    },

    /** Inserts or replaces a segment's definition and state. */
    async put(workspaceId: string, s: SegmentRecord): Promise<void> {
      const row = {
        workspace_id: workspaceId,
        id: s.id,
        kind: s.kind,
        name: s.name,
        description: s.description,
        rule: s.rule === null ? null : JSON.stringify(s.rule),
        status: s.status,
        version: s.version,
        build_done: s.buildDone,
        build_total: s.buildTotal,
        build_cursor: s.buildCursor,
        size: s.size,
        created_at: s.createdAt,
        updated_at: s.updatedAt,
      };
      await db
        .insertInto('segments')
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet({ ...row }))
        .execute();
    },

    /** Records build progress; ignored if the segment moved to another version meanwhile. */
    async setBuild(
      workspaceId: string,
      id: string,
      version: number,
      b: { done: number; total: number; cursor: string | null; status: 'building' | 'ready' },
    ): Promise<boolean> {
      const r = await db
        .updateTable('segments')
        .set({ build_done: b.done, build_total: b.total, build_cursor: b.cursor, status: b.status })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async delete(workspaceId: string, id: string): Promise<void> {
      await db
        .deleteFrom('segment_members')
        .where('workspace_id', '=', workspaceId)
        .where('segment_id', '=', id)
        .execute();
      await db
        .deleteFrom('segment_sizes')
        .where('workspace_id', '=', workspaceId)
        .where('segment_id', '=', id)
        .execute();
      await db.deleteFrom('segments').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    },

    /** Adds members (already members keep their `since`); returns how many were new. */
    async addMembers(
      workspaceId: string,
      segmentId: string,
      profileIds: readonly string[],
      since: number,
    ): Promise<number> {
      let added = 0;
      for (const part of chunks([...new Set(profileIds)], 2000)) {
        const r = await db
          .insertInto('segment_members')
          .values(
            part.map((p) => ({ workspace_id: workspaceId, segment_id: segmentId, profile_id: p, since })),
          )
          .onConflict((oc) => oc.columns(['workspace_id', 'segment_id', 'profile_id']).doNothing())
          .executeTakeFirst();
        added += Number(r.numInsertedOrUpdatedRows ?? 0);
      }
      if (added) await adjustSize(db, workspaceId, segmentId, added);
      return added;
    },

    /** Removes members; returns how many were members. */
    async removeMembers(
      workspaceId: string,
      segmentId: string,
      profileIds: readonly string[],
    ): Promise<number> {
      let removed = 0;
      for (const part of chunks([...new Set(profileIds)], 2000)) {
        const r = await db
          .deleteFrom('segment_members')
          .where('workspace_id', '=', workspaceId)
          .where('segment_id', '=', segmentId)
          .where('profile_id', 'in', part)
          .executeTakeFirst();
        removed += Number(r.numDeletedRows);
      }
      if (removed) await adjustSize(db, workspaceId, segmentId, -removed);
      return removed;
    },

    /** Which of these profiles are members of the segment. */
    async membersAmong(
      workspaceId: string,
      segmentId: string,
      profileIds: readonly string[],
    ): Promise<Set<string>> {
      const out = new Set<string>();
      for (const part of chunks([...new Set(profileIds)], 2000)) {
        const rows = await db
          .selectFrom('segment_members')
          .select('profile_id')
          .where('workspace_id', '=', workspaceId)
          .where('segment_id', '=', segmentId)
          .where('profile_id', 'in', part)
          .execute();
        for (const r of rows) out.add(r.profile_id);
      }
      return out;
    },

    /** Members in profile id order after `after` (keyset paging). */
    async members(
      workspaceId: string,
      segmentId: string,
      opts: { limit: number; after?: string },
    ): Promise<{ profileId: string; since: number }[]> {
      let q = db
        .selectFrom('segment_members')
        .select(['profile_id', 'since'])
        .where('workspace_id', '=', workspaceId)
        .where('segment_id', '=', segmentId);
      if (opts.after !== undefined) q = q.where('profile_id', '>', opts.after);
      const rows = await q.orderBy('profile_id').limit(opts.limit).execute();
      return rows.map((r) => ({ profileId: r.profile_id, since: Number(r.since) }));
    },

    /** The segments and lists one profile is in, with since when. */
    async ofProfile(workspaceId: string, profileId: string): Promise<{ segmentId: string; since: number }[]> {
      const rows = await db
        .selectFrom('segment_members')
        .select(['segment_id', 'since'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .orderBy('segment_id')
        .execute();
      return rows.map((r) => ({ segmentId: r.segment_id, since: Number(r.since) }));
    },

    /** Moves memberships of merged-away profiles to the survivor (keeping the earliest `since`). */
    async reassignMembers(workspaceId: string, fromIds: readonly string[], toId: string): Promise<void> {
      if (fromIds.length === 0) return;
      const rows = await db
        .selectFrom('segment_members')
        .select(['segment_id', 'since'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...fromIds])
        .execute();
      await db
        .deleteFrom('segment_members')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...fromIds])
        .execute();
      for (const r of rows) {
        const added = await db
          .insertInto('segment_members')
          .values({ workspace_id: workspaceId, segment_id: r.segment_id, profile_id: toId, since: r.since })
          .onConflict((oc) => oc.columns(['workspace_id', 'segment_id', 'profile_id']).doNothing())
          .executeTakeFirst();
        if (Number(added.numInsertedOrUpdatedRows ?? 0) === 0)
          await adjustSize(db, workspaceId, r.segment_id, -1);
      }
    },

    /** Deletes the memberships of erased profiles. */
    async deleteForProfiles(workspaceId: string, profileIds: readonly string[]): Promise<void> {
      if (profileIds.length === 0) return;
      const rows = await db
        .selectFrom('segment_members')
        .select(['segment_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...profileIds])
        .groupBy('segment_id')
        .execute();
      await db
        .deleteFrom('segment_members')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...profileIds])
        .execute();
      for (const r of rows) await adjustSize(db, workspaceId, r.segment_id, -Number(r.n));
    },

    /** Records the current size in the hour's bucket (size over time). */
    async recordSize(workspaceId: string, segmentId: string, at: number): Promise<void> {
      const s = await db
        .selectFrom('segments')
        .select('size')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', segmentId)
        .executeTakeFirst();
      if (!s) return;
      const hour = Math.floor(at / 3_600_000) * 3_600_000;
      await db
        .insertInto('segment_sizes')
        .values({ workspace_id: workspaceId, segment_id: segmentId, hour, size: Number(s.size) })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'segment_id', 'hour']).doUpdateSet({ size: Number(s.size) }),
        )
        .execute();
    },

    /** Size per hour between two times, oldest first. */
    async sizes(
      workspaceId: string,
      segmentId: string,
      from: number,
      to: number,
    ): Promise<{ at: number; size: number }[]> {
      const rows = await db
        .selectFrom('segment_sizes')
        .select(['hour', 'size'])
        .where('workspace_id', '=', workspaceId)
        .where('segment_id', '=', segmentId)
        .where('hour', '>=', Math.floor(from / 3_600_000) * 3_600_000)
        .where('hour', '<=', to)
        .orderBy('hour')
        .execute();
      return rows.map((r) => ({ at: Number(r.hour), size: Number(r.size) }));
    },
  };
}

async function adjustSize(
  db: Kysely<Database>,
  workspaceId: string,
  segmentId: string,
  delta: number,
): Promise<void> {
  await db
    .updateTable('segments')
    .set({ size: sql<number>`size + ${delta}` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', segmentId)
    .execute();
}

/** A named JSON definition (computed trait or score model), validated by core before it is stored. */
export interface DefinitionRecord {
  id: string;
  name: string;
  definition: unknown;
  createdAt: number;
  updatedAt: number;
}

const toDefinition = (r: Selectable<Database['computed_traits']>): DefinitionRecord => ({
  id: r.id,
  name: r.name,
  definition: JSON.parse(r.definition) as unknown,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Computed traits or score models (same shape, one table each). */
export function definitionsRepo(db: Kysely<Database>, table: 'computed_traits' | 'score_models') {
  return {
    async list(workspaceId: string): Promise<DefinitionRecord[]> {
      const rows = await db
        .selectFrom(table)
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toDefinition);
    },
    async get(workspaceId: string, id: string): Promise<DefinitionRecord | undefined> {
      const r = await db
        .selectFrom(table)
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toDefinition(r) : undefined;
    },
    async put(workspaceId: string, d: DefinitionRecord): Promise<void> {
      const row = {
        workspace_id: workspaceId,
        id: d.id,
        name: d.name,
        definition: JSON.stringify(d.definition),
        created_at: d.createdAt,
        updated_at: d.updatedAt,
      };
      await db
        .insertInto(table)
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet({ ...row }))
        .execute();
    },
    async delete(workspaceId: string, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom(table)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

/** A persona: a named archetype defined by a segment. */
export interface PersonaRecord {
  id: string;
  name: string;
  description: string;
  goals: string[];
  criticalNeeds: string[];
  preferredChannels: string[];
  imageUrl: string | null;
  segmentId: string;
  createdAt: number;
  updatedAt: number;
}

export function personasRepo(db: Kysely<Database>) {
  const toPersona = (r: Selectable<Database['personas']>): PersonaRecord => ({
    id: r.id,
    name: r.name,
    description: r.description,
    goals: JSON.parse(r.goals) as string[],
    criticalNeeds: JSON.parse(r.critical_needs) as string[],
    preferredChannels: JSON.parse(r.preferred_channels) as string[],
    imageUrl: r.image_url,
    segmentId: r.segment_id,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  });
  return {
    async list(workspaceId: string): Promise<PersonaRecord[]> {
      const rows = await db
        .selectFrom('personas')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toPersona);
    },
    async get(workspaceId: string, id: string): Promise<PersonaRecord | undefined> {
      const r = await db
        .selectFrom('personas')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toPersona(r) : undefined;
    },
    async put(workspaceId: string, p: PersonaRecord): Promise<void> {
      const row = {
        workspace_id: workspaceId,
        id: p.id,
        name: p.name,
        description: p.description,
        goals: JSON.stringify(p.goals),
        critical_needs: JSON.stringify(p.criticalNeeds),
        preferred_channels: JSON.stringify(p.preferredChannels),
        image_url: p.imageUrl,
        segment_id: p.segmentId,
        created_at: p.createdAt,
        updated_at: p.updatedAt,
      };
      await db
        .insertInto('personas')
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet({ ...row }))
        .execute();
    },
    async delete(workspaceId: string, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom('personas')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
