import {
  SEGMENT_ENTERED,
  SEGMENT_EXITED,
  compileSegments,
  computedTraitValues,
  evaluate,
  normalizeIdentifier,
  replayState,
  scoreAt,
  type CompiledSegments,
  type ComputedValue,
  type IncomingEvent,
  type DomainError,
  type Result,
  type RuleError,
  type SegmentDefinitions,
} from '@omnicx/core';
import type {
  DefinitionRecord,
  PersonaRecord,
  ProfileRecord,
  SegmentRecord,
  Store,
  StoreTx,
} from '@omnicx/store';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Clock } from './ports';
import type { Pipeline } from './pipeline';
import type { WorkspaceService } from './workspaces';
import {
  SEGMENT_BUILD,
  SEGMENT_RECHECK,
  SEGMENT_REPLAY,
  membershipEvent,
  withDependents,
  type SegmentRuntime,
  type WorkspaceSegments,
} from './segment-runtime';
import { eventsByProfile, profileStateOf } from './stored-event';
import { newId } from './ids';

/** Profiles evaluated per build step (one transaction each). */
const BUILD_PAGE = 2000;

export interface SegmentInput {
  name: string;
  description?: string;
  kind?: 'dynamic' | 'list';
  rule?: unknown;
}

export interface PersonaInput {
  name: string;
  description?: string;
  goals?: string[];
  criticalNeeds?: string[];
  preferredChannels?: string[];
  imageUrl?: string | null;
  segmentId: string;
}

export interface PreviewResult {
  /** Members among the profiles scanned. */
  count: number;
  scanned: number;
  total: number;
  /** True when the scan stopped early (time or profile budget) and `count` is extrapolated. */
  estimated: boolean;
  estimate: number;
  sample: string[];
}

const fail = (code: string, message: string, field?: string, details?: unknown): Result<never> => ({
  ok: false,
  error: { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) } as DomainError,
});

function ruleErrors(errors: RuleError[]): Result<never> {
  const first = errors[0]!;
  const where = first.owner ? `${first.owner.kind} ${first.owner.id}: ` : '';
  return fail(first.code, `${where}${first.message}`, first.field, errors);
}

/**
 * Segments, static lists, computed traits, score models and personas: definitions (validated by core as a
 * whole set, so a reference to a missing segment or a cycle is refused), the background build of a new or
 * edited segment, the re-check of time-based conditions, and reads (members, memberships, sizes, values).
 */
export class SegmentService {
  constructor(
    private readonly store: Store,
    private readonly runtime: SegmentRuntime,
    private readonly pipeline: Pipeline,
    private readonly workspaces: WorkspaceService,
    private readonly clock: Clock,
  ) {}

  // ---- definitions -------------------------------------------------------------------------------------

  list(workspaceId: string): Promise<SegmentRecord[]> {
    return this.store.segments.list(workspaceId);
  }

  async get(workspaceId: string, id: string): Promise<Result<SegmentRecord>> {
    const s = await this.store.segments.get(workspaceId, id);
    return s ? { ok: true, value: s } : fail('not_found', `segment ${id} does not exist`);
  }

