import {
  USER_ID,
  applyEvent,
  extractIdentifiers,
  mergeProfileStates,
  newProfileState,
  resolveIdentity,
  type Identifier,
  type IdentityConfig,
  type IncomingEvent,
  type ProfileIdentities,
  type ProfileState,
} from '@omnicx/core';
import type { IdentityConflictRecord, MergeRecord, ProfileRecord, Store, StoreTx } from '@omnicx/store';
import type { Clock, Logger, Metrics } from './ports';
import type { WorkspaceService } from './workspaces';
import { eventFromStored } from './stored-event';
import { newId } from './ids';

export const PIPELINE_CONSUMER = 'pipeline';

const key = (i: Identifier) => `${i.type}\u0000${i.value}`;

interface Working {
  state: ProfileState;
  createdAt: number;
  mergedInto: string | null;
  dirty: boolean;
}

/** What one batch decided, ready to write in one transaction. */
interface BatchWrites {
  profiles: Map<string, Working>;
  /** Profiles that existed before this batch and were merged away, with their survivor. */
  mergedAway: Map<string, string>;
  newIdentities: { type: string; value: string; profileId: string }[];
  assignments: { seq: number; profileId: string }[];
  merges: MergeRecord[];
  conflicts: IdentityConflictRecord[];
}

/**
 * The event pipeline (ARCHITECTURE steps 2–4): reads the log in order from a stored cursor, resolves each
 * event to one profile (merging when rules allow), updates the profile, and moves the cursor — all of a
 * batch in one transaction, so a crash at any point resumes from the cursor without loss or double counting.
 *
 * A batch is processed in memory: one query loads the owners of every identifier in the batch, one loads
 * those profiles, then pure core functions decide each event in order, and the results are written with a
 * handful of set-based statements. Per-event queries would cap throughput at a few thousand events/s.
 */
