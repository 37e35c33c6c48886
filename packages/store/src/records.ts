import type { AggregateState, ChannelStat, MessageType } from '@omnicx/core';

// What the store hands out: plain records with parsed JSON, no Kysely types.

export interface WorkspaceRecord {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  createdAt: number;
}

export type KeyKind = 'write' | 'secret';

export interface ApiKeyRecord {
  workspaceId: string;
  id: string;
  kind: KeyKind;
  name: string;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface StoredEvent {
  seq: number;
  workspaceId: string;
  messageId: string;
  type: MessageType;
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  profileId: string | null;
  channel: string;
  touchpoint: string | null;
  timestamp: number;
  receivedAt: number;
  /** The message as ingested (JSON text). */
  payload: string;
}

export interface ProfileRecord {
  id: string;
  mergedInto: string | null;
  traits: Record<string, unknown>;
  traitTimes: Record<string, number>;
  channels: Record<string, ChannelStat>;
  firstSeenAt: number;
  lastSeenAt: number;
  eventCount: number;
  createdAt: number;
  updatedAt: number;
  /** Segment aggregates (core's AggregateState): counters per window bucket, kept by the pipeline. */
  aggregates: AggregateState;
  /** Ids of the segments and lists the profile is in now. */
  memberships: string[];
}

export interface IdentityRow {
  type: string;
  value: string;
  profileId: string;
}

export interface MergeRecord {
  id: string;
  targetProfileId: string;
  sourceProfileId: string;
  eventSeq: number | null;
  /** The identifiers that linked the two profiles. */
  linkedBy: { type: string; value: string }[];
  createdAt: number;
}

export interface IdentityConflictRecord {
  id: string;
  profileId: string;
  eventSeq: number | null;
  identifierType: string;
  identifierValue: string;
  reason: string;
  otherProfileId: string | null;
  detail: string;
  createdAt: number;
}

/** Splits a list into chunks so no statement exceeds the database's bind-parameter limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
