import type { IncomingEvent } from '@omnicx/core';

/** Who an event omnicx writes is about: a known profile, or identifiers for the pipeline to resolve. */
export interface EventSubject {
  profileId: string | null;
  userId?: string | null;
  anonymousId?: string | null;
  /** Other identifiers (email, phone) as Segment's context.externalIds, so the pipeline can resolve them. */
  externalIds?: { type: string; id: string }[];
}

/**
 * A track event written by omnicx itself (survey responses, feedback, alerts). `messageId` is deterministic
 * so a retried request appends it once (the events table de-duplicates by messageId).
 */
export function systemTrack(
  name: string,
  properties: Record<string, unknown>,
  o: {
    messageId: string;
    subject: EventSubject;
    channel: string;
    touchpoint: string | null;
    timestamp: number;
    receivedAt: number;
  },
): IncomingEvent {
  const context: Record<string, unknown> = {
    channel: o.channel,
    ...(o.touchpoint ? { touchpoint: o.touchpoint } : {}),
    ...(o.subject.externalIds?.length
      ? { externalIds: o.subject.externalIds.map((x) => ({ ...x, collection: 'users' })) }
      : {}),
  };
  const userId = o.subject.userId ?? null;
  const anonymousId = o.subject.anonymousId ?? null;
  return {
    messageId: o.messageId,
    type: 'track',
    name,
    userId,
    anonymousId,
    previousId: null,
    groupId: null,
    traits: {},
    properties,
    context,
    integrations: {},
    timestamp: o.timestamp,
    receivedAt: o.receivedAt,
    sentAt: null,
    originalTimestamp: null,
    channel: o.channel,
    touchpoint: o.touchpoint,
    json: JSON.stringify({
      type: 'track',
      event: name,
      messageId: o.messageId,
      ...(userId ? { userId } : {}),
      ...(anonymousId ? { anonymousId } : {}),
      properties,
      context,
      timestamp: new Date(o.timestamp).toISOString(),
    }),
  };
}
