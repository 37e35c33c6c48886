// Membership changes are events: the engine turns each entered/exited segment into a `Segment Entered` /
// `Segment Exited` event on the profile's timeline, which automation triggers consume.
import type { SegmentResult } from './types';

export const SEGMENT_ENTERED = 'Segment Entered';
export const SEGMENT_EXITED = 'Segment Exited';

export interface MembershipDiff {
  entered: string[];
  exited: string[];
}

/**
 * Compares the segments a profile was in with fresh results. Only evaluated segments can change: a segment
 * absent from `results` keeps its previous membership. Lists are in `results` order.
 */
export function diffMemberships(
  previous: ReadonlySet<string> | readonly string[],
  results: readonly Pick<SegmentResult, 'id' | 'member'>[],
): MembershipDiff {
  const before = previous instanceof Set ? previous : new Set(previous as readonly string[]);
  const entered: string[] = [];
  const exited: string[] = [];
  for (const r of results) {
    const was = before.has(r.id);
    if (r.member && !was) entered.push(r.id);
    else if (!r.member && was) exited.push(r.id);
  }
  return { entered, exited };
}

/** The memberships after applying a diff. */
export function applyMembershipDiff(
  previous: ReadonlySet<string> | readonly string[],
  diff: MembershipDiff,
): Set<string> {
  const out = new Set(previous);
  for (const id of diff.exited) out.delete(id);
  for (const id of diff.entered) out.add(id);
  return out;
}

/** The track events (name and properties) announcing a diff, exits first so a move reads exit → enter. */
export function membershipEvents(
  diff: MembershipDiff,
): { event: string; properties: { segment_id: string } }[] {
  return [
    ...diff.exited.map((id) => ({ event: SEGMENT_EXITED, properties: { segment_id: id } })),
    ...diff.entered.map((id) => ({ event: SEGMENT_ENTERED, properties: { segment_id: id } })),
  ];
}