  /** Validates the whole set as it would be after a change; returns core's errors naming segment and node. */
  async #validate(
    workspaceId: string,
    change: {
      segment?:
        { id: string; name: string; kind: 'dynamic' | 'list'; rule: unknown } | { id: string; deleted: true };
      computed?: { id: string; definition: unknown } | { id: string; deleted: true };
      score?: { id: string; definition: unknown } | { id: string; deleted: true };
    },
  ): Promise<Result<CompiledSegments>> {
    const segments = (await this.store.segments.list(workspaceId)).filter((s) => s.id !== change.segment?.id);
    const computed = (await this.store.computedTraits.list(workspaceId)).filter(
      (c) => c.id !== change.computed?.id,
    );
    const scores = (await this.store.scoreModels.list(workspaceId)).filter((c) => c.id !== change.score?.id);
    const dyn = segments
      .filter((s) => s.kind === 'dynamic')
      .map((s) => ({ id: s.id, name: s.name, rule: s.rule }));
    const lists = segments.filter((s) => s.kind === 'list').map((s) => s.id);
    if (change.segment && !('deleted' in change.segment)) {
      if (change.segment.kind === 'dynamic')
        dyn.push({ id: change.segment.id, name: change.segment.name, rule: change.segment.rule });
      else lists.push(change.segment.id);
    }
    const defs = {
      segments: dyn,
      computedTraits: [
        ...computed.map((c) => ({ ...(c.definition as object), id: c.id })),
        ...(change.computed && !('deleted' in change.computed)
          ? [{ ...(change.computed.definition as object), id: change.computed.id }]
          : []),
      ],
      scoreModels: [
        ...scores.map((c) => ({ ...(c.definition as object), id: c.id })),
        ...(change.score && !('deleted' in change.score)
          ? [{ ...(change.score.definition as object), id: change.score.id }]
          : []),
      ],
      externalSegments: lists,
    };
    const r = compileSegments(defs);
    return r.ok ? { ok: true, value: r.value } : ruleErrors(r.error);
  }

  /**
   * Whether a build must replay history: only when the new set counts something the current one does not
   * (a new aggregate). Otherwise every profile's stored aggregates already hold what the rule reads, and the
   * build only evaluates (the fast path: a trait or channel rule, or counts another segment already keeps).
   */
  async #needsReplay(workspaceId: string, next: CompiledSegments): Promise<boolean> {
    const current = await this.runtime.load(workspaceId, this.store);
    for (const key of next.aggregates.keys()) if (!current?.compiled.aggregates.has(key)) return true;
    return false;
  }

  async create(workspaceId: string, input: SegmentInput): Promise<Result<SegmentRecord>> {
    const kind = input.kind ?? 'dynamic';
    if (kind === 'dynamic' && input.rule === undefined)
      return fail('invalid_rule', 'a dynamic segment needs a rule (or create it with kind "list")', 'rule');
    if (kind === 'list' && input.rule !== undefined)
      return fail('invalid_rule', 'a list has no rule: its members are added and removed explicitly', 'rule');
    const id = newId('seg');
    const v = await this.#validate(workspaceId, {
      segment: { id, name: input.name, kind, rule: input.rule },
    });
    if (!v.ok) return v;
    const now = this.clock.now();
    const rec: SegmentRecord = {
      id,
      kind,
      name: input.name,
      description: input.description ?? '',
      rule: kind === 'dynamic' ? input.rule : null,
      status: kind === 'dynamic' ? 'building' : 'ready',
      version: 1,
      buildDone: 0,
      buildTotal: kind === 'dynamic' ? await this.store.profiles.count(workspaceId) : 0,
      buildCursor: null,
      size: 0,
      createdAt: now,
      updatedAt: now,
    };
    const replay = kind === 'dynamic' && (await this.#needsReplay(workspaceId, v.value));
    await this.store.transaction(async (tx) => {
      await tx.segments.put(workspaceId, rec);
      if (kind === 'dynamic') await this.#scheduleBuild(tx, workspaceId, id, rec.version, replay);
    });
    this.runtime.invalidate(workspaceId);
    return { ok: true, value: rec };
  }

  async update(
    workspaceId: string,
    id: string,
    input: Partial<SegmentInput>,
  ): Promise<Result<SegmentRecord>> {
    const cur = await this.store.segments.get(workspaceId, id);
    if (!cur) return fail('not_found', `segment ${id} does not exist`);
    if (input.kind !== undefined && input.kind !== cur.kind)
      return fail('invalid_value', `a segment's kind cannot change (it is "${cur.kind}")`, 'kind');
    if (cur.kind === 'list' && input.rule !== undefined)
      return fail('invalid_rule', 'a list has no rule: its members are added and removed explicitly', 'rule');
    const ruleChanged = input.rule !== undefined && JSON.stringify(input.rule) !== JSON.stringify(cur.rule);
    let replay = false;
    const next: SegmentRecord = {
      ...cur,
      name: input.name ?? cur.name,
      description: input.description ?? cur.description,
      rule: input.rule ?? cur.rule,
      updatedAt: this.clock.now(),
    };
    if (ruleChanged) {
      const v = await this.#validate(workspaceId, {
        segment: { id, name: next.name, kind: cur.kind, rule: next.rule },
      });
      if (!v.ok) return v;
      replay = await this.#needsReplay(workspaceId, v.value);
      next.version = cur.version + 1;
      next.status = 'building';
      next.buildDone = 0;
      next.buildCursor = null;
      next.buildTotal = await this.store.profiles.count(workspaceId);
    }
    await this.store.transaction(async (tx) => {
      await tx.segments.put(workspaceId, next);
      if (ruleChanged) await this.#scheduleBuild(tx, workspaceId, id, next.version, replay);
    });
    this.runtime.invalidate(workspaceId);
    return { ok: true, value: next };
  }

  async delete(workspaceId: string, id: string): Promise<Result<{ deleted: string }>> {
    const cur = await this.store.segments.get(workspaceId, id);
    if (!cur) return fail('not_found', `segment ${id} does not exist`);
    const personas = (await this.store.personas.list(workspaceId)).filter((p) => p.segmentId === id);
    if (personas.length > 0)
      return fail(
        'in_use',
        `segment ${id} defines persona ${personas[0]!.id}: change or delete the persona first`,
      );
    const v = await this.#validate(workspaceId, { segment: { id, deleted: true } });
    if (!v.ok)
      return fail(
        'in_use',
        `segment ${id} is used by other definitions: ${v.error.message}`,
        undefined,
        v.error,
      );
    await this.store.transaction(async (tx) => {
      await tx.segments.delete(workspaceId, id);
      await tx.jobs.cancel(workspaceId, SEGMENT_BUILD, id);
    });
    // Profiles keep the id in their stored memberships until their next evaluation; it no longer matches
    // any segment, so it is dropped then.
    this.runtime.invalidate(workspaceId);
    return { ok: true, value: { deleted: id } };
  }

  async #scheduleBuild(
    tx: StoreTx,
    workspaceId: string,
    segmentId: string,
    version: number,
    replay: boolean,
  ): Promise<void> {
    await tx.jobs.schedule(
      workspaceId,
      {
        id: newId('job'),
        kind: SEGMENT_BUILD,
        key: segmentId,
        runAt: this.clock.now(),
        payload: { version, replay },
      },
      this.clock.now(),
    );
  }

  // ---- background work (scheduler handlers) ------------------------------------------------------------

  /**
   * One step of a segment's build: the next page of profiles (in id order) gets its aggregates replayed from
   * its events (a new rule may count events nobody counted before) and every segment evaluated. Runs between
   * pipeline batches, in one transaction, so real-time processing continues around it.
   */
  async buildStep(
    workspaceId: string,
    segmentId: string,
    version: number,
    replay = true,
  ): Promise<'more' | 'done' | 'stale'> {
    return this.pipeline.exclusive(async () => {
      const seg = await this.store.segments.get(workspaceId, segmentId);
      if (!seg || seg.version !== version || seg.kind !== 'dynamic') return 'stale';
      if (seg.status === 'ready') return 'done';
      const ws = await this.runtime.load(workspaceId, this.store);
      if (!ws) return 'stale';
      const now = this.clock.now();
      const result = await this.store.transaction(async (tx) => {
        const page = await tx.profiles.pageAfter(workspaceId, seg.buildCursor, BUILD_PAGE);
        const last = page.length > 0 ? page[page.length - 1]!.id : seg.buildCursor;
        if (page.length > 0) {
          ws.building.set(segmentId, last);
          await this.#evaluateProfiles(tx, workspaceId, ws, page, now, {
            replay,
            only: withDependents(ws, segmentId),
          });
        }
        const done = page.length < BUILD_PAGE;
        await tx.segments.setBuild(workspaceId, segmentId, version, {
          done: seg.buildDone + page.length,
          total: Math.max(seg.buildTotal, seg.buildDone + page.length),
          cursor: last,
          status: done ? 'ready' : 'building',
        });
        if (done) await tx.segments.recordSize(workspaceId, segmentId, now);
        return done ? 'done' : 'more';
      });
      if (result === 'done') ws.building.delete(segmentId);
      this.pipeline.notify();
      return result;
    });
  }

  /**
   * One step of replaying every profile's aggregates from its events (a new computed trait or score model in
   * a workspace without dynamic segments). Returns the cursor to continue from, or null when done.
   */
  async replayStep(workspaceId: string, cursor: string | null): Promise<string | null> {
    return this.pipeline.exclusive(async () => {
      this.runtime.invalidate(workspaceId);
      const ws = await this.runtime.load(workspaceId, this.store);
      if (!ws) return null;
      const now = this.clock.now();
      return this.store.transaction(async (tx) => {
        const page = await tx.profiles.pageAfter(workspaceId, cursor, BUILD_PAGE);
        if (page.length === 0) return null;
        const events = await eventsByProfile(
          tx,
          workspaceId,
          page.map((p) => p.id),
        );
        await tx.profiles.upsertMany(
          workspaceId,
          page.map((p) => ({ ...p, aggregates: replayState(ws.compiled, events.get(p.id) ?? [], now) })),
        );
        return page.length < BUILD_PAGE ? null : page[page.length - 1]!.id;
      });
    });
  }

  /** Re-evaluates one profile whose time-based conditions may have changed (its recheck job is due). */
  async recheck(workspaceId: string, profileId: string): Promise<void> {
    await this.pipeline.exclusive(async () => {
      const ws = await this.runtime.load(workspaceId, this.store);
      const now = this.clock.now();
      await this.store.transaction(async (tx) => {
        const [p] = await tx.profiles.getMany(workspaceId, [profileId]);
        if (!p || p.mergedInto !== null) return;
        if (!ws) {
          await tx.jobs.cancel(workspaceId, SEGMENT_RECHECK, profileId);
          return;
        }
        await this.#evaluateProfiles(tx, workspaceId, ws, [p], now, { replay: false });
      });
    });
    this.pipeline.notify();
  }

  /** Evaluates profiles (optionally replaying their aggregates from the log) and writes what changed. */
  async #evaluateProfiles(
    tx: StoreTx,
    workspaceId: string,
    ws: WorkspaceSegments,
    page: ProfileRecord[],
    now: number,
    opts: { replay: boolean; only?: string[] },
  ): Promise<void> {
    const replay = opts.replay;
    const eventsOf =
      replay && ws.compiled.aggregates.size > 0
        ? await eventsByProfile(
            tx,
            workspaceId,
            page.map((p) => p.id),
          )
        : new Map<string, IncomingEvent[]>();
    const changes = [];
    const records: ProfileRecord[] = [];
    for (const p of page) {
      const subject = {
        id: p.id,
        state: profileStateOf(p),
        aggregates:
          replay && ws.compiled.aggregates.size > 0
            ? replayState(ws.compiled, eventsOf.get(p.id) ?? [], now)
            : p.aggregates,
        // Ids of deleted segments are dropped here.
        memberships: new Set(p.memberships.filter((m) => ws.lists.has(m) || ws.dynamic.includes(m))),
      };
      const change = this.runtime.evaluate(ws, subject, now, opts.only);
      changes.push(change);
      // A build that only evaluates writes back just the profiles whose memberships changed.
      if (replay || !opts.only || change.entered.length > 0 || change.exited.length > 0)
        records.push({
          ...p,
          aggregates: subject.aggregates,
          memberships: [...subject.memberships],
          updatedAt: now,
        });
    }
    await tx.profiles.upsertMany(workspaceId, records);
    const events = await this.runtime.write(
      tx,
      workspaceId,
      ws,
      changes,
      now,
      () => newId('job'),
      () => newId('msg'),
    );
    if (events.length > 0)
      await tx.events.append(
        workspaceId,
        events.map((e) => e.event),
        events.map((e) => e.profileId),
      );
  }

  // ---- preview and reads -------------------------------------------------------------------------------

  /**
   * Count and sample of the profiles a rule would select now, before saving it. Replays each profile's
   * events (the rule may count events no saved segment counts), so it is exact but bounded: it stops after
   * `maxProfiles` or `budgetMs` and extrapolates, saying so.
   */
  async preview(
    workspaceId: string,
    rule: unknown,
    opts: { sample?: number; maxProfiles?: number; budgetMs?: number } = {},
  ): Promise<Result<PreviewResult>> {
    const id = '__preview__';
    const segments = await this.store.segments.list(workspaceId);
    const computed = await this.store.computedTraits.list(workspaceId);
    const scores = await this.store.scoreModels.list(workspaceId);
    const defs = {
      segments: [
        ...segments
          .filter((s) => s.kind === 'dynamic')
          .map((s) => ({ id: s.id, name: s.name, rule: s.rule })),
        { id, rule },
      ],
      computedTraits: computed.map((c) => ({ ...(c.definition as object), id: c.id })),
      scoreModels: scores.map((c) => ({ ...(c.definition as object), id: c.id })),
      externalSegments: segments.filter((s) => s.kind === 'list').map((s) => s.id),
    } as unknown as SegmentDefinitions;
    const compiled = compileSegments(defs);
    if (!compiled.ok)
      return ruleErrors(compiled.error.map((e) => (e.owner?.id === id ? { ...e, owner: undefined } : e)));
    const sampleSize = opts.sample ?? 10;
    const maxProfiles = opts.maxProfiles ?? 100_000;
    const deadline = performance.now() + (opts.budgetMs ?? 5000);
    const total = await this.store.profiles.count(workspaceId);
    const now = this.clock.now();
    let cursor: string | null = null;
    let scanned = 0;
    let count = 0;
    const sample: string[] = [];
    for (;;) {
      const page = await this.store.profiles.pageAfter(workspaceId, cursor, BUILD_PAGE);
      if (page.length === 0) break;
      const events =
        compiled.value.aggregates.size > 0
          ? await eventsByProfile(
              this.store,
              workspaceId,
              page.map((p) => p.id),
            )
          : new Map<string, IncomingEvent[]>();
      for (const p of page) {
        const view = {
          profile: profileStateOf(p),
          aggregates: replayState(compiled.value, events.get(p.id) ?? [], now),
        };
        const memberships = new Set(p.memberships);
        if (evaluate(compiled.value, id, view, now, (s) => memberships.has(s)).member) {
          count++;
          if (sample.length < sampleSize) sample.push(p.id);
        }
      }
      scanned += page.length;
      cursor = page[page.length - 1]!.id;
      if (page.length < BUILD_PAGE || scanned >= maxProfiles || performance.now() > deadline) break;
    }
    const estimated = scanned < total;
    return {
      ok: true,
      value: {
        count,
        scanned,
        total,
        estimated,
        estimate: estimated && scanned > 0 ? Math.round((count / scanned) * total) : count,
        sample,
      },
    };
  }

  async members(
    workspaceId: string,
    id: string,
    opts: { limit: number; after?: string },
  ): Promise<Result<{ members: { profileId: string; since: number }[]; next: string | null }>> {
    const seg = await this.store.segments.get(workspaceId, id);
    if (!seg) return fail('not_found', `segment ${id} does not exist`);
    const members = await this.store.segments.members(workspaceId, id, opts);
    return {
      ok: true,
      value: { members, next: members.length === opts.limit ? members[members.length - 1]!.profileId : null },
    };
  }

  /** The segments and lists a profile is in now. */
  async membershipOf(
    workspaceId: string,
    profileId: string,
  ): Promise<{ segmentId: string; name: string; kind: 'dynamic' | 'list'; since: number }[]> {
    const p = await this.store.profiles.get(workspaceId, profileId);
    if (!p) return [];
    const segs = new Map((await this.store.segments.list(workspaceId)).map((s) => [s.id, s]));
    return (await this.store.segments.ofProfile(workspaceId, p.id)).flatMap((m) => {
      const s = segs.get(m.segmentId);
      return s ? [{ segmentId: s.id, name: s.name, kind: s.kind, since: m.since }] : [];
    });
  }

  async sizes(
    workspaceId: string,
    id: string,
    from: number,
    to: number,
  ): Promise<Result<{ at: number; size: number }[]>> {
    const seg = await this.store.segments.get(workspaceId, id);
    if (!seg) return fail('not_found', `segment ${id} does not exist`);
    return { ok: true, value: await this.store.segments.sizes(workspaceId, id, from, to) };
  }

  // ---- static lists ------------------------------------------------------------------------------------

  /** Adds or removes profiles of a list; unknown profile ids are reported, not added. */
  async changeList(
    workspaceId: string,
    listId: string,
    op: 'add' | 'remove',
    profileIds: readonly string[],
  ): Promise<Result<{ changed: number; unknown: string[] }>> {
    const seg = await this.store.segments.get(workspaceId, listId);
    if (!seg) return fail('not_found', `list ${listId} does not exist`);
    if (seg.kind !== 'list')
      return fail(
        'not_a_list',
        `segment ${listId} is dynamic: its members follow its rule and cannot be edited`,
      );
    return this.pipeline.exclusive(async () => {
      const now = this.clock.now();
      const ws = await this.runtime.load(workspaceId, this.store);
      return this.store.transaction(async (tx) => {
        const found = await tx.profiles.getMany(workspaceId, profileIds);
        const live = new Map<string, ProfileRecord>();
        for (const p of found) {
          const survivor = p.mergedInto ? await tx.profiles.get(workspaceId, p.id) : p;
          if (survivor) live.set(survivor.id, survivor);
        }
        const known = new Set(found.map((p) => p.id));
        const unknown = profileIds.filter((id) => !known.has(id));
        const ids = [...live.keys()];
        const changed =
          op === 'add'
            ? await tx.segments.addMembers(workspaceId, listId, ids, now)
            : await tx.segments.removeMembers(workspaceId, listId, ids);
        const changedIds: string[] = [];
        const records = [...live.values()].map((p) => {
          const m = new Set(p.memberships);
          const was = m.has(listId);
          if (op === 'add') m.add(listId);
          else m.delete(listId);
          if (was !== m.has(listId)) changedIds.push(p.id);
          return { ...p, memberships: [...m] };
        });
        if (ws) {
          // Segments that refer to this list see the change at once.
          await this.#evaluateProfiles(tx, workspaceId, ws, records, now, { replay: false });
        } else {
          await tx.profiles.upsertMany(workspaceId, records);
        }
        // The list's own Entered / Exited events, like a dynamic segment's.
        const names = new Map([[listId, seg.name]]);
        const name = op === 'add' ? SEGMENT_ENTERED : SEGMENT_EXITED;
        const events = changedIds.map(() => membershipEvent(name, listId, { names }, now, newId('msg')));
        if (events.length > 0) await tx.events.append(workspaceId, events, changedIds);
        await tx.segments.recordSize(workspaceId, listId, now);
        return { ok: true as const, value: { changed, unknown } };
      });
    });
  }

  /**
   * Adds (or removes) the profiles named in a CSV: each row's identifier columns (user_id, email, phone,
   * anonymous_id or profile_id) are looked up; rows matching no profile are reported with their line.
   */
  async importList(
    workspaceId: string,
    listId: string,
    csv: string,
    op: 'add' | 'remove' = 'add',
  ): Promise<Result<{ rows: number; changed: number; unmatched: { line: number; reason: string }[] }>> {
    let records: Record<string, string>[];
    try {
      records = parseCsv(csv, {
        columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
        skip_empty_lines: true,
        bom: true,
        trim: true,
      }) as Record<string, string>[];
    } catch (e) {
      return fail('invalid_csv', `the CSV could not be read: ${(e as Error).message}`);
    }
    const config = await this.workspaces.identityConfig(workspaceId);
    const ids: string[] = [];
    const unmatched: { line: number; reason: string }[] = [];
    for (const [i, row] of records.entries()) {
      const line = i + 2;
      let found: string | undefined;
      if (row.profile_id) found = (await this.store.profiles.get(workspaceId, row.profile_id))?.id;
      for (const type of ['user_id', 'email', 'phone', 'anonymous_id']) {
        if (found || !row[type]) continue;
        const n = normalizeIdentifier(type, row[type], config);
        if (!n.ok) continue;
        const owners = await this.store.identities.findOwners(workspaceId, [n.identifier]);
        found = owners[0]?.profileId;
      }
      if (found) ids.push(found);
      else unmatched.push({ line, reason: 'no profile has any identifier in this row' });
    }
    const r = await this.changeList(workspaceId, listId, op, ids);
    if (!r.ok) return r;
    return { ok: true, value: { rows: records.length, changed: r.value.changed, unmatched } };
  }

  // ---- computed traits and score models ------------------------------------------------------------------

  async putDefinition(
    workspaceId: string,
    kind: 'computed' | 'score',
    id: string | null,
    name: string,
    definition: unknown,
  ): Promise<Result<DefinitionRecord>> {
    const repo = kind === 'computed' ? this.store.computedTraits : this.store.scoreModels;
    const cur = id ? await repo.get(workspaceId, id) : undefined;
    if (id && !cur)
      return fail(
        'not_found',
        `${kind === 'computed' ? 'computed trait' : 'score model'} ${id} does not exist`,
      );
    const newIdValue = id ?? newId(kind === 'computed' ? 'ctr' : 'scm');
    const v = await this.#validate(
      workspaceId,
      kind === 'computed'
        ? { computed: { id: newIdValue, definition: { ...(definition as object), name } } }
        : { score: { id: newIdValue, definition: { ...(definition as object), name } } },
    );
    if (!v.ok) return v;
    const now = this.clock.now();
    const rec: DefinitionRecord = {
      id: newIdValue,
      name,
      definition,
      createdAt: cur?.createdAt ?? now,
      updatedAt: now,
    };
    await repo.put(workspaceId, rec);
    this.runtime.invalidate(workspaceId);
    // A new or changed computed trait may count events nobody counted: rebuild every dynamic segment's state.
    await this.#rebuildAll(workspaceId);
    return { ok: true, value: rec };
  }

  async deleteDefinition(
    workspaceId: string,
    kind: 'computed' | 'score',
    id: string,
  ): Promise<Result<{ deleted: string }>> {
    const repo = kind === 'computed' ? this.store.computedTraits : this.store.scoreModels;
    if (!(await repo.get(workspaceId, id))) return fail('not_found', `${id} does not exist`);
    const v = await this.#validate(
      workspaceId,
      kind === 'computed' ? { computed: { id, deleted: true } } : { score: { id, deleted: true } },
    );
    if (!v.ok) return fail('in_use', `${id} is used by a segment: ${v.error.message}`, undefined, v.error);
    await repo.delete(workspaceId, id);
    this.runtime.invalidate(workspaceId);
    return { ok: true, value: { deleted: id } };
  }

  async #rebuildAll(workspaceId: string): Promise<void> {
    const total = await this.store.profiles.count(workspaceId);
    const all = await this.store.segments.list(workspaceId);
    if (!all.some((s) => s.kind === 'dynamic')) {
      // No segment build will replay history: replay the aggregates on their own.
      await this.store.jobs.schedule(
        workspaceId,
        {
          id: newId('job'),
          kind: SEGMENT_REPLAY,
          key: '*',
          runAt: this.clock.now(),
          payload: { cursor: null },
        },
        this.clock.now(),
      );
    }
    for (const s of await this.store.segments.list(workspaceId)) {
      if (s.kind !== 'dynamic') continue;
      const next = {
        ...s,
        version: s.version + 1,
        status: 'building' as const,
        buildDone: 0,
        buildCursor: null,
        buildTotal: total,
      };
      await this.store.transaction(async (tx) => {
        await tx.segments.put(workspaceId, next);
        await this.#scheduleBuild(tx, workspaceId, s.id, next.version, true);
      });
    }
    this.runtime.invalidate(workspaceId);
  }

  /** Computed trait values and scores of one profile, now. */
  async valuesOf(
    workspaceId: string,
    profileId: string,
  ): Promise<Result<{ computedTraits: Record<string, ComputedValue>; scores: Record<string, number> }>> {
    const p = await this.store.profiles.get(workspaceId, profileId);
    if (!p) return fail('not_found', `profile ${profileId} does not exist`);
    const ws = await this.runtime.load(workspaceId, this.store);
    if (!ws) return { ok: true, value: { computedTraits: {}, scores: {} } };
    const now = this.clock.now();
    const view = {
      profile: profileStateOf(p),
      aggregates: p.aggregates,
    };
    const memberships = new Set(p.memberships);
    const scores: Record<string, number> = {};
    for (const m of await this.store.scoreModels.list(workspaceId))
      scores[m.id] = scoreAt(ws.compiled, m.id, view, now, (s) => memberships.has(s));
    return { ok: true, value: { computedTraits: computedTraitValues(ws.compiled, view, now), scores } };
  }

  listDefinitions(workspaceId: string, kind: 'computed' | 'score'): Promise<DefinitionRecord[]> {
    return (kind === 'computed' ? this.store.computedTraits : this.store.scoreModels).list(workspaceId);
  }

  // ---- personas ----------------------------------------------------------------------------------------

  async listPersonas(workspaceId: string): Promise<(PersonaRecord & { size: number })[]> {
    const sizes = new Map((await this.store.segments.list(workspaceId)).map((s) => [s.id, s.size]));
    return (await this.store.personas.list(workspaceId)).map((p) => ({
      ...p,
      size: sizes.get(p.segmentId) ?? 0,
    }));
  }

  async putPersona(
    workspaceId: string,
    id: string | null,
    input: PersonaInput,
  ): Promise<Result<PersonaRecord & { size: number }>> {
    const seg = await this.store.segments.get(workspaceId, input.segmentId);
    if (!seg)
      return fail(
        'invalid_value',
        `segment ${input.segmentId} does not exist: a persona is defined by an existing segment`,
        'segmentId',
      );
    const cur = id ? await this.store.personas.get(workspaceId, id) : undefined;
    if (id && !cur) return fail('not_found', `persona ${id} does not exist`);
    const now = this.clock.now();
    const rec: PersonaRecord = {
      id: id ?? newId('prs'),
      name: input.name,
      description: input.description ?? '',
      goals: input.goals ?? [],
      criticalNeeds: input.criticalNeeds ?? [],
      preferredChannels: input.preferredChannels ?? [],
      imageUrl: input.imageUrl ?? null,
      segmentId: input.segmentId,
      createdAt: cur?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.personas.put(workspaceId, rec);
    return { ok: true, value: { ...rec, size: seg.size } };
  }

  async getPersona(workspaceId: string, id: string): Promise<Result<PersonaRecord & { size: number }>> {
    const p = await this.store.personas.get(workspaceId, id);
    if (!p) return fail('not_found', `persona ${id} does not exist`);
    const seg = await this.store.segments.get(workspaceId, p.segmentId);
    return { ok: true, value: { ...p, size: seg?.size ?? 0 } };
  }

  async deletePersona(workspaceId: string, id: string): Promise<Result<{ deleted: string }>> {
    return (await this.store.personas.delete(workspaceId, id))
      ? { ok: true, value: { deleted: id } }
      : fail('not_found', `persona ${id} does not exist`);
  }
}
