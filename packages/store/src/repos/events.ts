import { sql, type Kysely, type Selectable } from 'kysely';
import type { IncomingEvent, MessageType } from '@omnicx/core';
import type { DialectAdapter, DirectExecutor } from '../adapter';
import type { Database } from '../schema';
import { chunks, type StoredEvent } from '../records';

const COLUMNS = 12; // bound values per inserted event row

const toStored = (r: Selectable<Database['events']>): StoredEvent => ({
  seq: r.seq,
  workspaceId: r.workspace_id,
  messageId: r.message_id,
  type: r.type as MessageType,
  name: r.name,
  userId: r.user_id,
  anonymousId: r.anonymous_id,
  profileId: r.profile_id,
  channel: r.channel,
  touchpoint: r.touchpoint,
  timestamp: r.timestamp,
  receivedAt: r.received_at,
  payload: r.payload,
});

/** Cursor for paging a timeline newest-first: events strictly older than (timestamp, seq). */
export interface TimelineCursor {
  timestamp: number;
  seq: number;
}

/** One event written by `append`: its position in the log and its index in the appended list. */
export interface AppendedEvent {
  seq: number;
  index: number;
}

/** The event log: append-only, ordered by seq, de-duplicated by (workspace, messageId). */
const APPEND_ONE =
  'insert into events (workspace_id, message_id, type, name, user_id, anonymous_id, profile_id, channel, ' +
  'touchpoint, "timestamp", received_at, payload) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
  'on conflict (workspace_id, message_id) do nothing returning seq';
const ASSIGN_ONE = 'update events set profile_id = ? where seq = ? and workspace_id = ?';

