import type { IncomingEvent, JsonObject } from '@omnicx/core';
import { systemEvent } from './system-events';

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
  return systemEvent({
    name,
    properties: properties as JsonObject,
    channel: o.channel,
    touchpoint: o.touchpoint,
    userId: o.subject.userId ?? null,
    anonymousId: o.subject.anonymousId ?? null,
    ...(o.subject.externalIds ? { externalIds: o.subject.externalIds } : {}),
    now: o.timestamp,
    receivedAt: o.receivedAt,
    messageId: o.messageId,
  });
}
