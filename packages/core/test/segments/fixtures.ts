// Shared test helpers: events, a profile fed event by event the way the engine will do it, and fixed times.
import assert from 'node:assert/strict';
import type { IncomingEvent } from '../../src/ingest/types';
import { applyEvent, newProfileState } from '../../src/profile/apply';
import type { ProfileState } from '../../src/profile/types';
import {
  compileSegments,
  evaluate,
  updateState,
  type CompiledSegments,
  type SegmentDefinitions,
} from '../../src/segments';
import type { AggregateState, SegmentView } from '../../src/segments/types';
import { makeEvent } from '../identity/replay';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** 2026-03-01T00:00:00Z. */
export const T0 = 1_772_323_200_000;

export { makeEvent };

/** A track event named `name` at time `at`. */
export function track(name: string, at: number, partial: Partial<IncomingEvent> = {}): IncomingEvent {
  return makeEvent({ type: 'track', name, timestamp: at, ...partial });
}

/** An identify event setting traits at time `at`. */
export function identify(traits: Record<string, unknown>, at: number): IncomingEvent {
  return makeEvent({ type: 'identify', traits, timestamp: at });
}

export function compile(defs: SegmentDefinitions): CompiledSegments {
  const r = compileSegments(defs);
  if (!r.ok) assert.fail(r.error.map((e) => e.message).join('\n'));
  return r.value;
}

/** One profile fed event by event, as the engine does: profile state and aggregates at processing time. */
export class Profile {
  profile: ProfileState;
  aggregates: AggregateState = {};
  consent: SegmentView['consent'];
  surveys: SegmentView['surveys'];

  constructor(
    readonly compiled: CompiledSegments,
    readonly id = 'prf_1',
    createdAt = T0,
  ) {
    this.profile = newProfileState(id, createdAt);
  }

  /** Processes events at `now` (default: each at its own timestamp). */
  feed(events: IncomingEvent[], now?: number): this {
    for (const e of events) {
      this.profile = applyEvent(this.profile, e);
      this.aggregates = updateState(this.compiled, this.aggregates, e, now ?? e.timestamp);
    }
    return this;
  }

  get view(): SegmentView {
    return {
      profile: this.profile,
      aggregates: this.aggregates,
      consent: this.consent,
      surveys: this.surveys,
    };
  }

  at(segmentId: string, now: number, lookup?: (id: string) => boolean) {
    return evaluate(this.compiled, segmentId, this.view, now, lookup);
  }
}
