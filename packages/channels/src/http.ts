// Shared HTTP plumbing for the senders that speak HTTP (webhooks, SMS providers): timeouts, status
// classification and Retry-After, so every adapter answers the same way for the same kind of failure.
import { permanent, temporary } from './types';
import type { SendResult } from './types';

/** The default time an HTTP send may take, connection to last byte. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/**
 * Parses a `Retry-After` header (delta seconds or an HTTP-date) into milliseconds from `nowMs`.
 * Returns undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Checks that a URL is absolute http(s); returns the parsed URL or a permanent failure naming the problem. */
export function checkHttpUrl(raw: string, what: string): URL | SendResult {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return permanent(
      'invalid_url',
      `the ${what} URL is not a valid absolute URL; give one like https://example.com/path`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return permanent(
      'unsupported_scheme',
      `the ${what} URL uses ${url.protocol.replace(':', '')}; only http and https URLs are allowed`,
    );
  }
  return url;
}

/** The scheme and host of a URL, for messages: never its path or query, which may carry tokens. */
export function originOf(url: URL): string {
  return url.origin;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Performs one HTTP request with a timeout and no redirects. Resolves to the answer, or to a failure for
 * network errors and timeouts (both retryable). `describe` names the target in messages (never the full URL).
 */
export async function httpRequest(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string | Uint8Array },
  opts: { timeoutMs: number; describe: string; maxBodyChars?: number },
): Promise<HttpAnswer | SendResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const res = await fetch(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text: text.slice(0, opts.maxBodyChars ?? 64_000) };
  } catch (err) {
    if (controller.signal.aborted) {
      return temporary(
        'timeout',
        `${opts.describe} did not answer within ${opts.timeoutMs} ms; it will be retried (raise timeoutMs if the endpoint is slow)`,
      );
    }
    const reason = networkReason(err);
    if (reason === 'bad port') {
      // fetch refuses ports browsers block (e.g. 25, 6000); retrying cannot help.
      return permanent(
        'invalid_url',
        `${opts.describe} uses a port that fetch refuses to call; use another port`,
      );
    }
    return temporary('network_error', `could not reach ${opts.describe}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The most specific reason in a fetch failure (undici hides the socket error in `cause`). */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Classifies an HTTP status the way every HTTP provider is treated unless it says better: 408, 429 and 5xx
 * are retryable (429 and 503 honour Retry-After), a 3xx is refused (redirects are never followed) and any
 * other 4xx is permanent.
 */
export function classifyHttpStatus(answer: HttpAnswer, describe: string, nowMs: number): SendResult {
  const { status } = answer;
  const snippet = answer.text.trim().slice(0, 200);
  const said = snippet ? `: ${snippet}` : '';
  if (status >= 200 && status < 300) return { ok: true, detail: `HTTP ${status}` };
  if (status >= 300 && status < 400) {
    const location = answer.headers.get('location');
    let target = '';
    if (location) {
      try {
        target = ` to ${new URL(location, 'http://relative.invalid').origin}`;
      } catch {
        target = '';
      }
    }
    return permanent(
      'redirect',
      `${describe} answered ${status} (redirect${target}); redirects are not followed: configure the final URL`,
    );
  }
  if (status === 429 || status === 503) {
    const after = parseRetryAfter(answer.headers.get('retry-after'), nowMs);
    return temporary(
      status === 429 ? 'rate_limited' : 'unavailable',
      `${describe} answered ${status}${said}`,
      after,
    );
  }
  if (status === 408) return temporary('timeout', `${describe} answered 408 (request timeout)${said}`);
  if (status >= 500) return temporary('server_error', `${describe} answered ${status}${said}`);
  return permanent(
    'rejected',
    `${describe} answered ${status}${said}; fix the request or the endpoint before resending`,
  );
}

/** Whether a value returned by `httpRequest` is a failure rather than an answer. */
export function isResult(x: HttpAnswer | SendResult): x is SendResult {
  return 'ok' in x;
}
