// A generic HTTP/JSON SMS provider: for gateways without a dedicated adapter. The body is a JSON template
// whose string values may contain {{to}}, {{from}}, {{text}} and {{idempotencyKey}}.
import {
  DEFAULT_HTTP_TIMEOUT_MS,
  checkHttpUrl,
  classifyHttpStatus,
  httpRequest,
  isResult,
  originOf,
} from '../http';
import type { SendResult } from '../types';
import { checkSms, redact } from './types';
import type { SmsMessage, SmsProvider } from './types';

export interface HttpSmsOptions {
  url: string;
  method?: 'POST' | 'PUT';
  /** Headers sent with every request, e.g. `{ authorization: 'Bearer …' }`. Values are treated as secrets. */
  headers?: Record<string, string>;
  /** JSON body template; default `{ "to": "{{to}}", "from": "{{from}}", "text": "{{text}}" }`. */
  body?: unknown;
  /** Dot path of the message id in the JSON answer, default `id`. */
  messageIdPath?: string;
  /** Sender id used when a message has none. */
  from?: string;
  timeoutMs?: number;
  now?: () => number;
}

const DEFAULT_BODY = { to: '{{to}}', from: '{{from}}', text: '{{text}}' };

function fill(template: unknown, values: Record<string, string>): unknown {
  if (typeof template === 'string') {
    return template.replace(
      /\{\{\s*(to|from|text|idempotencyKey)\s*\}\}/g,
      (_m, k: string) => values[k] ?? '',
    );
  }
  if (Array.isArray(template)) return template.map((v) => fill(v, values));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, values)]));
  }
  return template;
}

function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Creates a provider for a generic HTTP/JSON SMS gateway. */
export function createHttpSmsProvider(opts: HttpSmsOptions): SmsProvider {
  const now = opts.now ?? Date.now;
  const secrets = Object.values(opts.headers ?? {});
  return {
    name: 'http',
    async send(msg: SmsMessage): Promise<SendResult> {
      const invalid = checkSms(msg);
      if (invalid) return invalid;
      const url = checkHttpUrl(opts.url, 'SMS gateway');
      if (!(url instanceof URL)) return url;
      const from = msg.from ?? opts.from;
      const body = JSON.stringify(
        fill(opts.body ?? DEFAULT_BODY, {
          to: msg.to,
          from: from ?? '',
          text: msg.text,
          idempotencyKey: msg.idempotencyKey,
        }),
      );
      const describe = `the SMS gateway ${originOf(url)}`;
      const answer = await httpRequest(
        url,
        {
          method: opts.method ?? 'POST',
          headers: {
            ...opts.headers,
            'content-type': 'application/json',
            'idempotency-key': msg.idempotencyKey,
          },
          body,
        },
        { timeoutMs: opts.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS, describe },
      );
      if (isResult(answer)) return answer;
      const result = classifyHttpStatus({ ...answer, text: redact(answer.text, secrets) }, describe, now());
      if (!result.ok) return result;
      let parsed: unknown;
      try {
        parsed = answer.text ? JSON.parse(answer.text) : undefined;
      } catch {
        return { ok: true, detail: `HTTP ${answer.status} (answer not JSON)` };
      }
      const id = at(parsed, opts.messageIdPath ?? 'id');
      return typeof id === 'string' || typeof id === 'number'
        ? { ok: true, providerMessageId: String(id), detail: `HTTP ${answer.status}` }
        : { ok: true, detail: `HTTP ${answer.status}` };
    },
  };
}
