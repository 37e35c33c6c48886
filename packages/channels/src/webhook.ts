// Webhooks: a signed JSON POST to the brand's endpoint. The signature covers the timestamp and the body, so a
// receiver can verify both who sent it and when; together with a tolerance window that makes a captured
// request useless for a later replay (and `idempotency-key` lets the receiver drop retries it already took).
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_HTTP_TIMEOUT_MS,
  checkHttpUrl,
  classifyHttpStatus,
  httpRequest,
  isResult,
  originOf,
} from './http';
import { permanent } from './types';
import type { SendResult } from './types';

/** One webhook call. `secret` signs it; `idempotencyKey` is the outbox effect's key, sent as a header. */
export interface WebhookRequest {
  url: string;
  method?: 'POST' | 'PUT';
  headers?: Record<string, string>;
  body: unknown;
  secret?: string;
  idempotencyKey: string;
}

/** Header names the webhook sender sets (lower case). */
export const WEBHOOK_HEADERS = {
  timestamp: 'omnicx-timestamp',
  signature: 'omnicx-signature',
  idempotencyKey: 'idempotency-key',
} as const;

/** How far a webhook timestamp may be from the receiver's clock by default: 5 minutes. */
export const DEFAULT_WEBHOOK_TOLERANCE_MS = 5 * 60_000;

const DEFAULT_USER_AGENT = 'omnicx-webhooks/0.1';
// Headers a caller may not override: they carry the signature and its inputs.
const RESERVED = new Set(['content-type', 'content-length', 'host', ...Object.values(WEBHOOK_HEADERS)]);

/**
 * Creates a webhook sender. `now` is injectable for the timestamp (tests, replays).
 * @example
 *   const hooks = createWebhookSender();
 *   const r = await hooks.send({ url, body: { event: 'order.ready' }, secret, idempotencyKey: effect.key });
 *   if (!r.ok && r.retryable) scheduleRetry(r.retryAfterMs);
 */
export function createWebhookSender(
  opts: { timeoutMs?: number; now?: () => number; userAgent?: string } = {},
): {
  send(req: WebhookRequest): Promise<SendResult>;
} {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const now = opts.now ?? Date.now;
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;

  return {
    async send(req: WebhookRequest): Promise<SendResult> {
      const url = checkHttpUrl(req.url, 'webhook');
      if (!(url instanceof URL)) return url;
      if (typeof req.idempotencyKey !== 'string' || req.idempotencyKey.trim() === '') {
        return permanent('invalid_request', 'idempotencyKey is empty; pass the outbox effect key');
      }
      let body: string;
      try {
        body = JSON.stringify(req.body ?? null);
      } catch (err) {
        return permanent(
          'invalid_body',
          `the webhook body cannot be serialized to JSON (${err instanceof Error ? err.message : String(err)}); remove cycles and BigInt values`,
        );
      }
      const timestamp = Math.floor(now() / 1000);
      const headers: Record<string, string> = { 'user-agent': userAgent };
      for (const [name, value] of Object.entries(req.headers ?? {})) {
        const key = name.toLowerCase();
        if (!RESERVED.has(key)) headers[key] = value;
      }
      headers['content-type'] = 'application/json';
      headers[WEBHOOK_HEADERS.idempotencyKey] = req.idempotencyKey;
      headers[WEBHOOK_HEADERS.timestamp] = String(timestamp);
      if (req.secret) headers[WEBHOOK_HEADERS.signature] = signWebhook(req.secret, timestamp, body);

      const describe = `the webhook endpoint ${originOf(url)}`;
      const answer = await httpRequest(
        url,
        { method: req.method ?? 'POST', headers, body },
        { timeoutMs, describe, maxBodyChars: 4096 },
      );
      if (isResult(answer)) return answer;
      return classifyHttpStatus(answer, describe, now());
    },
  };
}

/** The signature header value: `v1=` + hex HMAC-SHA256 of `${timestampSec}.${body}` under `secret`. */
export function signWebhook(secret: string, timestampSec: number, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
}

/**
 * Verifies a received webhook: the `omnicx-signature` header must match the body and `omnicx-timestamp`
 * (constant-time compare), and the timestamp must be within `toleranceMs` of `nowMs` (default 5 minutes)
 * so a captured request cannot be replayed later. Header names are matched case-insensitively; the
 * signature header may list several `v1=` values separated by commas (secret rotation).
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | undefined>,
  body: string,
  nowMs: number,
  toleranceMs: number = DEFAULT_WEBHOOK_TOLERANCE_MS,
): boolean {
  const header = (name: string): string | undefined => {
    for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  const ts = header(WEBHOOK_HEADERS.timestamp);
  const sig = header(WEBHOOK_HEADERS.signature);
  if (!ts || !sig || !/^\d{1,12}$/.test(ts.trim())) return false;
  const timestamp = Number(ts.trim());
  if (Math.abs(nowMs - timestamp * 1000) > toleranceMs) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  let match = false;
  for (const candidate of sig.split(',')) {
    const given = Buffer.from(candidate.trim());
    // Compare every candidate (no early exit) so timing does not reveal which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) match = true;
  }
  return match;
}
