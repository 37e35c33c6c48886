// Every event is attributed to a channel (web, app, phone, store...) and, when known, a touchpoint inside
// it. A source may name both in context; otherwise they are inferred from what Segment clients send.
import { err, ok, type Result } from '../errors';
import type { JsonObject, MessageType } from './types';

const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const CHANNEL_EXAMPLES = 'web, app, email, sms, push, phone, ivr, store, pos, qr, social, chat, server';
const MAX_TOUCHPOINT = 128;

// Substrings of context.library.name that identify a client library's platform.
const WEB_LIBRARIES = ['analytics.js', 'analytics-next'];
const APP_LIBRARIES = ['ios', 'android', 'react-native', 'flutter'];

/**
 * Attributes a message to a channel and touchpoint; `path` prefixes field names in errors (e.g. 'batch[3]').
 */
export function deriveChannel(
  type: MessageType,
  context: JsonObject,
  properties: JsonObject,
  path = '',
): Result<{ channel: string; touchpoint: string | null }> {
  const at = (field: string): string => (path ? `${path}.${field}` : field);

  let channel: string;
  const named = context.channel;
  if (named === undefined || named === null) {
    channel = inferChannel(type, context);
  } else {
    channel = typeof named === 'string' ? named.trim().toLowerCase() : '';
    if (!CHANNEL_NAME.test(channel)) {
      return err({
        code: 'invalid_field',
        field: at('context.channel'),
        message:
          `${at('context.channel')} must be a short lower-case name (letters, digits, - and _, up to 32 ` +
          `characters) such as ${CHANNEL_EXAMPLES} (got ${describe(named)})`,
      });
    }
  }

  const touchpoint = context.touchpoint;
  if (touchpoint !== undefined && touchpoint !== null) {
    const value = typeof touchpoint === 'string' ? touchpoint.trim() : null;
    if (value === null || value.length > MAX_TOUCHPOINT) {
      return err({
        code: 'invalid_field',
        field: at('context.touchpoint'),
        message:
          `${at('context.touchpoint')} must be a string of at most ${MAX_TOUCHPOINT} characters naming ` +
          `where in the channel the event happened, e.g. "ivr-main" or "store-12" (got ` +
          `${value === null ? describe(touchpoint) : `${value.length} characters`})`,
      });
    }
    // A blank touchpoint says nothing, so the inferred one is used instead.
    if (value !== '') return ok({ channel, touchpoint: value });
  }
  return ok({ channel, touchpoint: inferTouchpoint(channel, context, properties) });
}

/** Infers the channel from the message type and the context Segment's client libraries fill in. */
function inferChannel(type: MessageType, context: JsonObject): string {
  if (type === 'page') return 'web';
  if (type === 'screen') return 'app';
  if (isObject(context.page)) return 'web';
  if ((isObject(context.app) || isObject(context.device)) && isObject(context.os)) return 'app';
  const library = isObject(context.library) ? context.library.name : undefined;
  if (typeof library === 'string') {
    const name = library.toLowerCase();
    if (WEB_LIBRARIES.some((s) => name.includes(s))) return 'web';
    if (APP_LIBRARIES.some((s) => name.includes(s))) return 'app';
  }
  return 'server';
}

/** Infers the touchpoint: the site's host name on the web, the app's name in an app. */
function inferTouchpoint(channel: string, context: JsonObject, properties: JsonObject): string | null {
  if (channel === 'web') {
    const page = isObject(context.page) ? context.page.url : undefined;
    return hostName(page) ?? hostName(properties.url);
  }
  if (channel === 'app' && isObject(context.app)) {
    const name = context.app.name;
    if (typeof name === 'string' && name.trim() !== '') return name.trim().slice(0, MAX_TOUCHPOINT);
  }
  return null;
}

/** The host name of a URL, or null when the value is not a URL with a host. */
function hostName(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    const host = new URL(url).hostname;
    return host === '' ? null : host.slice(0, MAX_TOUCHPOINT);
  } catch {
    // Clients send relative or malformed URLs; they just give no touchpoint.
    return null;
  }
}

/** True for a plain JSON object (not null, not an array). */
function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shows a bad value in an error message: strings quoted (shortened), other values by JSON type. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'array';
  return value === null ? 'null' : typeof value;
}
