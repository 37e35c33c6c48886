// When to try a failed send again. Pure: the clock and the randomness are arguments, so the outbox can
// store the decision and tests can pin it.
import type { SendResult } from './types';

export interface RetryPolicy {
  /** Attempts in total, the first included; after the last failed one the message is dead. */
  maxAttempts: number;
  /** The delay after the first failure, before jitter. Doubles each attempt. */
  baseDelayMs: number;
  /** The longest backoff delay (a provider's Retry-After may ask for longer, up to maxRetryAfterMs). */
  maxDelayMs: number;
  /** A provider asking to wait longer than this makes the message dead instead of parking it. */
  maxRetryAfterMs: number;
  /** Fraction of the delay randomized, 0..1: delay × (1 − jitter + jitter × random()). */
  jitter: number;
}

/** 8 attempts over about 1.5 hours at most: 30 s, 1 min, 2 min, 4 min, 8 min, 16 min, 32 min (before jitter). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
  maxRetryAfterMs: 24 * 60 * 60_000,
  jitter: 0.5,
};

export type RetryDecision =
  | { action: 'sent' }
  | { action: 'retry'; atMs: number; delayMs: number }
  | { action: 'dead'; reason: string };

/**
 * Decides what follows a send attempt. `attempts` counts attempts made so far, including the one that
 * produced `result`; `random` returns [0, 1).
 * @example
 *   const d = nextAttempt(result, effect.attempts, clock.now(), Math.random);
 *   if (d.action === 'retry') reschedule(effect, d.atMs); else if (d.action === 'dead') deadLetter(effect, d.reason);
 */
export function nextAttempt(
  result: SendResult,
  attempts: number,
  nowMs: number,
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): RetryDecision {
  if (result.ok) return { action: 'sent' };
  if (!result.retryable)
    return { action: 'dead', reason: `permanent error ${result.code}: ${result.message}` };
  if (attempts >= policy.maxAttempts) {
    return {
      action: 'dead',
      reason: `gave up after ${attempts} attempts; last error ${result.code}: ${result.message}`,
    };
  }
  if (result.retryAfterMs !== undefined && result.retryAfterMs > policy.maxRetryAfterMs) {
    return {
      action: 'dead',
      reason: `the provider asked to wait ${Math.round(result.retryAfterMs / 1000)} s, longer than the ${Math.round(policy.maxRetryAfterMs / 1000)} s allowed; last error ${result.code}: ${result.message}`,
    };
  }
  const exponent = Math.max(0, attempts - 1);
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 52));
  const r = Math.min(1, Math.max(0, random()));
  const jittered = Math.round(backoff * (1 - policy.jitter + policy.jitter * r));
  const delayMs = Math.max(jittered, result.retryAfterMs ?? 0);
  return { action: 'retry', atMs: nowMs + delayMs, delayMs };
}