export function eventsRepo(db: Kysely<Database>, adapter: DialectAdapter, direct?: DirectExecutor) {
  return {
    /**
     * Appends events; a messageId already stored (or repeated within the call) is ignored.
     * Call inside a transaction: the append lock keeps seq order equal to commit order.
     */
    async append(
      workspaceId: string,
      events: readonly IncomingEvent[],
      /** The profile of each event, for events omnicx writes for a known profile (else unassigned). */
      profileIds?: readonly (string | null)[],
    ): Promise<{ inserted: number; appended: AppendedEvent[] }> {
      await adapter.lockAppends(db);
      const appended: AppendedEvent[] = [];
      if (direct) {
        events.forEach((e, index) => {
          const r = direct.get<{ seq: number }>(APPEND_ONE, [
            workspaceId,
            e.messageId,
            e.type,
            e.name,
            e.userId,
            e.anonymousId,
            profileIds?.[index] ?? null,
            e.channel,
            e.touchpoint,
            e.timestamp,
            e.receivedAt,
            e.json,
          ]);
          if (r) appended.push({ seq: r.seq, index });
        });
        return { inserted: appended.length, appended };
      }
      // First index of each messageId: RETURNING gives no order guarantee on SQLite, so rows map back by id.
      const indexOf = new Map<string, number>();
      events.forEach((e, i) => {
        if (!indexOf.has(e.messageId)) indexOf.set(e.messageId, i);
      });
      for (const part of chunks(events, Math.floor(adapter.maxParams / COLUMNS))) {
        const rows = await db
          .insertInto('events')
          .values(
            part.map((e) => ({
              workspace_id: workspaceId,
              message_id: e.messageId,
              profile_id: profileIds?.[indexOf.get(e.messageId)!] ?? null,
              type: e.type,
              name: e.name,
              user_id: e.userId,
              anonymous_id: e.anonymousId,
              channel: e.channel,
              touchpoint: e.touchpoint,
              timestamp: e.timestamp,
              received_at: e.receivedAt,
              payload: e.json,
            })),
          )
          .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).doNothing())
          .returning(['seq', 'message_id'])
          .execute();
        for (const r of rows) appended.push({ seq: Number(r.seq), index: indexOf.get(r.message_id)! });
      }
      appended.sort((a, b) => a.seq - b.seq);
      return { inserted: appended.length, appended };
    },

    /** Up to `limit` events after `afterSeq`, in log order. */
    async readAfter(workspaceId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(toStored);
    },

    /** Number of events after `afterSeq` (the pipeline's lag). */
    async countAfter(workspaceId: string, afterSeq: number): Promise<number> {
      const r = await db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('seq', '>', afterSeq)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Records which profile each event landed on. */
    async assignProfiles(
      workspaceId: string,
      pairs: readonly { seq: number; profileId: string }[],
    ): Promise<void> {
      if (direct) {
        for (const p of pairs) direct.run(ASSIGN_ONE, [p.profileId, p.seq, workspaceId]);
        return;
      }
      // One statement per chunk (CASE over seq) instead of one UPDATE per event: this is the pipeline's hot path.
      for (const part of chunks(pairs, 500)) {
        const cases = sql.join(
          part.map((p) => sql`when ${p.seq} then ${p.profileId}`),
          sql` `,
        );
        await db
          .updateTable('events')
          .set({ profile_id: sql<string>`case seq ${cases} end` })
          .where('workspace_id', '=', workspaceId)
          .where(
            'seq',
            'in',
            part.map((p) => p.seq),
          )
          .execute();
      }
    },

    /** Moves the events of merged-away profiles onto the surviving profile. */
    async reassignProfiles(workspaceId: string, fromIds: readonly string[], toId: string): Promise<void> {
      if (fromIds.length === 0) return;
      await db
        .updateTable('events')
        .set({ profile_id: toId })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...fromIds])
        .execute();
    },

    /** One profile's events across every channel, newest first. */
    async timeline(
      workspaceId: string,
      profileId: string,
      opts: { limit: number; before?: TimelineCursor; channel?: string; type?: string },
    ): Promise<StoredEvent[]> {
      let q = db
        .selectFrom('events')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId);
      if (opts.before) {
        const b = opts.before;
        q = q.where((eb) =>
          eb.or([
            eb('timestamp', '<', b.timestamp),
            eb.and([eb('timestamp', '=', b.timestamp), eb('seq', '<', b.seq)]),
          ]),
        );
      }
      if (opts.channel) q = q.where('channel', '=', opts.channel);
      if (opts.type) q = q.where('type', '=', opts.type);
      const rows = await q.orderBy('timestamp', 'desc').orderBy('seq', 'desc').limit(opts.limit).execute();
      return rows.map(toStored);
    },

    /** Every event of the given profiles, oldest first (for export). */
    async allForProfiles(workspaceId: string, profileIds: readonly string[]): Promise<StoredEvent[]> {
      if (profileIds.length === 0) return [];
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...profileIds])
        .orderBy('timestamp')
        .orderBy('seq')
        .execute();
      return rows.map(toStored);
    },

    /** Deletes the events of the given profiles (erasure); returns how many. */
    async deleteForProfiles(workspaceId: string, profileIds: readonly string[]): Promise<number> {
      if (profileIds.length === 0) return 0;
      const res = await db
        .deleteFrom('events')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...profileIds])
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },

    /**
     * Events per day and channel with timestamp in [from, to) (the console dashboard). Days are counted in
     * whole days since the epoch after shifting by `offsetMs` (the viewer's UTC offset), so `day * 86400000 -
     * offsetMs` is the local midnight the day starts at.
     */
    async countsByDayAndChannel(
      workspaceId: string,
      from: number,
      to: number,
      offsetMs = 0,
    ): Promise<{ day: number; channel: string; count: number }[]> {
      const day = sql<number>`(${sql.ref('timestamp')} + ${sql.lit(Math.trunc(offsetMs))}) / 86400000`;
      const rows = await db
        .selectFrom('events')
        .select([day.as('day'), 'channel', (eb) => eb.fn.countAll<number>().as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('timestamp', '>=', from)
        .where('timestamp', '<', to)
        .groupBy([day, 'channel'])
        .execute();
      return rows.map((r) => ({ day: Math.floor(Number(r.day)), channel: r.channel, count: Number(r.n) }));
    },

    /** Events stored per message id (for checks and tests: every acknowledged message is stored once). */
    async countByMessageIds(
      workspaceId: string,
      messageIds: readonly string[],
    ): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      for (const part of chunks(messageIds, 5000)) {
        const rows = await db
          .selectFrom('events')
          .select(['message_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('workspace_id', '=', workspaceId)
          .where('message_id', 'in', part)
          .groupBy('message_id')
          .execute();
        for (const r of rows) out.set(r.message_id, Number(r.n));
      }
      return out;
    },
  };
}
