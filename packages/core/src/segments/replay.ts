// Full recompute from an event history: the same aggregates folded over the events, so a backfill (a new or
// edited segment, a restored profile) answers exactly like the incremental path. It streams: memory is the
// aggregate state, never the history.
import type { IncomingEvent } from '../ingest/types';
import { applyEvent, newProfileState } from '../profile/apply';
import type { ProfileState } from '../profile/types';
import { type CompiledSegments, evaluate, updateState } from './compile';
import type {
  AggregateState,
  ConsentState,
  MembershipLookup,
  SegmentResult,
  SegmentView,
  SurveyAnswer,
} from './types';

/** Folds a profile's events (any order) into aggregate state as of `now`. */
export function replayState(
  compiled: CompiledSegments,
  events: Iterable<IncomingEvent>,
  now: number,
): AggregateState {
  let state: AggregateState = {};
  for (const e of events) state = updateState(compiled, state, e, now);
  return state;
}

/** Rebuilds a profile's whole view (profile state and aggregates) from its events, as of `now`. */
export function replayView(
  compiled: CompiledSegments,
  profileId: string,
  events: readonly IncomingEvent[],
  now: number,
  extra: { consent?: Record<string, ConsentState>; surveys?: Record<string, SurveyAnswer> } = {},
): SegmentView {
  let profile: ProfileState = newProfileState(
    profileId,
    events.length > 0 ? Math.min(...events.map((e) => e.timestamp)) : now,
  );
  for (const e of events) profile = applyEvent(profile, e);
  return { profile, aggregates: replayState(compiled, events, now), ...extra };
}

/** Recomputes one segment for one profile from its full history. */
export function recompute(
  compiled: CompiledSegments,
  segmentId: string,
  profileId: string,
  events: readonly IncomingEvent[],
  now: number,
  lookup?: MembershipLookup,
): SegmentResult {
  return evaluate(compiled, segmentId, replayView(compiled, profileId, events, now), now, lookup);
}
