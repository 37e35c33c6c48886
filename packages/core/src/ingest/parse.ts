// Validates and normalizes Segment HTTP Tracking API messages (what analytics-node, analytics.js and the
// mobile SDKs send) into IncomingEvents. Every error names the offending field and says how to fix it,
// because the message goes straight back to the API user.
import { err, ok, type DomainError, type Result } from '../errors';
import { deriveChannel } from './channel';
import { parseTimestamp, resolveEventTime } from './time';
import {
  DEFAULT_INGEST_LIMITS,
  MESSAGE_TYPES,
  type IncomingEvent,
  type IngestLimits,
  type JsonObject,
  type MessageType,
} from './types';

const MAX_ID_CHARS = 512;
const MAX_NAME_CHARS = 256;
const MAX_MESSAGE_ID_CHARS = 200;
const MAX_BATCH_MESSAGES = 2500;
// Outside this range a Date cannot be formatted, so a resolved event time beyond it is refused.
const MAX_EPOCH_MS = 8.64e15;
const OBJECT_FIELDS = ['traits', 'properties', 'context', 'integrations'] as const;

export interface ParseOptions {
  /** The message type fixed by the route (/v1/track → 'track'); when absent (batch), raw.type is required. */
  type?: MessageType;
  receivedAt: number;
  /** Prefix for field names in errors, e.g. 'batch[3]'; '' for a single-message route. */
  path?: string;
  /** Generates a messageId when the client sent none. */
  newMessageId: () => string;
  limits?: IngestLimits;
  /**
   * Batch-level context/integrations merged under each message's own (message keys win, shallow), and the
   * batch's sentAt, used by messages that carry none (analytics-node sends sentAt only on the batch).
   */
  defaults?: { context?: JsonObject; integrations?: JsonObject; sentAt?: number };
}

