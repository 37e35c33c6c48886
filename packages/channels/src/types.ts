// The contract every sender honours, so the engine's outbox can treat email, SMS, push and webhooks alike.

/**
 * The outcome of one send attempt. Senders never throw for provider errors: they answer with a value.
 * `retryable: false` means sending the same message again cannot succeed without a change (bad address,
 * rejected content, gone subscription); `retryAfterMs` is the provider's own hint (e.g. `Retry-After`).
 */
export type SendResult =
  | { ok: true; providerMessageId?: string; detail?: string }
  | { ok: false; retryable: boolean; retryAfterMs?: number; code: string; message: string };

/** A permanent failure: do not retry. */
export function permanent(code: string, message: string): SendResult {
  return { ok: false, retryable: false, code, message };
}

/** A temporary failure: retry later, no sooner than `retryAfterMs` when given. */
export function temporary(code: string, message: string, retryAfterMs?: number): SendResult {
  return retryAfterMs === undefined
    ? { ok: false, retryable: true, code, message }
    : { ok: false, retryable: true, retryAfterMs, code, message };
}
