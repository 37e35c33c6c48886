/**
 * Errors are values: a stable machine-readable code plus a human message that says what was wrong and how
 * to fix it. `field` names the offending input path (e.g. `batch[3].userId`) when there is one.
 */
export interface DomainError {
  code: string;
  message: string;
  field?: string;
}

/** A computation that either succeeded with a value or failed with a {@link DomainError}. */
export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

/** Wraps a value as a successful {@link Result}. */
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

/** Wraps an error as a failed {@link Result}. */
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
