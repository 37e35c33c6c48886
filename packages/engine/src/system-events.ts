import type { IncomingEvent, JsonObject } from '@omnicx/core';

/** The channel of events omnicx writes itself: not a customer touchpoint. */
export const SYSTEM_CHANNEL = 'system';

/**
 * An event omnicx writes itself: process started/ended, an automation's custom event or trait change,
 * segment membership changes, survey responses, feedback and alerts. The caller assigns it to a known
 * profile, or gives identifiers (userId, anonymousId, externalIds) for the pipeline to resolve.
 * `messageId` should be deterministic where a retry or replay may write it again: the log stores it once.
 */
export function systemEvent(a: {
  type?: 'track' | 'identify';
  name: string | null;
  properties?: JsonObject;
  traits?: JsonObject;
  /** Default {@link SYSTEM_CHANNEL}; a survey answered on the web says `web`. */
  channel?: string;
  touchpoint?: string | null;
  userId?: string | null;
  anonymousId?: string | null;
  /** Other identifiers (email, phone) as Segment's context.externalIds. */
  externalIds?: { type: string; id: string }[];
  now: number;
  /** When the server received what the event records (default `now`). */
  receivedAt?: number;
  messageId: string;
}): IncomingEvent {
  const type = a.type ?? 'track';
  const channel = a.channel ?? SYSTEM_CHANNEL;
  const properties = a.properties ?? {};
  const traits = a.traits ?? {};
  const userId = a.userId ?? null;
  const anonymousId = a.anonymousId ?? null;
  const context = {
    channel,
    ...(a.touchpoint ? { touchpoint: a.touchpoint } : {}),
    ...(a.externalIds?.length
      ? { externalIds: a.externalIds.map((x) => ({ ...x, collection: 'users' })) }
      : {}),
  };
  return {
    messageId: a.messageId,
    type,
    name: type === 'track' ? a.name : null,
    userId,
    anonymousId,
    previousId: null,
    groupId: null,
    traits,
    properties,
    context,
    integrations: {},
    timestamp: a.now,
    receivedAt: a.receivedAt ?? a.now,
    sentAt: null,
    originalTimestamp: null,
    channel,
    touchpoint: a.touchpoint ?? null,
    json: JSON.stringify({
      type,
      ...(type === 'track' ? { event: a.name, properties } : { traits }),
      messageId: a.messageId,
      ...(userId ? { userId } : {}),
      ...(anonymousId ? { anonymousId } : {}),
      context,
      timestamp: new Date(a.now).toISOString(),
    }),
  };
}
