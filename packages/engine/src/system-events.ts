import type { IncomingEvent, JsonObject } from '@omnicx/core';

/** The channel of events omnicx writes itself: not a customer touchpoint. */
export const SYSTEM_CHANNEL = 'system';

/**
 * An event omnicx writes itself (process started/ended, an automation's custom event or trait change),
 * assigned to a known profile by the caller. `messageId` should be deterministic where the event is an
 * effect, so a replay is stored once.
 */
export function systemEvent(a: {
  type?: 'track' | 'identify';
  name: string | null;
  properties?: JsonObject;
  traits?: JsonObject;
  touchpoint?: string | null;
  now: number;
  messageId: string;
}): IncomingEvent {
  const type = a.type ?? 'track';
  const properties = a.properties ?? {};
  const traits = a.traits ?? {};
  const context = { channel: SYSTEM_CHANNEL, ...(a.touchpoint ? { touchpoint: a.touchpoint } : {}) };
  return {
    messageId: a.messageId,
    type,
    name: type === 'track' ? a.name : null,
    userId: null,
    anonymousId: null,
    previousId: null,
    groupId: null,
    traits,
    properties,
    context,
    integrations: {},
    timestamp: a.now,
    receivedAt: a.now,
    sentAt: null,
    originalTimestamp: null,
    channel: SYSTEM_CHANNEL,
    touchpoint: a.touchpoint ?? null,
    json: JSON.stringify({
      type,
      ...(type === 'track' ? { event: a.name, properties } : { traits }),
      messageId: a.messageId,
      context,
      timestamp: new Date(a.now).toISOString(),
    }),
  };
}