export class Pipeline {
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = true;
  #timer: NodeJS.Timeout | null = null;
  #wake: (() => void) | null = null;
  #failures = 0;
  #lock: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly workspaces: WorkspaceService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly opts: { batchSize: number; pollMs: number } = { batchSize: 1000, pollMs: 1000 },
  ) {}

  /** Starts processing: now, after every commit (notify), and on a poll for events written by other processes. */
  start(): void {
    this.#stopped = false;
    const tick = () => {
      this.notify();
      if (!this.#stopped) this.#timer = setTimeout(tick, this.opts.pollMs).unref();
    };
    tick();
  }

  /** Stops after the batch in progress has committed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake?.();
    await this.#running;
  }

  /** Asks for a processing run (cheap; runs coalesce). */
  notify(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = null;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        this.notify();
      }
    });
  }

  /** Processes until every committed event is processed (tests, benchmarks, CLI import). */
  async drain(): Promise<void> {
    await this.#running;
    while ((await this.runOnce()) > 0);
  }

  /**
   * Runs `fn` while no batch is being processed, so an operation that rewrites profiles (erasure) never
   * races the pipeline writing a stale copy back.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn);
    this.#lock = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** Processes one batch per workspace; returns the number of events processed. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (const w of await this.workspaces.list()) {
      total += await this.exclusive(() => this.#processBatch(w.id));
    }
    return total;
  }

  /** Events committed but not yet processed, per workspace (the pipeline lag). */
  async lag(): Promise<number> {
    let n = 0;
    for (const w of await this.workspaces.list()) {
      n += await this.store.events.countAfter(w.id, await this.store.cursors.get(w.id, PIPELINE_CONSUMER));
    }
    return n;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      let processed: number;
      try {
        processed = await this.runOnce();
        this.#failures = 0;
      } catch (e) {
        // Nothing of the failed batch committed; retry with backoff (the cursor did not move).
        this.#failures++;
        this.metrics.pipelineError();
        const delay = Math.min(30000, 100 * 2 ** Math.min(this.#failures, 9));
        this.logger.error({ err: e, retryInMs: delay }, 'pipeline batch failed');
        // stop() ends the wait at once: a failing database must not hold up a graceful shutdown.
        await new Promise<void>((r) => {
          const t = setTimeout(r, delay);
          this.#wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.#wake = null;
        continue;
      }
      if (processed === 0) return;
    }
  }

  async #processBatch(workspaceId: string): Promise<number> {
    const started = performance.now();
    const cursor = await this.store.cursors.get(workspaceId, PIPELINE_CONSUMER);
    const rows = await this.store.events.readAfter(workspaceId, cursor, this.opts.batchSize);
    if (rows.length === 0) return 0;
    const config = await this.workspaces.identityConfig(workspaceId);
    const items = rows.map((r) => ({ seq: r.seq, event: eventFromStored(r) }));
    const writes = await this.#decide(this.store, workspaceId, items, config);
    const last = rows[rows.length - 1]!.seq;
    const committed = await this.store.transaction(async (tx) => {
      // Compare-and-set first: if ingest processed these events in its own transaction meanwhile (or another
      // process did), this batch was decided on stale state and must not be written.
      if (!(await tx.cursors.advance(workspaceId, PIPELINE_CONSUMER, cursor, last, this.clock.now())))
        return false;
      await this.#write(tx, workspaceId, writes);
      return true;
    });
    if (!committed) return 0;
    this.#count(writes, rows.length, started);
    return rows.length;
  }

  /**
   * Processes events inside the transaction that appended them (ingest calls this), when nothing older is
   * waiting: the events are resolved and their profiles updated before the commit, so the log is never read
   * back and each batch costs one commit instead of two. Returns false (and writes nothing) when there is a
   * backlog or another writer moved the cursor; the events then wait for the pipeline loop as usual.
   */
  async processAppended(
    tx: StoreTx,
    workspaceId: string,
    items: readonly { seq: number; event: IncomingEvent }[],
  ): Promise<boolean> {
    if (items.length === 0 || this.#stopped) return false;
    const started = performance.now();
    const first = items[0]!.seq;
    const last = items[items.length - 1]!.seq;
    const cursor = await tx.cursors.get(workspaceId, PIPELINE_CONSUMER);
    const next = await tx.events.readAfter(workspaceId, cursor, 1);
    if (next[0]?.seq !== first) return false; // older events are still waiting: keep log order
    if (!(await tx.cursors.advance(workspaceId, PIPELINE_CONSUMER, cursor, last, this.clock.now())))
      return false;
    const config = await this.workspaces.identityConfig(workspaceId, tx);
    const writes = await this.#decide(tx, workspaceId, items, config);
    await this.#write(tx, workspaceId, writes);
    this.#count(writes, items.length, started);
    return true;
  }

  async #write(tx: StoreTx, workspaceId: string, writes: BatchWrites): Promise<void> {
    const now = this.clock.now();
    for (const [to, from] of sourcesByTarget(writes.mergedAway)) {
      await tx.identities.reassign(workspaceId, from, to);
      await tx.events.reassignProfiles(workspaceId, from, to);
      await tx.profiles.markMerged(workspaceId, from, to, now);
    }
    await tx.profiles.upsertMany(
      workspaceId,
      [...writes.profiles.values()].filter((w) => w.dirty).map((w) => toRecord(w, now)),
    );
    await tx.identities.insertMany(workspaceId, writes.newIdentities, now);
    await tx.events.assignProfiles(workspaceId, writes.assignments);
    await tx.merges.insertMerges(workspaceId, writes.merges);
    await tx.merges.insertConflicts(workspaceId, writes.conflicts);
  }

  #count(writes: BatchWrites, events: number, started: number): void {
    this.metrics.eventsProcessed(events);
    this.metrics.identityMerges(writes.merges.length);
    this.metrics.identityConflicts(writes.conflicts.length);
    this.metrics.pipelineBatch(performance.now() - started, events);
  }

  /** Decides every event of the batch in memory (identity resolution + profile update). */
  async #decide(
    reader: Pick<StoreTx, 'identities' | 'profiles'>,
    workspaceId: string,
    items: readonly { seq: number; event: IncomingEvent }[],
    config: IdentityConfig,
  ): Promise<BatchWrites> {
    const now = this.clock.now();
    const events = items.map((x) => x.event);

    // alias: previousId is a user_id when one is known, otherwise an anonymous_id.
    const aliasPrev = events
      .filter((e) => e.type === 'alias' && e.previousId)
      .map((e) => ({ type: USER_ID, value: e.previousId! }));
    const knownUserIds = new Set(
      (await reader.identities.findOwners(workspaceId, aliasPrev)).map((r) => r.value),
    );
    const extracted = events.map((e) =>
      extractIdentifiers(
        e,
        config,
        e.type === 'alias' && e.previousId && knownUserIds.has(e.previousId)
          ? { previousIdType: USER_ID }
          : undefined,
      ),
    );
    const perEvent = extracted.map((x) => x.identifiers);

    // Load the identity graph around the batch: owners of every identifier, then all identifiers of those owners.
    const owner = new Map<string, string>();
    for (const r of await reader.identities.findOwners(workspaceId, perEvent.flat()))
      owner.set(key(r), r.profileId);
    const idsOf = new Map<string, Identifier[]>();
    const ownerIds = [...new Set(owner.values())];
    for (const r of await reader.identities.ofProfiles(workspaceId, ownerIds)) {
      let list = idsOf.get(r.profileId);
      if (!list) idsOf.set(r.profileId, (list = []));
      list.push({ type: r.type, value: r.value });
      owner.set(key(r), r.profileId);
    }
    const profiles = new Map<string, Working>();
    for (const p of await reader.profiles.getMany(workspaceId, ownerIds)) {
      profiles.set(p.id, {
        state: {
          id: p.id,
          traits: { values: p.traits, updatedAt: p.traitTimes },
          firstSeenAt: p.firstSeenAt,
          lastSeenAt: p.lastSeenAt,
          eventCount: p.eventCount,
          channels: p.channels,
        },
        createdAt: p.createdAt,
        mergedInto: p.mergedInto,
        dirty: false,
      });
    }

    const existedBefore = new Set(profiles.keys());
    const redirect = new Map<string, string>();
    const final = (id: string): string => {
      let cur = id;
      for (let next = redirect.get(cur); next !== undefined; next = redirect.get(cur)) cur = next;
      return cur;
    };
    const w: BatchWrites = {
      profiles,
      mergedAway: new Map(),
      newIdentities: [],
      assignments: [],
      merges: [],
      conflicts: [],
    };

    const reported = new Set<string>();
    events.forEach((event, i) => {
      const seq = items[i]!.seq;
      const identifiers = perEvent[i]!;
      const owners: ProfileIdentities[] = [];
      const seen = new Set<string>();
      for (const id of identifiers) {
        const o = owner.get(key(id));
        if (o === undefined) continue;
        const p = final(o);
        if (seen.has(p)) continue;
        seen.add(p);
        owners.push({ profileId: p, identifiers: idsOf.get(p) ?? [] });
      }
      const res = resolveIdentity(identifiers, owners, config);

      let targetId = res.profileId;
      if (targetId === null) {
        targetId = newId('prf');
        profiles.set(targetId, {
          state: newProfileState(targetId, event.timestamp),
          createdAt: now,
          mergedInto: null,
          dirty: true,
        });
        idsOf.set(targetId, []);
      }
      const target = profiles.get(targetId)!;

      for (const sourceId of res.merge) {
        const source = profiles.get(sourceId)!;
        target.state = mergeProfileStates(target.state, source.state);
        source.mergedInto = targetId;
        source.dirty = true;
        const moved = idsOf.get(sourceId) ?? [];
        const linkedBy = identifiers.filter(
          (id) => owner.get(key(id)) !== undefined && final(owner.get(key(id))!) === sourceId,
        );
        for (const id of moved) owner.set(key(id), targetId);
        idsOf.set(targetId, [...(idsOf.get(targetId) ?? []), ...moved]);
        idsOf.delete(sourceId);
        redirect.set(sourceId, targetId);
        w.merges.push({
          id: newId('mrg'),
          targetProfileId: targetId,
          sourceProfileId: sourceId,
          eventSeq: seq,
          linkedBy,
          createdAt: now,
        });
      }
      for (const id of res.attach) {
        owner.set(key(id), targetId);
        idsOf.get(targetId)!.push(id);
        w.newIdentities.push({ type: id.type, value: id.value, profileId: targetId });
      }
      // Values refused before resolution (blocklisted, malformed) are recorded too: refusals are never silent.
      for (const d of [...extracted[i]!.dropped, ...res.dropped]) {
        // One record per profile, identifier and reason per batch: a client that sends "null" on every
        // event must not write a row per event.
        const dedupe = `${targetId}\u0000${key(d.identifier)}\u0000${d.reason}`;
        if (reported.has(dedupe)) continue;
        reported.add(dedupe);
        w.conflicts.push({
          id: newId('idc'),
          profileId: targetId,
          eventSeq: seq,
          identifierType: d.identifier.type,
          identifierValue: d.identifier.value,
          reason: d.reason,
          otherProfileId: d.profileId ?? null,
          detail: d.detail,
          createdAt: now,
        });
      }
      target.state = applyEvent(target.state, event);
      target.dirty = true;
      w.assignments.push({ seq, profileId: targetId });
    });

    // Resolve every reference through merges made later in the same batch.
    for (const a of w.assignments) a.profileId = final(a.profileId);
    for (const n of w.newIdentities) n.profileId = final(n.profileId);
    for (const c of w.conflicts) c.profileId = final(c.profileId);
    for (const [id, p] of profiles) {
      if (p.mergedInto !== null) {
        p.mergedInto = final(id);
        if (existedBefore.has(id)) w.mergedAway.set(id, p.mergedInto);
      }
    }
    return w;
  }
}

function toRecord(w: Working, now: number): ProfileRecord {
  return {
    id: w.state.id,
    mergedInto: w.mergedInto,
    traits: w.state.traits.values,
    traitTimes: w.state.traits.updatedAt,
    channels: w.state.channels,
    firstSeenAt: w.state.firstSeenAt,
    lastSeenAt: w.state.lastSeenAt,
    eventCount: w.state.eventCount,
    createdAt: w.createdAt,
    updatedAt: now,
  };
}

/** Survivor → the profiles merged into it, so each survivor's moves are one statement each. */
function sourcesByTarget(mergedAway: Map<string, string>): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const [from, to] of mergedAway) byTarget.set(to, [...(byTarget.get(to) ?? []), from]);
  return byTarget;
}