/** Validates one Segment message and normalizes it into an IncomingEvent, or names what is wrong. */
export function parseMessage(raw: unknown, opts: ParseOptions): Result<IncomingEvent> {
  const path = opts.path ?? '';
  const at = (field: string): string => (path ? `${path}.${field}` : field);
  const subject = path || 'The message';

  if (!isObject(raw)) {
    return fail('invalid_body', path, `${subject} must be a JSON object (got ${jsonType(raw)})`);
  }
  const limits = opts.limits ?? DEFAULT_INGEST_LIMITS;
  const bytes = utf8Length(JSON.stringify(raw));
  if (bytes > limits.maxEventBytes) {
    return fail(
      'event_too_large',
      path,
      `${subject} is ${bytes} bytes; the limit is ${limits.maxEventBytes} bytes per event: ` +
        'move large data out of properties',
    );
  }

  const type = readType(raw.type, opts.type, at('type'));
  if (!type.ok) return type;
  const userId = readId(raw.userId, at('userId'));
  if (!userId.ok) return userId;
  const anonymousId = readId(raw.anonymousId, at('anonymousId'));
  if (!anonymousId.ok) return anonymousId;
  // previousId and groupId only mean something on alias and group; elsewhere they are kept as sent.
  const previousId = type.value === 'alias' ? readId(raw.previousId, at('previousId')) : ok(null);
  if (!previousId.ok) return previousId;
  const groupId = type.value === 'group' ? readId(raw.groupId, at('groupId')) : ok(null);
  if (!groupId.ok) return groupId;

  const objects: Record<(typeof OBJECT_FIELDS)[number], JsonObject> = {
    traits: {},
    properties: {},
    context: {},
    integrations: {},
  };
  for (const field of OBJECT_FIELDS) {
    const value = readObject(raw[field], at(field));
    if (!value.ok) return value;
    objects[field] = value.value;
  }
  const context = { ...opts.defaults?.context, ...objects.context };
  const integrations = { ...opts.defaults?.integrations, ...objects.integrations };

  const name = readName(type.value, raw, at);
  if (!name.ok) return name;
  const messageId = readMessageId(raw.messageId, at('messageId'));
  if (!messageId.ok) return messageId;

  const timestamp = parseTimestamp(raw.timestamp, at('timestamp'));
  if (!timestamp.ok) return timestamp;
  const ownSentAt = parseTimestamp(raw.sentAt, at('sentAt'));
  if (!ownSentAt.ok) return ownSentAt;
  const originalTimestamp = parseTimestamp(raw.originalTimestamp, at('originalTimestamp'));
  if (!originalTimestamp.ok) return originalTimestamp;
  const sentAt = ownSentAt.value ?? opts.defaults?.sentAt ?? null;
  const time = resolveEventTime({
    timestamp: timestamp.value,
    sentAt,
    originalTimestamp: originalTimestamp.value,
    receivedAt: opts.receivedAt,
  });
  if (!(Math.abs(time) <= MAX_EPOCH_MS)) {
    return fail(
      'invalid_timestamp',
      at('originalTimestamp'),
      `${at('sentAt')} and ${at('originalTimestamp')} are too far apart to correct the device clock: ` +
        'send them from the same clock, or send timestamp instead',
    );
  }

  const identity = checkIdentity(
    type.value,
    userId.value,
    anonymousId.value,
    previousId.value,
    groupId.value,
    {
      at,
      subject,
    },
  );
  if (identity) return err(identity);

  const attribution = deriveChannel(type.value, context, objects.properties, path);
  if (!attribution.ok) return attribution;
  const { channel, touchpoint } = attribution.value;
  const storedContext: JsonObject = { ...context, channel };
  if (touchpoint === null) delete storedContext.touchpoint;
  else storedContext.touchpoint = touchpoint;

  const id = messageId.value ?? opts.newMessageId();
  const json: JsonObject = { ...raw };
  // The write key is a credential: it must never reach the event log.
  delete json.writeKey;
  for (const field of OBJECT_FIELDS) if (json[field] === null) delete json[field];
  json.type = type.value;
  json.messageId = id;
  setOrDelete(json, 'userId', userId.value);
  setOrDelete(json, 'anonymousId', anonymousId.value);
  if (type.value === 'alias') setOrDelete(json, 'previousId', previousId.value);
  if (type.value === 'group') setOrDelete(json, 'groupId', groupId.value);
  if (ownSentAt.value === null && sentAt !== null) json.sentAt = new Date(sentAt).toISOString();
  json.timestamp = new Date(time).toISOString();
  json.receivedAt = new Date(opts.receivedAt).toISOString();
  json.context = storedContext;
  if (Object.keys(integrations).length > 0) json.integrations = integrations;

  return ok({
    messageId: id,
    type: type.value,
    name: name.value,
    userId: userId.value,
    anonymousId: anonymousId.value,
    previousId: previousId.value,
    groupId: groupId.value,
    traits: objects.traits,
    properties: objects.properties,
    context: storedContext,
    integrations,
    timestamp: time,
    receivedAt: opts.receivedAt,
    sentAt,
    originalTimestamp: originalTimestamp.value,
    channel,
    touchpoint,
    json: JSON.stringify(json),
  });
}

