import type { IncomingEvent, JsonObject } from '@omnicx/core';
import type { StoredEvent } from '@omnicx/store';

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
