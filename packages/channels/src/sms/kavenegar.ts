// Kavenegar's API (an Iranian SMS provider): POST https://api.kavenegar.com/v1/{API-KEY}/sms/send.json with
// receptor, sender, message. Answers {return:{status,message}, entries:[{messageid,…}]}, where
// return.status is the outcome (200 ok, 4xx Kavenegar-specific codes) and the HTTP status usually matches.
import { createHash } from 'node:crypto';
import { DEFAULT_HTTP_TIMEOUT_MS, checkHttpUrl, httpRequest, isResult, parseRetryAfter } from '../http';
import type { SendResult } from '../types';
import { permanent, temporary } from '../types';
import { checkSms, redact } from './types';
import type { SmsMessage, SmsProvider } from './types';

export interface KavenegarOptions {
  /** Secret: it is part of the URL path, so URLs are never logged or returned. */
  apiKey: string;
  /** Default sender line (e.g. 10004346); a message's `from` overrides it; Kavenegar's default line if absent. */
  sender?: string;
  /** Default `https://api.kavenegar.com`; tests point it at a local server. */
  baseUrl?: string;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Kavenegar return.status codes and what they mean for a retry. 418 (insufficient credit) is treated as
 * permanent: retrying on a timer cannot top up the account, and a backlog of retries would all go out at
 * once after a top-up, possibly stale; the dead messages can be requeued by an operator.
 */
const STATUSES: Record<number, { code: string; retryable: boolean; hint: string }> = {
  400: { code: 'invalid_request', retryable: false, hint: 'parameters are incomplete' },
  401: { code: 'account_disabled', retryable: false, hint: 'the Kavenegar account is deactivated' },
  402: { code: 'provider_error', retryable: true, hint: 'the operation failed at Kavenegar' },
  403: { code: 'auth_failed', retryable: false, hint: 'the API key is not valid' },
  404: { code: 'invalid_request', retryable: false, hint: 'no such API method' },
  405: { code: 'invalid_request', retryable: false, hint: 'wrong HTTP method' },
  406: { code: 'invalid_request', retryable: false, hint: 'a required parameter is missing' },
  407: { code: 'auth_failed', retryable: false, hint: 'the account has no access to this' },
  409: { code: 'unavailable', retryable: true, hint: 'Kavenegar cannot answer now' },
  411: { code: 'invalid_number', retryable: false, hint: 'the receptor is not a valid number' },
  412: { code: 'invalid_sender', retryable: false, hint: 'the sender line is not valid or not yours' },
  413: { code: 'invalid_message', retryable: false, hint: 'the message is empty or too long' },
  414: { code: 'invalid_request', retryable: false, hint: 'too many receptors in one request' },
  417: { code: 'invalid_request', retryable: false, hint: 'the send date is not valid' },
  418: {
    code: 'insufficient_credit',
    retryable: false,
    hint: 'the account has no credit left; top it up and requeue',
  },
  420: {
    code: 'invalid_message',
    retryable: false,
    hint: 'links are not allowed in messages from this line',
  },
  422: {
    code: 'invalid_message',
    retryable: false,
    hint: 'the message contains characters Kavenegar refuses',
  },
  426: { code: 'auth_failed', retryable: false, hint: 'this server IP is not allowed for the API key' },
  429: { code: 'rate_limited', retryable: true, hint: 'too many requests' },
  451: { code: 'rate_limited', retryable: true, hint: 'too many requests' },
};

/** Kavenegar takes Iranian numbers as 09…; others with their international prefix 00. */
export function kavenegarReceptor(e164: string): string {
  return e164.startsWith('+98') ? `0${e164.slice(3)}` : `00${e164.slice(1)}`;
}

/** A numeric local id derived from the idempotency key: Kavenegar ignores a repeated localid. */
export function kavenegarLocalId(idempotencyKey: string): string {
  return BigInt('0x' + createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 13)).toString(10);
}

/** Creates a provider speaking Kavenegar's API. */
export function createKavenegarProvider(opts: KavenegarOptions): SmsProvider {
  const now = opts.now ?? Date.now;
  const base = (opts.baseUrl ?? 'https://api.kavenegar.com').replace(/\/+$/, '');
  const describe = 'Kavenegar';
  return {
    name: 'kavenegar',
    async send(msg: SmsMessage): Promise<SendResult> {
      const invalid = checkSms(msg);
      if (invalid) return invalid;
      if (!opts.apiKey) return permanent('auth_failed', 'the Kavenegar API key is not configured');
      const url = checkHttpUrl(`${base}/v1/${encodeURIComponent(opts.apiKey)}/sms/send.json`, 'Kavenegar');
      if (!(url instanceof URL)) return url;
      const form = new URLSearchParams({
        receptor: kavenegarReceptor(msg.to),
        message: msg.text,
        localid: kavenegarLocalId(msg.idempotencyKey),
      });
      const sender = msg.from ?? opts.sender;
      if (sender) form.set('sender', sender);

      const answer = await httpRequest(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
        },
        { timeoutMs: opts.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS, describe },
      );
      if (isResult(answer)) return answer; // network messages name Kavenegar, never the URL with the key
      const text = redact(answer.text, [opts.apiKey]);
      let json: {
        return?: { status?: unknown; message?: unknown };
        entries?: { messageid?: unknown; status?: unknown }[];
      } = {};
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        /* not JSON: the HTTP status decides */
      }
      const status = typeof json.return?.status === 'number' ? json.return.status : answer.status;
      const said = `Kavenegar answered ${status}${typeof json.return?.message === 'string' ? `: ${json.return.message}` : ''}`;
      if (status === 200) {
        const id = json.entries?.[0]?.messageid;
        return id !== undefined
          ? { ok: true, providerMessageId: String(id), detail: said }
          : { ok: true, detail: said };
      }
      const known = STATUSES[status];
      if (known) {
        return known.retryable
          ? temporary(
              known.code,
              `${said} (${known.hint})`,
              parseRetryAfter(answer.headers.get('retry-after'), now()),
            )
          : permanent(known.code, `${said} (${known.hint})`);
      }
      if (status >= 500) return temporary('server_error', said);
      return permanent('rejected', said);
    },
  };
}