/** Validates a /v1/batch body and parses every message; the batch is atomic, so the first error fails it. */
export function parseBatch(
  body: unknown,
  opts: Omit<ParseOptions, 'type' | 'path' | 'defaults'>,
): Result<IncomingEvent[]> {
  if (!isObject(body) || !Array.isArray(body.batch)) {
    const got = !isObject(body)
      ? `got ${jsonType(body)}`
      : body.batch === undefined
        ? 'there is no batch field'
        : `batch is ${jsonType(body.batch)}`;
    return fail(
      'invalid_body',
      'batch',
      `expected {"batch":[...]}: the request body must be a JSON object whose batch field is an array of ` +
        `messages (${got})`,
    );
  }
  const items: unknown[] = body.batch;
  if (items.length === 0) {
    return fail('empty_batch', 'batch', 'batch is empty: send at least one message in the batch array');
  }
  if (items.length > MAX_BATCH_MESSAGES) {
    return fail(
      'batch_too_large',
      'batch',
      `batch has ${items.length} messages; the limit is ${MAX_BATCH_MESSAGES} messages per batch: ` +
        'split it into several requests',
    );
  }
  const limits = opts.limits ?? DEFAULT_INGEST_LIMITS;
  const bytes = utf8Length(JSON.stringify(body));
  if (bytes > limits.maxBatchBytes) {
    return fail(
      'batch_too_large',
      'batch',
      `The batch is ${bytes} bytes; the limit is ${limits.maxBatchBytes} bytes per batch: ` +
        'split it into several requests',
    );
  }

  const context = readObject(body.context, 'context');
  if (!context.ok) return context;
  const integrations = readObject(body.integrations, 'integrations');
  if (!integrations.ok) return integrations;
  const sentAt = parseTimestamp(body.sentAt, 'sentAt');
  if (!sentAt.ok) return sentAt;
  const defaults: ParseOptions['defaults'] = { context: context.value, integrations: integrations.value };
  if (sentAt.value !== null) defaults.sentAt = sentAt.value;

  const events: IncomingEvent[] = [];
  for (const [i, item] of items.entries()) {
    const event = parseMessage(item, {
      receivedAt: opts.receivedAt,
      newMessageId: opts.newMessageId,
      limits,
      path: `batch[${i}]`,
      defaults,
    });
    if (!event.ok) return event;
    events.push(event.value);
  }
  return ok(events);
}

/** Checks the type against the route's; in a batch (no route type) it must be one of MESSAGE_TYPES. */
function readType(value: unknown, routeType: MessageType | undefined, field: string): Result<MessageType> {
  if (routeType !== undefined) {
    if (value === undefined || value === null || value === routeType) return ok(routeType);
    return fail(
      'invalid_field',
      field,
      `${field} is ${describe(value)} but this endpoint only takes "${routeType}" messages: leave type out, ` +
        'or send the message to the endpoint of its type or to /v1/batch',
    );
  }
  if (MESSAGE_TYPES.some((t) => t === value)) return ok(value as MessageType);
  const got = value === undefined ? 'it is missing' : `got ${describe(value)}`;
  return fail('invalid_field', field, `${field} must be one of ${MESSAGE_TYPES.join(', ')} (${got})`);
}

/** Reads an identifier: a string or finite number (as a string); blank strings count as absent. */
function readId(value: unknown, field: string): Result<string | null> {
  if (value === undefined || value === null) return ok(null);
  if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
  if (typeof value !== 'string') {
    return fail('invalid_field', field, `${field} must be a string or number (got ${jsonType(value)})`);
  }
  if (value.trim() === '') return ok(null);
  if (tooLong(value, MAX_ID_CHARS)) {
    return fail('invalid_field', field, `${field} must be at most ${MAX_ID_CHARS} characters long`);
  }
  return ok(value);
}

/** Reads traits/properties/context/integrations: absent → {}, otherwise it must be a JSON object. */
function readObject(value: unknown, field: string): Result<JsonObject> {
  if (value === undefined || value === null) return ok({});
  if (isObject(value)) return ok(value);
  return fail(
    'invalid_field',
    field,
    `${field} must be a JSON object like {"key":"value"} (got ${jsonType(value)})`,
  );
}

/** Reads the event name of a track, or the optional page/screen name; other types have none. */
function readName(type: MessageType, raw: JsonObject, at: (field: string) => string): Result<string | null> {
  if (type === 'track') {
    const event = raw.event;
    if (event === undefined || event === null || (typeof event === 'string' && event.trim() === '')) {
      return fail(
        'missing_field',
        at('event'),
        `${at('event')} is required for track: name what the user did, e.g. "Order Completed"`,
      );
    }
    return readText(event, at('event'));
  }
  if (type !== 'page' && type !== 'screen') return ok(null);
  const category = raw.category;
  if (category !== undefined && category !== null && typeof category !== 'string') {
    return fail(
      'invalid_field',
      at('category'),
      `${at('category')} must be a string (got ${jsonType(category)})`,
    );
  }
  const name = raw.name;
  if (name === undefined || name === null || (typeof name === 'string' && name.trim() === ''))
    return ok(null);
  return readText(name, at('name'));
}

