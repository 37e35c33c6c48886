import {
  SURVEY_RESPONDED,
  USER_ID,
  applyEvent,
  applyTraits,
  extractIdentifiers,
  mergeProfileStates,
  newProfileState,
  resolveIdentity,
  type Identifier,
  type IdentityConfig,
  type IncomingEvent,
  type AggregateState,
  type ProfileIdentities,
  type ProfileState,
} from '@omnicx/core';
import type { IdentityConflictRecord, MergeRecord, ProfileRecord, Store, StoreTx } from '@omnicx/store';
import type { Clock, Logger, Metrics } from './ports';
import type { WorkspaceService } from './workspaces';
import { eventFromStored, profileStateOf } from './stored-event';
import { newId } from './ids';
import type { MembershipChange, SegmentRuntime, SegmentSubject, WorkspaceSegments } from './segment-runtime';
import {
  profileContext,
  scoreChangesOf,
  type AutomationItem,
  type AutomationRuntime,
  type ScoreChange,
  type TraitChange,
} from './automation-runtime';

export const PIPELINE_CONSUMER = 'pipeline';

const key = (i: Identifier) => `${i.type}\u0000${i.value}`;

interface Working {
  state: ProfileState;
  createdAt: number;
  mergedInto: string | null;
  dirty: boolean;
  aggregates: AggregateState;
  /** The aggregates as loaded (score crossings compare against them). */
  initialAggregates: AggregateState;
  memberships: Set<string>;
  /** Some event or merge of this batch can change its segments: evaluate them before writing. */
  evaluate: boolean;
}

/** An event to process: its log position, and the profile it already belongs to when omnicx wrote it. */
export interface PipelineItem {
  seq: number;
  event: IncomingEvent;
  profileId?: string | null;
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
  /** Segment membership changes of the batch's profiles. */
  changes: MembershipChange[];
  segments: WorkspaceSegments | null;
  /** Every event of the batch with its final profile, in log order (automation reads them). */
  processed: AutomationItem[];
  traitChanges: TraitChange[];
  scoreChanges: ScoreChange[];
  /** Anonymous survey responses whose event was resolved to a profile in this batch. */
  surveyLinks: { responseId: string; profileId: string }[];
}

