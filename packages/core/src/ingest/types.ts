/** The Segment message types accepted by the ingestion API (Segment HTTP Tracking API semantics). */
export type MessageType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';

export const MESSAGE_TYPES: readonly MessageType[] = [
  'identify',
  'track',
  'page',
  'screen',
  'group',
  'alias',
];

/** Free-form JSON object as sent by a client. */
export type JsonObject = Record<string, unknown>;

/**
 * One validated, normalized incoming message, ready to append to the event log.
 * Times are epoch milliseconds.
 */
export interface IncomingEvent {
  /** Client-supplied idempotency key (or one generated at ingest when the client sent none). */
  messageId: string;
  type: MessageType;
  /** track: the event name; page/screen: the page/screen name (or null); others: null. */
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** alias only: the identifier being aliased to userId. */
  previousId: string | null;
  /** group only. */
  groupId: string | null;
  traits: JsonObject;
  properties: JsonObject;
  context: JsonObject;
  integrations: JsonObject;
  /** When the event happened, after Segment's clock-skew correction. */
  timestamp: number;
  /** When the server received it. */
  receivedAt: number;
  sentAt: number | null;
  originalTimestamp: number | null;
  /** The channel the event came through: web, app, email, sms, push, phone, store, qr, social, chat, server... */
  channel: string;
  /** The concrete touchpoint inside the channel (e.g. "store-12", "ivr-main", "checkout-page"), if known. */
  touchpoint: string | null;
  /** The message as stored: canonical JSON of the original message with the fields above resolved. */
  json: string;
}

/** Ingestion limits (bytes of the UTF-8 JSON encoding). */
export interface IngestLimits {
  maxEventBytes: number;
  maxBatchBytes: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = { maxEventBytes: 32 * 1024, maxBatchBytes: 500 * 1024 };