/** Reads a non-blank name of at most MAX_NAME_CHARS characters. */
function readText(value: unknown, field: string): Result<string> {
  if (typeof value !== 'string') {
    return fail('invalid_field', field, `${field} must be a string (got ${jsonType(value)})`);
  }
  if (tooLong(value, MAX_NAME_CHARS)) {
    return fail('invalid_field', field, `${field} must be at most ${MAX_NAME_CHARS} characters long`);
  }
  return ok(value);
}

/** Reads the client's idempotency key; a blank one counts as absent (one is generated). */
function readMessageId(value: unknown, field: string): Result<string | null> {
  if (value === undefined || value === null) return ok(null);
  if (typeof value !== 'string') {
    return fail(
      'invalid_field',
      field,
      `${field} must be a string (got ${jsonType(value)}); leave it out to have one generated`,
    );
  }
  if (value.trim() === '') return ok(null);
  if (tooLong(value, MAX_MESSAGE_ID_CHARS)) {
    return fail('invalid_field', field, `${field} must be at most ${MAX_MESSAGE_ID_CHARS} characters long`);
  }
  return ok(value);
}

/** Checks that the message names who it is about, as each type requires; returns the error or null. */
function checkIdentity(
  type: MessageType,
  userId: string | null,
  anonymousId: string | null,
  previousId: string | null,
  groupId: string | null,
  where: { at: (field: string) => string; subject: string },
): DomainError | null {
  const { at, subject } = where;
  if (type === 'alias') {
    if (userId === null) {
      return missing(
        at('userId'),
        'is required for alias: send the new id of the user (usually their user id)',
      );
    }
    if (previousId === null) {
      return missing(
        at('previousId'),
        'is required for alias: send the id the user was known by before (usually their anonymousId)',
      );
    }
    return null;
  }
  if (userId === null && anonymousId === null) {
    return {
      code: 'missing_identity',
      field: at('userId'),
      message:
        `${subject} needs a userId or an anonymousId: send the id of the logged-in user as userId, ` +
        'or a stable device/browser id as anonymousId',
    };
  }
  if (type === 'group' && groupId === null) {
    return missing(
      at('groupId'),
      'is required for group: send the id of the account or company the user joins',
    );
  }
  return null;
}

/** A missing_field error whose message starts with the field name. */
function missing(field: string, why: string): DomainError {
  return { code: 'missing_field', field, message: `${field} ${why}` };
}

/** A failed Result; an empty field (the whole message of a single-message route) is left out. */
function fail(code: string, field: string, message: string): Result<never> {
  return err(field ? { code, field, message } : { code, message });
}

/** Sets a normalized id in the stored JSON, or removes a blank one. */
function setOrDelete(json: JsonObject, key: string, value: string | null): void {
  if (value === null) delete json[key];
  else json[key] = value;
}

/** True for a plain JSON object (not null, not an array). */
function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type of a value, for "(got boolean)" in error messages. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return value === undefined ? 'nothing' : typeof value;
}

/** Shows a bad value in an error message: strings quoted (shortened), other values by JSON type. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return jsonType(value);
}

/** True when a string has more than max characters (code points, so an emoji counts once). */
function tooLong(s: string, max: number): boolean {
  return s.length > max && [...s].length > max;
}

/** The byte length of a string's UTF-8 encoding, counted without allocating the encoded bytes. */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair is one 4-byte code point
      i++;
    } else bytes += 3;
  }
  return bytes;
}