/** Membership events can make other segments change: at most this many rounds per batch. */
const MAX_DERIVED_ROUNDS = 8;

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
    private readonly segments: SegmentRuntime,
    private readonly automation: AutomationRuntime,
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

  /**
   * A profile's score re-check is due (`automation.score`): its score may have crossed a watched threshold by
   * decay alone. Starts the `score crossed` triggers that crossing fires and plans the next re-check.
   */
  async rescore(workspaceId: string, profileId: string): Promise<void> {
    await this.exclusive(async () => {
      const seg = await this.segments.load(workspaceId, this.store);
      const auto = await this.automation.load(workspaceId, this.store);
      const now = this.clock.now();
      await this.store.transaction(async (tx) => {
        const p = await tx.profiles.get(workspaceId, profileId); // follows merges
        if (!p || !seg || !auto) return;
        const view = { profile: profileStateOf(p), aggregates: p.aggregates };
        const lookup = (id: string) => p.memberships.includes(id);
        const changes = scoreChangesOf(seg.compiled, auto, p.id, view, view, lookup, now);
        const events = await this.automation.handle(
          tx,
          workspaceId,
          [],
          [],
          changes,
          (id) => (id === p.id ? profileContext(p.traits, p.memberships) : undefined),
          now,
        );
        if (events.length > 0)
          await tx.events.append(
            workspaceId,
            events.map((e) => e.event),
            events.map((e) => e.profileId),
          );
      });
    });
    this.automation.committed();
    this.notify();
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
    const items = rows.map((r) => ({ seq: r.seq, event: eventFromStored(r), profileId: r.profileId }));
    const writes = await this.#decide(this.store, workspaceId, items, config);
    const last = rows[rows.length - 1]!.seq;
    const committed = await this.store.transaction(async (tx) => {
      // Compare-and-set first: if ingest processed these events in its own transaction meanwhile (or another
      // process did), this batch was decided on stale state and must not be written.
      if (!(await tx.cursors.advance(workspaceId, PIPELINE_CONSUMER, cursor, last, this.clock.now())))
        return false;
      await this.#writeAll(tx, workspaceId, writes, last, config);
      return true;
    });
    if (!committed) return 0;
    this.automation.committed();
    this.#count(writes, rows.length, started);
    return rows.length;
  }

  /**
   * Processes events inside the transaction that appended them (ingest calls this), when nothing older is
   * waiting: the events are resolved and their profiles updated before the commit, so the log is never read
   * back and each batch costs one commit instead of two. Returns false (and writes nothing) when there is a
   * backlog or another writer moved the cursor; the events then wait for the pipeline loop as usual.
   */
  async processAppended(tx: StoreTx, workspaceId: string, items: readonly PipelineItem[]): Promise<boolean> {
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
    await this.#writeAll(tx, workspaceId, writes, last, config);
    this.#count(writes, items.length, started);
    return true;
  }

  /**
   * Writes a decided batch, then processes the events that writing produced (Segment Entered / Exited) in
   * further rounds of the same transaction, moving the cursor past them too: the log never holds an
   * unprocessed event omnicx wrote itself, and processing at ingest is not interrupted by a backlog.
   */
  async #writeAll(
    tx: StoreTx,
    workspaceId: string,
    first: BatchWrites,
    cursorAt: number,
    config: IdentityConfig,
  ): Promise<void> {
    let writes = first;
    let cursor = cursorAt;
    for (let round = 0; ; round++) {
      const derived = await this.#write(tx, workspaceId, writes);
      if (derived.length === 0) return;
      // The loop reads a batch outside this transaction: events ingested meanwhile were committed before
      // the ones just appended (appends are serialized), so they lie between the cursor and `derived`.
      // They are processed with the derived events; moving the cursor past them would skip them.
      const gap = derived[0]!.seq - cursor - 1;
      const between =
        gap > 0
          ? (await tx.events.readAfter(workspaceId, cursor, gap))
              .filter((r) => r.seq < derived[0]!.seq)
              .map((r) => ({
                seq: r.seq,
                event: eventFromStored(r),
                profileId: r.profileId,
              }))
          : [];
      if (round + 1 >= MAX_DERIVED_ROUNDS) {
        // A chain of segments and processes reacting to each other's events: stop here. Events omnicx wrote
        // are left processed (their profile state is written) without chasing their effects; if customer
        // events came in between, the cursor stays before them and the loop processes everything after it.
        if (between.length === 0)
          await tx.cursors.set(
            workspaceId,
            PIPELINE_CONSUMER,
            derived[derived.length - 1]!.seq,
            this.clock.now(),
          );
        this.logger.warn({ workspaceId, rounds: MAX_DERIVED_ROUNDS }, 'derived events kept cascading');
        return;
      }
      const items = [...between, ...derived];
      cursor = derived[derived.length - 1]!.seq;
      await tx.cursors.set(workspaceId, PIPELINE_CONSUMER, cursor, this.clock.now());
      writes = await this.#decide(tx, workspaceId, items, config);
      this.metrics.eventsProcessed(items.length);
    }
  }

  /** Writes one decided batch; returns the events it appended (already assigned to their profile). */
  async #write(tx: StoreTx, workspaceId: string, writes: BatchWrites): Promise<PipelineItem[]> {
    const now = this.clock.now();
    for (const [to, from] of sourcesByTarget(writes.mergedAway)) {
      await tx.identities.reassign(workspaceId, from, to);
      await tx.events.reassignProfiles(workspaceId, from, to);
      await tx.profiles.markMerged(workspaceId, from, to, now);
      await tx.segments.reassignMembers(workspaceId, from, to);
      await tx.processes.reassignProfile(workspaceId, from, to);
      await tx.messaging.reassignConsents(workspaceId, from, to);
      await tx.messaging.reassignPush(workspaceId, from, to);
      await tx.messaging.reassignDeliveries(workspaceId, from, to);
      await tx.surveys.reassignProfiles(workspaceId, from, to);
    }
    await tx.profiles.upsertMany(
      workspaceId,
      [...writes.profiles.values()].filter((w) => w.dirty).map((w) => toRecord(w, now)),
    );
    await tx.identities.insertMany(workspaceId, writes.newIdentities, now);
    await tx.events.assignProfiles(workspaceId, writes.assignments);
    await tx.merges.insertMerges(workspaceId, writes.merges);
    await tx.merges.insertConflicts(workspaceId, writes.conflicts);
    if (writes.surveyLinks.length > 0) await tx.surveys.linkResponses(workspaceId, writes.surveyLinks);
    const events: { event: IncomingEvent; profileId: string }[] = [];
    if (writes.segments && writes.changes.length > 0)
      events.push(
        ...(await this.segments.write(
          tx,
          workspaceId,
          writes.segments,
          writes.changes,
          now,
          () => newId('job'),
          () => newId('msg'),
        )),
      );
    if (writes.processed.length > 0 || writes.traitChanges.length > 0 || writes.scoreChanges.length > 0) {
      const profileOf = (id: string) => {
        const p = writes.profiles.get(id);
        return p && p.mergedInto === null ? profileContext(p.state.traits.values, p.memberships) : undefined;
      };
      events.push(
        ...(await this.automation.handle(
          tx,
          workspaceId,
          writes.processed,
          writes.traitChanges,
          writes.scoreChanges,
          profileOf,
          now,
        )),
      );
    }
    if (events.length === 0) return [];
    const r = await tx.events.append(
      workspaceId,
      events.map((e) => e.event),
      events.map((e) => e.profileId),
    );
    return r.appended.map((a) => ({
      seq: a.seq,
      event: events[a.index]!.event,
      profileId: events[a.index]!.profileId,
    }));
  }

  #count(writes: BatchWrites, events: number, started: number): void {
    this.metrics.eventsProcessed(events);
    this.metrics.identityMerges(writes.merges.length);
    this.metrics.identityConflicts(writes.conflicts.length);
    this.metrics.pipelineBatch(performance.now() - started, events);
  }

  /** Decides every event of the batch in memory (identity resolution + profile update). */
  async #decide(
    reader: Pick<
      StoreTx,
      'identities' | 'profiles' | 'segments' | 'computedTraits' | 'scoreModels' | 'processes'
    >,
    workspaceId: string,
    items: readonly PipelineItem[],
    config: IdentityConfig,
  ): Promise<BatchWrites> {
    const now = this.clock.now();
    const events = items.map((x) => x.event);
    const seg = await this.segments.load(workspaceId, reader);
    const auto = await this.automation.load(workspaceId, reader);
    const watchedTraits = auto && auto.traits.size > 0 ? auto.traits : null;

    // alias: previousId is a user_id when one is known, otherwise an anonymous_id.
    const aliasPrev = events
      .filter((e) => e.type === 'alias' && e.previousId)
      .map((e) => ({ type: USER_ID, value: e.previousId! }));
    const knownUserIds = new Set(
      (await reader.identities.findOwners(workspaceId, aliasPrev)).map((r) => r.value),
    );
    // Events omnicx wrote itself carry their profile: nothing to resolve.
    const extracted = items.map((it) =>
      it.profileId
        ? { identifiers: [], dropped: [] }
        : extractIdentifiers(
            it.event,
            config,
            it.event.type === 'alias' && it.event.previousId && knownUserIds.has(it.event.previousId)
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
    const preassigned = [...new Set(items.flatMap((it) => (it.profileId ? [it.profileId] : [])))];
    const preassignedSet = new Set(preassigned);
    const loaded = await reader.profiles.getMany(workspaceId, [...ownerIds, ...preassigned]);
    // A pre-assigned profile merged away since: its events go to the survivor.
    const survivorOf = new Map<string, string>();
    for (const p of loaded) {
      if (p.mergedInto === null || !preassignedSet.has(p.id)) continue;
      const survivor = await reader.profiles.get(workspaceId, p.id);
      if (survivor) {
        survivorOf.set(p.id, survivor.id);
        if (!loaded.some((l) => l.id === survivor.id)) loaded.push(survivor);
      }
    }
    for (const p of loaded) {
      profiles.set(p.id, {
        state: profileStateOf(p),
        createdAt: p.createdAt,
        mergedInto: p.mergedInto,
        dirty: false,
        aggregates: p.aggregates,
        initialAggregates: p.aggregates,
        memberships: new Set(p.memberships),
        evaluate: false,
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
      changes: [],
      segments: seg,
      processed: [],
      traitChanges: [],
      scoreChanges: [],
      surveyLinks: [],
    };
    const traitsBefore = (p: Working, e: IncomingEvent) =>
      watchedTraits && (e.type === 'identify' || Object.hasOwn(e.context, 'traits'))
        ? p.state.traits.values
        : null;
    const diffTraits = (
      profileId: string,
      before: Record<string, unknown>,
      after: Record<string, unknown>,
    ) => {
      for (const t of watchedTraits!) {
        const a = before[t];
        const b = after[t];
        if (a === b || JSON.stringify(a) === JSON.stringify(b)) continue;
        w.traitChanges.push({ profileId, trait: t, from: a, to: b });
      }
    };

    const reported = new Set<string>();
    events.forEach((event, i) => {
      const seq = items[i]!.seq;
      const pre = items[i]!.profileId;
      if (pre) {
        // Written by omnicx for a known profile: fold it into the aggregates and segments only (it is not
        // a customer interaction, so counts, first/last seen and channel stats stay as they are).
        const id = final(survivorOf.get(pre) ?? pre);
        const target = profiles.get(id);
        if (!target) return; // the profile was erased meanwhile
        if (id !== pre) w.assignments.push({ seq, profileId: id });
        w.processed.push({ seq, event, profileId: id });
        if (event.type === 'identify') {
          // A trait set by omnicx (an automation step): the trait changes, nothing else about the profile.
          const before = traitsBefore(target, event);
          target.state = {
            ...target.state,
            traits: applyTraits(target.state.traits, event.traits, event.timestamp),
          };
          target.dirty = true;
          if (before) diffTraits(id, before, target.state.traits.values);
        }
        if (seg) {
          if (this.segments.fold(seg, subject(target), event, now).length > 0) target.evaluate = true;
          target.dirty = true;
        }
        return;
      }
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
          aggregates: {},
          initialAggregates: {},
          memberships: new Set(),
          evaluate: true,
        });
        idsOf.set(targetId, []);
      }
      const target = profiles.get(targetId)!;

      for (const sourceId of res.merge) {
        const source = profiles.get(sourceId)!;
        target.state = mergeProfileStates(target.state, source.state);
        if (seg) target.aggregates = this.segments.merge(seg, target.aggregates, source.aggregates);
        for (const m of source.memberships) target.memberships.add(m);
        target.evaluate = true;
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
      const before = traitsBefore(target, event);
      target.state = applyEvent(target.state, event);
      if (before) diffTraits(targetId, before, target.state.traits.values);
      target.dirty = true;
      w.processed.push({ seq, event, profileId: targetId });
      if (event.name === SURVEY_RESPONDED && typeof event.properties.responseId === 'string')
        w.surveyLinks.push({ responseId: event.properties.responseId, profileId: targetId });
      if (seg && this.segments.fold(seg, subject(target), event, now).length > 0) target.evaluate = true;
      w.assignments.push({ seq, profileId: targetId });
    });

    // Resolve every reference through merges made later in the same batch.
    for (const a of w.assignments) a.profileId = final(a.profileId);
    for (const n of w.newIdentities) n.profileId = final(n.profileId);
    for (const c of w.conflicts) c.profileId = final(c.profileId);
    for (const x of w.processed) x.profileId = final(x.profileId);
    for (const x of w.traitChanges) x.profileId = final(x.profileId);
    for (const x of w.surveyLinks) x.profileId = final(x.profileId);
    for (const [id, p] of profiles) {
      if (p.mergedInto !== null) {
        p.mergedInto = final(id);
        if (existedBefore.has(id)) w.mergedAway.set(id, p.mergedInto);
      }
    }
    // Segments: evaluate each profile whose events or merges can have changed an answer, once per batch.
    // Score triggers: every profile whose aggregates or segments changed (an adjustment alone changes no
    // segment), with the time its score next crosses a watched threshold by itself.
    if (seg) {
      for (const p of profiles.values()) {
        if (p.mergedInto !== null) continue;
        const changed = p.evaluate || p.aggregates !== p.initialAggregates;
        if (p.evaluate) {
          const s = subject(p);
          w.changes.push(this.segments.evaluate(seg, s, now));
          p.aggregates = s.aggregates;
          p.dirty = true;
        }
        if (auto && auto.scoreThresholds.size > 0 && changed)
          w.scoreChanges.push(
            ...scoreChangesOf(
              seg.compiled,
              auto,
              p.state.id,
              { profile: p.state, aggregates: p.initialAggregates },
              { profile: p.state, aggregates: p.aggregates },
              (id) => p.memberships.has(id),
              now,
            ),
          );
      }
    }
    return w;
  }
}

/** A view of a working profile for segment evaluation; aggregate updates are written back through it. */
function subject(w: Working): SegmentSubject {
  return {
    id: w.state.id,
    state: w.state,
    get aggregates() {
      return w.aggregates;
    },
    set aggregates(a: AggregateState) {
      w.aggregates = a;
    },
    memberships: w.memberships,
  };
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
    aggregates: w.aggregates,
    memberships: [...w.memberships],
  };
}

/** Survivor → the profiles merged into it, so each survivor's moves are one statement each. */
function sourcesByTarget(mergedAway: Map<string, string>): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const [from, to] of mergedAway) byTarget.set(to, [...(byTarget.get(to) ?? []), from]);
  return byTarget;
}
