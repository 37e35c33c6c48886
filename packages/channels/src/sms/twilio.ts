// Twilio's Messages API: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic
// auth with the account SID and auth token. Errors come as JSON {code, message, more_info, status}; the
// Twilio code decides more than the HTTP status (21211 invalid number is a 400, but so is a bad parameter).
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_HTTP_TIMEOUT_MS,
  checkHttpUrl,
  classifyHttpStatus,
  httpRequest,
  isResult,
  parseRetryAfter,
} from '../http';
import type { SendResult } from '../types';
import { permanent, temporary } from '../types';
import { checkSms, redact } from './types';
import type { SmsMessage, SmsProvider } from './types';

export interface TwilioOptions {
  accountSid: string;
  /** Secret: never logged or returned. */
  authToken: string;
  /** Default sender (a Twilio number or alphanumeric id); a message's `from` overrides it. */
  from?: string;
  /** Send through a Messaging Service instead of a fixed number (used when no `from` is set). */
  messagingServiceSid?: string;
  /** Where delivery receipts go. */
  statusCallback?: string;
  /** Default `https://api.twilio.com`; tests point it at a local server. */
  baseUrl?: string;
  timeoutMs?: number;
  now?: () => number;
}

// Twilio error codes that mean this recipient cannot get this message: retrying cannot help.
const PERMANENT_CODES: Record<number, { code: string; hint: string }> = {
  21211: { code: 'invalid_number', hint: 'the To number is not a valid phone number' },
  21614: { code: 'invalid_number', hint: 'the To number is not a mobile number' },
  21612: { code: 'unreachable_number', hint: 'Twilio cannot route to this number from this sender' },
  21408: {
    code: 'region_not_enabled',
    hint: 'sending to this region is disabled in the Twilio geo permissions',
  },
  21610: { code: 'recipient_opted_out', hint: 'the recipient replied STOP; record the opt-out' },
  21606: { code: 'invalid_sender', hint: 'the From number cannot send SMS; fix the sender id' },
  21212: { code: 'invalid_sender', hint: 'the From number is invalid; fix the sender id' },
  21602: { code: 'invalid_message', hint: 'the message body is empty' },
  21617: { code: 'invalid_message', hint: 'the message body is too long' },
  20003: { code: 'auth_failed', hint: 'the account SID or auth token is wrong' },
  20404: { code: 'not_found', hint: 'the account or resource does not exist; check the account SID' },
};
const RATE_LIMIT_CODES = new Set([20429, 14107]);

/** Creates a provider speaking Twilio's Messages API. */
export function createTwilioProvider(opts: TwilioOptions): SmsProvider {
  const now = opts.now ?? Date.now;
  const base = (opts.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const auth = 'Basic ' + Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64');
  const describe = 'Twilio';
  return {
    name: 'twilio',
    async send(msg: SmsMessage): Promise<SendResult> {
      const invalid = checkSms(msg);
      if (invalid) return invalid;
      const url = checkHttpUrl(
        `${base}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`,
        'Twilio',
      );
      if (!(url instanceof URL)) return url;
      const form = new URLSearchParams({ To: msg.to, Body: msg.text });
      const from = msg.from ?? opts.from;
      if (from) form.set('From', from);
      else if (opts.messagingServiceSid) form.set('MessagingServiceSid', opts.messagingServiceSid);
      else
        return permanent(
          'invalid_sender',
          'Twilio needs a sender: set from (number or sender id) or messagingServiceSid',
        );
      if (opts.statusCallback) form.set('StatusCallback', opts.statusCallback);

      const answer = await httpRequest(
        url,
        {
          method: 'POST',
          headers: {
            authorization: auth,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: form.toString(),
        },
        { timeoutMs: opts.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS, describe },
      );
      if (isResult(answer)) return answer;
      const text = redact(answer.text, [opts.authToken]);
      let json: { sid?: unknown; status?: unknown; code?: unknown; message?: unknown } = {};
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        /* not JSON: classified by status below */
      }
      if (answer.status >= 200 && answer.status < 300) {
        return typeof json.sid === 'string'
          ? {
              ok: true,
              providerMessageId: json.sid,
              detail: `Twilio status ${String(json.status ?? answer.status)}`,
            }
          : { ok: true, detail: `HTTP ${answer.status}` };
      }
      const code = typeof json.code === 'number' ? json.code : undefined;
      const said = `Twilio answered ${answer.status}${code ? ` with error ${code}` : ''}${typeof json.message === 'string' ? `: ${json.message}` : ''}`;
      if (answer.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
        return temporary('rate_limited', said, parseRetryAfter(answer.headers.get('retry-after'), now()));
      }
      const known = code !== undefined ? PERMANENT_CODES[code] : undefined;
      if (known) return permanent(known.code, `${said} (${known.hint})`);
      if (answer.status === 401)
        return permanent('auth_failed', `${said} (check the account SID and auth token)`);
      const generic = classifyHttpStatus({ ...answer, text: '' }, describe, now());
      return generic.ok ? generic : { ...generic, message: said };
    },
  };
}

/**
 * Twilio's request signature (X-Twilio-Signature) for a webhook it sent to `url` with form `params`:
 * base64 HMAC-SHA1 with the account's auth token over the full URL followed by every parameter's name and
 * value, sorted by name.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Whether a webhook really came from Twilio (constant-time compare). */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const want = Buffer.from(twilioSignature(authToken, url, params));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

// Delivery error codes that mean this number cannot receive SMS: a hard bounce.
const HARD_FAILURES = new Set(['21211', '21614', '30003', '30005', '30006']);

/** What a Twilio status callback says about a message, or undefined for in-between states. */
export function twilioDeliveryStatus(
  params: Record<string, string>,
): { messageSid: string; type: 'delivered' | 'bounced'; hard: boolean; detail: string } | undefined {
  const sid = params.MessageSid ?? params.SmsSid;
  const status = params.MessageStatus ?? params.SmsStatus;
  if (!sid || !status) return undefined;
  if (status === 'delivered') return { messageSid: sid, type: 'delivered', hard: false, detail: 'delivered' };
  if (status === 'undelivered' || status === 'failed') {
    const code = params.ErrorCode ?? '';
    return {
      messageSid: sid,
      type: 'bounced',
      hard: HARD_FAILURES.has(code),
      detail: `Twilio ${status}${code ? ` (error ${code})` : ''}`,
    };
  }
  return undefined;
}
