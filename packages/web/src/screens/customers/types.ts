export interface Identity {
  type: string;
  value: string;
}
export interface ChannelUse {
  channel: string;
  touchpoint: string | null;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
}
export interface Profile {
  id: string;
  identities: Identity[];
  traits: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
  eventCount: number;
  channels: ChannelUse[];
  mergedFrom: string[];
}
export interface TimelineEvent {
  id: string;
  messageId: string;
  type: string;
  event: string | null;
  channel: string;
  touchpoint: string | null;
  timestamp: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
}
