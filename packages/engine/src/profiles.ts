import { normalizeIdentifier, type ChannelStat, type Identifier, type Result } from '@omnicx/core';
import type { IdentityConflictRecord, MergeRecord, ProfileRecord, Store, StoredEvent } from '@omnicx/store';
import type { Clock } from './ports';
import type { Pipeline } from './pipeline';
import type { WorkspaceService } from './workspaces';
import { newId } from './ids';
import { SEGMENT_RECHECK } from './segment-runtime';
import { AUTOMATION_TIMER } from './automation-runtime';

/** A profile as the API shows it. */
export interface ProfileView {
  id: string;
  identities: Identifier[];
  traits: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
  eventCount: number;
  channels: ChannelView[];
  /** Ids of profiles merged into this one; they still resolve here. */
  mergedFrom: string[];
}

/** How a profile used one channel (or one touchpoint of it). */
export type ChannelView = Omit<ChannelStat, 'firstSeenAt' | 'lastSeenAt'> & {
  firstSeenAt: string;
  lastSeenAt: string;
};

/** One event on a customer's timeline. */
export interface TimelineEntry {
  id: string;
  messageId: string;
  type: string;
  event: string | null;
  channel: string;
  touchpoint: string | null;
  timestamp: string;
  receivedAt: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function entry(e: StoredEvent): TimelineEntry {
  const m = JSON.parse(e.payload) as Record<string, unknown>;
  const o = (v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  return {
    id: String(e.seq),
    messageId: e.messageId,
    type: e.type,
    event: e.name,
    channel: e.channel,
    touchpoint: e.touchpoint,
    timestamp: iso(e.timestamp),
    receivedAt: iso(e.receivedAt),
    properties: o(m.properties),
    traits: o(m.traits),
    context: o(m.context),
  };
}

/** Encodes a timeline position for `before=`. */
const encodeCursor = (e: StoredEvent) => `${e.timestamp}_${e.seq}`;

/** Reading, searching, exporting and erasing profiles (the profile API's engine side). */
export class ProfileService {
  constructor(
    private readonly store: Store,
    private readonly workspaces: WorkspaceService,
    private readonly pipeline: Pipeline,
    private readonly clock: Clock,
  ) {}

  async #view(workspaceId: string, p: ProfileRecord): Promise<ProfileView> {
    const mergedFrom = await this.store.profiles.mergedInto(workspaceId, p.id);
    const identities = (await this.store.identities.ofProfiles(workspaceId, [p.id])).map(
      ({ type, value }) => ({ type, value }),
    );
    return {
      id: p.id,
      identities,
      traits: p.traits,
      firstSeenAt: iso(p.firstSeenAt),
      lastSeenAt: iso(p.lastSeenAt),
      eventCount: p.eventCount,
      channels: Object.values(p.channels)
        .sort((a, b) => b.lastSeenAt - a.lastSeenAt)
        .map((c) => ({ ...c, firstSeenAt: iso(c.firstSeenAt), lastSeenAt: iso(c.lastSeenAt) })),
      mergedFrom,
    };
  }

  /** The profile holding an identifier (normalized the way ingestion normalizes it), or a not-found error. */
  async lookup(workspaceId: string, type: string, value: string): Promise<Result<ProfileView>> {
    const config = await this.workspaces.identityConfig(workspaceId);
    const n = normalizeIdentifier(type, value, config);
    if (!n.ok)
      return {
        ok: false,
        error: {
          code: 'invalid_identifier',
          message: `${type} "${value}" is not usable as an identifier: ${n.detail}`,
          field: type,
        },
      };
    const [row] = await this.store.identities.findOwners(workspaceId, [n.identifier]);
    const p = row && (await this.store.profiles.get(workspaceId, row.profileId));
    if (!p) return notFound(`no profile has ${type} ${n.identifier.value}`);
    return { ok: true, value: await this.#view(workspaceId, p) };
  }

  /** A profile by id; an id that was merged away resolves to the surviving profile. */
  async get(workspaceId: string, id: string): Promise<Result<ProfileView>> {
    const p = await this.store.profiles.get(workspaceId, id);
    if (!p) return notFound(`profile ${id} does not exist`);
    return { ok: true, value: await this.#view(workspaceId, p) };
  }

  /** The cross-channel timeline, newest first. `before` is a cursor from `next`, or an ISO date. */
  async timeline(
    workspaceId: string,
    id: string,
    opts: {
      limit: number;
      before?: string | undefined;
      channel?: string | undefined;
      type?: string | undefined;
    },
  ): Promise<Result<{ profileId: string; events: TimelineEntry[]; next: string | null }>> {
    const p = await this.store.profiles.get(workspaceId, id);
    if (!p) return notFound(`profile ${id} does not exist`);
    let before: { timestamp: number; seq: number } | undefined;
    if (opts.before) {
      const m = /^(\d+)_(\d+)$/.exec(opts.before);
      if (m) before = { timestamp: Number(m[1]), seq: Number(m[2]) };
      else {
        const t = Date.parse(opts.before);
        if (Number.isNaN(t)) {
          return {
            ok: false,
            error: {
              code: 'invalid_field',
              field: 'before',
              message: 'before must be the `next` value of a previous page or an ISO-8601 date-time',
            },
          };
        }
        before = { timestamp: t, seq: 0 };
      }
    }
    const rows = await this.store.events.timeline(workspaceId, p.id, {
      limit: opts.limit + 1,
      before,
      channel: opts.channel,
      type: opts.type,
    });
    const page = rows.slice(0, opts.limit);
    const next = rows.length > opts.limit ? encodeCursor(page[page.length - 1]!) : null;
    return { ok: true, value: { profileId: p.id, events: page.map(entry), next } };
  }

  /**
   * Searches live profiles: `q` matches the start of any identifier (email, phone, user id...), `trait`
   * is an exact `key:value` match. Pages newest activity first with the returned `next`.
   */
  async search(
    workspaceId: string,
    opts: {
      q?: string | undefined;
      trait?: { key: string; value: string } | undefined;
      limit: number;
      cursor?: string | undefined;
    },
  ): Promise<Result<{ profiles: ProfileView[]; next: string | null }>> {
    let ids: string[] | undefined;
    if (opts.q) {
      const q = opts.q.trim();
      const config = await this.workspaces.identityConfig(workspaceId);
      // Search both as typed and normalized as an email/phone would be (Persian digits, case, +98...).
      const candidates = new Set([q, q.toLowerCase()]);
      for (const t of ['email', 'phone']) {
        const n = normalizeIdentifier(t, q, config);
        if (n.ok) candidates.add(n.identifier.value);
      }
      const found = new Set<string>();
      for (const c of candidates)
        for (const r of await this.store.identities.findByValuePrefix(workspaceId, c, 1000))
          found.add(r.profileId);
      ids = [...found];
    }
    let before: { lastSeenAt: number; id: string } | undefined;
    if (opts.cursor) {
      const m = /^(\d+)_(.+)$/.exec(opts.cursor);
      if (!m)
        return {
          ok: false,
          error: {
            code: 'invalid_field',
            field: 'cursor',
            message: 'cursor must be the `next` value of a previous page',
          },
        };
      before = { lastSeenAt: Number(m[1]), id: m[2]! };
    }
    const rows = await this.store.profiles.search(workspaceId, {
      trait: opts.trait,
      ids,
      before,
      limit: opts.limit + 1,
    });
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    const next = rows.length > opts.limit && last ? `${last.lastSeenAt}_${last.id}` : null;
    const profiles: ProfileView[] = [];
    for (const p of page) profiles.push(await this.#view(workspaceId, p));
    return { ok: true, value: { profiles, next } };
  }

  /** Everything stored about one person (data portability). */
  async export(
    workspaceId: string,
    id: string,
  ): Promise<
    Result<{
      profile: ProfileView;
      events: TimelineEntry[];
      merges: MergeRecord[];
      identityConflicts: IdentityConflictRecord[];
      exportedAt: string;
    }>
  > {
    const r = await this.get(workspaceId, id);
    if (!r.ok) return r;
    const ids = [r.value.id, ...r.value.mergedFrom];
    const events = (await this.store.events.allForProfiles(workspaceId, ids)).map(entry);
    const merges = await this.store.merges.mergesInto(workspaceId, ids);
    const identityConflicts = await this.store.merges.conflictsFor(workspaceId, ids, 10000);
    return {
      ok: true,
      value: { profile: r.value, events, merges, identityConflicts, exportedAt: iso(this.clock.now()) },
    };
  }

  /** Merge history and refused identifiers of a profile. */
  async identityHistory(
    workspaceId: string,
    id: string,
  ): Promise<Result<{ merges: MergeRecord[]; conflicts: IdentityConflictRecord[] }>> {
    const r = await this.get(workspaceId, id);
    if (!r.ok) return r;
    const ids = [r.value.id, ...r.value.mergedFrom];
    return {
      ok: true,
      value: {
        merges: await this.store.merges.mergesInto(workspaceId, ids),
        conflicts: await this.store.merges.conflictsFor(workspaceId, ids, 200),
      },
    };
  }

  /**
   * Erases a person: the profile, every profile merged into it, their identifiers, events and merge records.
   * Runs between pipeline batches so the pipeline cannot write a stale copy back. Only counts are kept.
   */
  async erase(
    workspaceId: string,
    id: string,
    requestedBy: string,
  ): Promise<Result<{ profileId: string; eventsDeleted: number; identitiesDeleted: number }>> {
    // Reads and deletes in one transaction: ingest may resolve events onto this profile in its own
    // transactions at any moment, and the pipeline loop is held off by `exclusive`.
    return this.pipeline.exclusive(() =>
      this.store.transaction(async (tx) => {
        const p = await tx.profiles.get(workspaceId, id);
        if (!p) return notFound(`profile ${id} does not exist`);
        const ids = [p.id, ...(await tx.profiles.mergedInto(workspaceId, p.id))];
        const eventsDeleted = await tx.events.deleteForProfiles(workspaceId, ids);
        const identitiesDeleted = await tx.identities.deleteForProfiles(workspaceId, ids);
        await tx.merges.deleteForProfiles(workspaceId, ids);
        await tx.segments.deleteForProfiles(workspaceId, ids);
        // Survey responses and feedback records are personal data too.
        await tx.surveys.deleteForProfiles(workspaceId, ids);
        await tx.feedback.deleteForProfiles(workspaceId, ids);
        await tx.messaging.deleteConsents(workspaceId, ids);
        await tx.messaging.deletePushForProfiles(workspaceId, ids);
        await tx.messaging.deleteDeliveries(workspaceId, ids);
        for (const pid of ids) await tx.jobs.cancel(workspaceId, SEGMENT_RECHECK, pid);
        // Process instances, their history and timers go too (effects already sent stay in the outbox log).
        for (const pid of ids)
          for (const instanceId of await tx.processes.deleteForProfile(workspaceId, pid))
            await tx.jobs.cancel(workspaceId, AUTOMATION_TIMER, instanceId);
        await tx.profiles.deleteMany(workspaceId, ids);
        await tx.erasures.insert(workspaceId, {
          id: newId('era'),
          profileId: p.id,
          eventsDeleted,
          identitiesDeleted,
          requestedBy,
          createdAt: this.clock.now(),
        });
        return { ok: true as const, value: { profileId: p.id, eventsDeleted, identitiesDeleted } };
      }),
    );
  }
}

function notFound(message: string): Result<never> {
  return { ok: false, error: { code: 'not_found', message } };
}
