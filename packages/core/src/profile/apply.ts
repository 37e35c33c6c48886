import type { IncomingEvent } from '../ingest/types';
import { applyTraits, emptyTraits, mergeTraitStates } from './traits';
import type { ChannelStat, ProfileState } from './types';

/** Sets an own property even for a channel named "__proto__", which plain assignment would treat as the prototype. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A profile that has seen no events yet, created at event time `at`. */
export function newProfileState(id: string, at: number): ProfileState {
  return { id, traits: emptyTraits(), firstSeenAt: at, lastSeenAt: at, eventCount: 0, channels: {} };
}

function touch(
  channels: Record<string, ChannelStat>,
  key: string,
  channel: string,
  touchpoint: string | null,
  at: number,
): void {
  const prev = Object.hasOwn(channels, key) ? channels[key] : undefined;
  setOwn(
    channels,
    key,
    prev
      ? {
          ...prev,
          count: prev.count + 1,
          firstSeenAt: Math.min(prev.firstSeenAt, at),
          lastSeenAt: Math.max(prev.lastSeenAt, at),
        }
      : { channel, touchpoint, count: 1, firstSeenAt: at, lastSeenAt: at },
  );
}

/** Folds one event into a profile, returning a new state; all times are the event's own time, not arrival time. */
export function applyEvent(state: ProfileState, event: IncomingEvent): ProfileState {
  const at = event.timestamp;
  let traits = state.traits;
  // context.traits first, then an identify's own traits, so at equal time the explicit identify traits win.
  const context: unknown = event.context;
  const contextTraits = isObject(context) && Object.hasOwn(context, 'traits') ? context.traits : undefined;
  if (isObject(contextTraits)) traits = applyTraits(traits, contextTraits, at);
  if (event.type === 'identify' && isObject(event.traits)) traits = applyTraits(traits, event.traits, at);

  const channels = { ...state.channels };
  touch(channels, event.channel, event.channel, null, at);
  if (event.touchpoint) {
    touch(channels, `${event.channel}/${event.touchpoint}`, event.channel, event.touchpoint, at);
  }

  return {
    id: state.id,
    traits,
    firstSeenAt: Math.min(state.firstSeenAt, at),
    lastSeenAt: Math.max(state.lastSeenAt, at),
    eventCount: state.eventCount + 1,
    channels,
  };
}

/** Folds a merged-away profile into the surviving one: the target keeps its id and wins trait ties. */
export function mergeProfileStates(target: ProfileState, source: ProfileState): ProfileState {
  const channels = { ...target.channels };
  for (const key of Object.keys(source.channels)) {
    const s = source.channels[key] as ChannelStat;
    const t = Object.hasOwn(channels, key) ? channels[key] : undefined;
    setOwn(
      channels,
      key,
      t
        ? {
            ...t,
            count: t.count + s.count,
            firstSeenAt: Math.min(t.firstSeenAt, s.firstSeenAt),
            lastSeenAt: Math.max(t.lastSeenAt, s.lastSeenAt),
          }
        : { ...s },
    );
  }
  return {
    id: target.id,
    traits: mergeTraitStates(target.traits, source.traits),
    firstSeenAt: Math.min(target.firstSeenAt, source.firstSeenAt),
    lastSeenAt: Math.max(target.lastSeenAt, source.lastSeenAt),
    eventCount: target.eventCount + source.eventCount,
    channels,
  };
}
