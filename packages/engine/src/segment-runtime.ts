import {
  SEGMENT_ENTERED,
  SEGMENT_EXITED,
  affects,
  dependentsOf,
  compileSegments,
  diffMemberships,
  evaluateMany,
  mergeStates,
  pruneState,
  updateState,
  type AggregateState,
  type CompiledSegments,
  type IncomingEvent,
  type ProfileState,
  type SegmentDefinitions,
} from '@omnicx/core';
import type { Store, StoreTx } from '@omnicx/store';
import type { Logger } from './ports';
import { systemEvent } from './system-events';

export const SEGMENT_RECHECK = 'segments.recheck';
export const SEGMENT_BUILD = 'segments.build';
export const SEGMENT_REPLAY = 'segments.replay';

/** A workspace's segments, computed traits and score models, compiled once per definitions change. */
export interface WorkspaceSegments {
  compiled: CompiledSegments;
  /** Dynamic segment ids, in evaluation order. */
  dynamic: string[];
  /** Static list ids (members come from the profile's stored memberships). */
  lists: Set<string>;
  names: Map<string, string>;
  /** Segments still being built, with the last profile id the build has covered (null: none yet). */
  building: Map<string, string | null>;
}

/** A segment and the segments that refer to it: what must be re-evaluated when it changes. */
export function withDependents(ws: WorkspaceSegments, segmentId: string): string[] {
  return [segmentId, ...dependentsOf(ws.compiled, [segmentId]).filter((id) => id !== segmentId)];
}

/** The part of a profile segment evaluation reads and writes. */
export interface SegmentSubject {
  id: string;
  state: ProfileState;
  aggregates: AggregateState;
  memberships: Set<string>;
}

/** What evaluating one profile changed. */
export interface MembershipChange {
  profileId: string;
  entered: string[];
  exited: string[];
  /** When the answer can next change without events; null: never. */
  nextCheckAt: number | null;
  /** Only some segments were evaluated: keep an earlier re-check time, never cancel it. */
  partial?: boolean;
}

type Reader = Pick<Store, 'segments' | 'computedTraits' | 'scoreModels'>;

/**
 * Keeps each workspace's compiled segment set and does the per-profile work the pipeline asks for: fold events
 * into aggregates, evaluate the affected segments, turn membership changes into writes and events. The pure
 * work is core's; this adds caching, storage and the "still building" rule.
 */
export class SegmentRuntime {
  #cache = new Map<string, Promise<WorkspaceSegments | null>>();

  constructor(private readonly logger: Logger) {}

  /** Drops the cached set (after a definition changed). */
  invalidate(workspaceId: string): void {
    this.#cache.delete(workspaceId);
  }

