import type { IncomingEvent, JsonObject, ProfileState } from '@omnicx/core';
import type { ProfileRecord, Store, StoredEvent, StoreTx } from '@omnicx/store';

const obj = (v: unknown): JsonObject =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {};
const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

/** Rebuilds the normalized event from a log row (columns plus the stored message JSON). */
export function eventFromStored(e: StoredEvent): IncomingEvent {
  const m = obj(JSON.parse(e.payload));
  return {
    messageId: e.messageId,
    type: e.type,
    name: e.name,
    userId: e.userId,
    anonymousId: e.anonymousId,
    previousId: str(m.previousId),
    groupId: str(m.groupId),
    traits: obj(m.traits),
    properties: obj(m.properties),
    context: obj(m.context),
    integrations: obj(m.integrations),
    timestamp: e.timestamp,
    receivedAt: e.receivedAt,
    sentAt: null,
    originalTimestamp: null,
    channel: e.channel,
    touchpoint: e.touchpoint,
    json: e.payload,
  };
}

/** The part of a stored profile core's profile functions work on. */
export function profileStateOf(p: ProfileRecord): ProfileState {
  return {
    id: p.id,
    traits: { values: p.traits, updatedAt: p.traitTimes },
    firstSeenAt: p.firstSeenAt,
    lastSeenAt: p.lastSeenAt,
    eventCount: p.eventCount,
    channels: p.channels,
  };
}

/** The events of some profiles, grouped by profile (each in timeline order), for replays. */
export async function eventsByProfile(
  reader: Pick<Store | StoreTx, 'events'>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, IncomingEvent[]>> {
  const out = new Map<string, IncomingEvent[]>();
  for (const e of await reader.events.allForProfiles(workspaceId, profileIds)) {
    const list = out.get(e.profileId!);
    if (list) list.push(eventFromStored(e));
    else out.set(e.profileId!, [eventFromStored(e)]);
  }
  return out;
}
