/** Traits with, per key, the event time of the value kept (newest event time wins). */
export interface TraitState {
  values: Record<string, unknown>;
  updatedAt: Record<string, number>;
}

/** How often and when a profile used one channel (or one touchpoint of a channel). */
export interface ChannelStat {
  channel: string;
  touchpoint: string | null;
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** The part of a profile the pipeline maintains from events. */
export interface ProfileState {
  id: string;
  traits: TraitState;
  firstSeenAt: number;
  lastSeenAt: number;
  eventCount: number;
  /** Keyed by `channel` or `channel/touchpoint`. */
  channels: Record<string, ChannelStat>;
}