  /** The compiled set, or null when the workspace has nothing to evaluate. */
  load(workspaceId: string, reader: Reader): Promise<WorkspaceSegments | null> {
    let p = this.#cache.get(workspaceId);
    if (!p) {
      p = compileWorkspace(workspaceId, reader, this.logger);
      this.#cache.set(workspaceId, p);
      p.catch(() => this.#cache.delete(workspaceId));
    }
    return p;
  }

  /** Folds one event into a profile's aggregates; returns the segments it can affect. */
  fold(ws: WorkspaceSegments, subject: SegmentSubject, event: IncomingEvent, now: number): string[] {
    subject.aggregates = updateState(ws.compiled, subject.aggregates, event, now);
    return affects(ws.compiled, event);
  }

  /** Aggregates of two merged profiles. */
  merge(ws: WorkspaceSegments, target: AggregateState, source: AggregateState): AggregateState {
    return mergeStates(ws.compiled, target, source);
  }

  /**
   * Evaluates every dynamic segment for the profile at `now` and updates `subject.memberships`. A segment
   * still being built keeps its old answer for profiles the build has not reached (their aggregates may
   * still lack older history), so no Entered/Exited is emitted from incomplete data.
   */
  evaluate(
    ws: WorkspaceSegments,
    subject: SegmentSubject,
    now: number,
    only?: readonly string[],
  ): MembershipChange {
    if (!only) subject.aggregates = pruneState(ws.compiled, subject.aggregates, now);
    const lookup = (id: string) => subject.memberships.has(id);
    const results = evaluateMany(
      ws.compiled,
      only ?? ws.dynamic,
      { profile: subject.state, aggregates: subject.aggregates },
      now,
      lookup,
    ).filter((r) => {
      if (!ws.building.has(r.id)) return true;
      const cursor = ws.building.get(r.id) ?? null;
      return cursor !== null && subject.id <= cursor;
    });
    const diff = diffMemberships(subject.memberships, results);
    for (const id of diff.entered) subject.memberships.add(id);
    for (const id of diff.exited) subject.memberships.delete(id);
    let next: number | null = null;
    for (const r of results)
      if (r.nextCheckAt !== null && (next === null || r.nextCheckAt < next)) next = r.nextCheckAt;
    // With `only`, other segments' re-check times are unknown here: the timer may only move earlier.
    return {
      profileId: subject.id,
      entered: diff.entered,
      exited: diff.exited,
      nextCheckAt: next,
      partial: !!only,
    };
  }

  /**
   * Writes membership changes (members table, sizes, the recheck timer) and returns the Segment Entered /
   * Exited events to append, already assigned to their profile.
   */
  async write(
    tx: StoreTx,
    workspaceId: string,
    ws: WorkspaceSegments,
    changes: readonly MembershipChange[],
    now: number,
    newJobId: () => string,
    newMessageId: () => string,
  ): Promise<{ event: IncomingEvent; profileId: string }[]> {
    const entered = new Map<string, string[]>();
    const exited = new Map<string, string[]>();
    const out: { event: IncomingEvent; profileId: string }[] = [];
    for (const c of changes) {
      for (const id of c.entered) {
        push(entered, id, c.profileId);
        out.push({
          profileId: c.profileId,
          event: membershipEvent(SEGMENT_ENTERED, id, ws, now, newMessageId()),
        });
      }
      for (const id of c.exited) {
        push(exited, id, c.profileId);
        out.push({
          profileId: c.profileId,
          event: membershipEvent(SEGMENT_EXITED, id, ws, now, newMessageId()),
        });
      }
      if (c.nextCheckAt !== null) {
        await tx.jobs.schedule(
          workspaceId,
          { id: newJobId(), kind: SEGMENT_RECHECK, key: c.profileId, runAt: c.nextCheckAt },
          now,
          c.partial ? 'earliest' : 'replace',
        );
      } else if (!c.partial) {
        await tx.jobs.cancel(workspaceId, SEGMENT_RECHECK, c.profileId);
      }
    }
    for (const [seg, ids] of entered) await tx.segments.addMembers(workspaceId, seg, ids, now);
    for (const [seg, ids] of exited) await tx.segments.removeMembers(workspaceId, seg, ids);
    for (const seg of new Set([...entered.keys(), ...exited.keys()]))
      await tx.segments.recordSize(workspaceId, seg, now);
    return out;
  }
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A Segment Entered / Exited event: on the profile's timeline, usable by triggers and other segments. */
export function membershipEvent(
  name: string,
  segmentId: string,
  ws: Pick<WorkspaceSegments, 'names'>,
  now: number,
  messageId: string,
): IncomingEvent {
  return systemEvent({
    name,
    properties: { segment_id: segmentId, segment_name: ws.names.get(segmentId) ?? segmentId },
    now,
    messageId,
  });
}

async function compileWorkspace(
  workspaceId: string,
  reader: Reader,
  logger: Logger,
): Promise<WorkspaceSegments | null> {
  const segments = await reader.segments.list(workspaceId);
  const computed = await reader.computedTraits.list(workspaceId);
  const scores = await reader.scoreModels.list(workspaceId);
  const dynamicRecords = segments.filter((s) => s.kind === 'dynamic');
  if (dynamicRecords.length === 0 && computed.length === 0 && scores.length === 0) return null;
  const lists = new Set(segments.filter((s) => s.kind === 'list').map((s) => s.id));
  const dynamicIds = new Set(dynamicRecords.map((s) => s.id));
  const defs = {
    segments: dynamicRecords.map((s) => ({ id: s.id, name: s.name, rule: s.rule })),
    computedTraits: computed.map((c) => ({ ...(c.definition as object), id: c.id, name: c.name })),
    scoreModels: scores.map((c) => ({ ...(c.definition as object), id: c.id, name: c.name })),
    externalSegments: [...lists],
  } as unknown as SegmentDefinitions;
  const r = compileSegments(defs);
  if (!r.ok) {
    // Definitions are validated when saved; a set that no longer compiles (e.g. after an upgrade) must not
    // stop the pipeline. Log it and evaluate nothing until it is fixed.
    logger.error({ workspaceId, errors: r.error }, 'stored segment definitions do not compile');
    return null;
  }
  return {
    compiled: r.value,
    dynamic: r.value.order.filter((id) => dynamicIds.has(id)),
    lists,
    names: new Map(segments.map((s) => [s.id, s.name])),
    building: new Map(
      dynamicRecords.filter((s) => s.status === 'building').map((s) => [s.id, s.buildCursor]),
    ),
  };
}
