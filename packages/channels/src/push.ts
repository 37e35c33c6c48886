// Web push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291). The `web-push`
// package builds the request (encryption, VAPID JWT, headers); we send it with fetch so timeouts, redirects
// and error classification are the same as every other HTTP sender.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as WebPush from 'web-push';
import {
  DEFAULT_HTTP_TIMEOUT_MS,
  checkHttpUrl,
  classifyHttpStatus,
  httpRequest,
  isResult,
  originOf,
} from './http';
import type { SendResult } from './types';
import { permanent } from './types';

// web-push is CommonJS and its named exports are not visible to ESM imports.
const webpush = createRequire(import.meta.url)('web-push') as typeof WebPush;

/** A browser's push subscription, as `PushSubscription.toJSON()` gives it. */
export interface PushSubscriptionJson {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A workspace's VAPID identity. `subject` is `mailto:` or an https URL the push service can contact. */
export interface VapidKeys {
  subject: string;
  publicKey: string;
  /** Secret: never logged or returned. */
  privateKey: string;
}

/** What the service worker receives (JSON), shown as a notification. */
export interface PushPayload {
  title: string;
  body: string;
  url?: string;
  icon?: string;
  tag?: string;
  data?: Record<string, unknown>;
}

export interface PushMessage {
  idempotencyKey: string;
  subscription: PushSubscriptionJson;
  vapid: VapidKeys;
  payload: PushPayload;
  /** How long the push service keeps an undelivered message, seconds (default 1 day). */
  ttlSeconds?: number;
  urgency?: 'very-low' | 'low' | 'normal' | 'high';
  /** Replaces an undelivered message with the same topic; defaults to one derived from the idempotency key. */
  topic?: string;
}

export interface PushSender {
  send(message: PushMessage): Promise<SendResult>;
}

/** Push services accept 4096 bytes of encrypted record; aes128gcm costs 86 bytes of header and 17 of tag+pad. */
export const MAX_PUSH_PAYLOAD_BYTES = 3993;

/** Generates a VAPID key pair (URL-safe base64) for a workspace. */
export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys();
}

/** The Topic header for a key: 32 URL-safe base64 characters, so a resend replaces an undelivered copy. */
export function pushTopicFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 32);
}

/**
 * Creates a web push sender. `allowHttpEndpoints` is for tests with a local push service: real
 * subscriptions are always https.
 */
export function createWebPushSender(
  opts: { timeoutMs?: number; now?: () => number; allowHttpEndpoints?: boolean } = {},
): PushSender {
  const now = opts.now ?? Date.now;
  return {
    async send(msg: PushMessage): Promise<SendResult> {
      if (!msg.idempotencyKey?.trim())
        return permanent('invalid_request', 'idempotencyKey is empty; pass the outbox effect key');
      const sub = msg.subscription;
      if (!sub?.endpoint || !sub.keys?.p256dh || !sub.keys?.auth) {
        return permanent(
          'invalid_subscription',
          'the push subscription needs endpoint, keys.p256dh and keys.auth (PushSubscription.toJSON())',
        );
      }
      const url = checkHttpUrl(sub.endpoint, 'push endpoint');
      if (!(url instanceof URL)) return url;
      if (url.protocol !== 'https:' && !opts.allowHttpEndpoints) {
        return permanent(
          'invalid_subscription',
          'push endpoints must be https; this subscription cannot be used',
        );
      }
      const body = JSON.stringify(msg.payload);
      if (Buffer.byteLength(body) > MAX_PUSH_PAYLOAD_BYTES) {
        return permanent(
          'payload_too_large',
          `the push payload is ${Buffer.byteLength(body)} bytes, over the ${MAX_PUSH_PAYLOAD_BYTES} a push service accepts; shorten the title, body or data`,
        );
      }
      let details: WebPush.RequestDetails;
      try {
        details = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: sub.keys }, body, {
          vapidDetails: {
            subject: msg.vapid.subject,
            publicKey: msg.vapid.publicKey,
            privateKey: msg.vapid.privateKey,
          },
          TTL: msg.ttlSeconds ?? 86_400,
          urgency: msg.urgency ?? 'normal',
          topic: msg.topic ?? pushTopicFor(msg.idempotencyKey),
          contentEncoding: 'aes128gcm',
        });
      } catch (err) {
        const text = (err instanceof Error ? err.message : String(err))
          .split(msg.vapid.privateKey)
          .join('[redacted]');
        const isVapid = /vapid|subject/i.test(text);
        return permanent(
          isVapid ? 'invalid_vapid' : 'invalid_subscription',
          isVapid
            ? `the workspace VAPID settings are not usable: ${text}; regenerate them with generateVapidKeys()`
            : `the push subscription is not usable: ${text}`,
        );
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(details.headers)) headers[k] = String(v);
      const describe = `the push service ${originOf(url)}`;
      const answer = await httpRequest(
        url,
        { method: 'POST', headers, ...(details.body ? { body: new Uint8Array(details.body) } : {}) },
        { timeoutMs: opts.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS, describe, maxBodyChars: 2000 },
      );
      if (isResult(answer)) return answer;
      if (answer.status === 404 || answer.status === 410) {
        return permanent(
          'subscription_gone',
          `${describe} answered ${answer.status}: the subscription expired or was revoked; delete it`,
        );
      }
      if (answer.status === 413)
        return permanent('payload_too_large', `${describe} answered 413: the payload is too large`);
      if (answer.status === 401 || answer.status === 403) {
        return permanent(
          'auth_failed',
          `${describe} refused the VAPID authorization (${answer.status}); the subscription was made with another public key or the subject is invalid`,
        );
      }
      const result = classifyHttpStatus(answer, describe, now());
      if (result.ok) {
        const location = answer.headers.get('location');
        return location ? { ok: true, providerMessageId: location, detail: `HTTP ${answer.status}` } : result;
      }
      return result;
    },
  };
}
