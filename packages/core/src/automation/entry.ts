// Entry rules: whether a profile may start a new instance of a process now.
import { durationOf } from './time';
import type { EntryRules } from './types';

/** What is known about a profile's past in one process. */
export interface EntryHistory {
  /** Instances of the process running for the profile now. */
  running: number;
  /** Entries ever. */
  total: number;
  /** Recent entry times (ms), enough to apply the frequency limit. */
  recent: readonly number[];
}

export type EntryDecision =
  | { ok: true }
  | { ok: false; reason: 'already_running' | 'already_entered' | 'frequency_limit'; message: string };

/** Applies recurrence (default `if_not_running`) and the frequency limit. */
export function entryDecision(rules: EntryRules | undefined, h: EntryHistory, now: number): EntryDecision {
  const recurrence = rules?.recurrence ?? 'if_not_running';
  if (recurrence === 'once' && h.total > 0)
    return { ok: false, reason: 'already_entered', message: 'the process runs once per profile' };
  if (recurrence === 'if_not_running' && h.running > 0)
    return { ok: false, reason: 'already_running', message: 'an instance is already running' };
  const f = rules?.frequency;
  if (f) {
    const since = now - durationOf(f.per);
    const n = h.recent.filter((t) => t > since).length;
    if (n >= f.max)
      return {
        ok: false,
        reason: 'frequency_limit',
        message: `at most ${f.max} entries per ${f.per.amount} ${f.per.unit}`,
      };
  }
  return { ok: true };
}

/** The entry times worth keeping after an entry at `now` (the frequency window, bounded). */
export function keepRecent(rules: EntryRules | undefined, recent: readonly number[], now: number): number[] {
  const f = rules?.frequency;
  if (!f) return [];
  const since = now - durationOf(f.per);
  return [...recent.filter((t) => t > since), now].slice(-f.max);
}
