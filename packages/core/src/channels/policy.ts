// Who may receive which message when: consent, frequency caps and quiet hours. Pure: the engine loads the
// profile's consent rows and recent sends, passes the time, and acts on the answer.
import { fromWall, toWall } from '../automation/time';

export type MessageCategory = 'marketing' | 'transactional';

/** Why a channel or group is closed to a profile. */
export type ClosedReason = 'unsubscribed' | 'hard_bounce' | 'complaint' | 'manual' | 'not_opted_in';

/** One consent decision as stored: `groupId` '' is the whole channel. */
export interface ConsentEntry {
  channel: string;
  groupId: string;
  state: 'subscribed' | 'unsubscribed';
  reason: string;
  updatedAt: number;
}

/** A subscription group: opt_in groups reach only those who subscribed; opt_out groups everyone who did not leave. */
export interface GroupPolicy {
  id: string;
  channel: string;
  mode: 'opt_in' | 'opt_out';
}

export type ConsentDecision = { ok: true } | { ok: false; reason: ClosedReason; groupId: string };

// Reasons that close a channel even to transactional messages: the address does not work (hard bounce) or an
// operator closed it by hand. An unsubscribe or a complaint is about marketing.
const CLOSES_TRANSACTIONAL = new Set(['hard_bounce', 'manual']);

/**
 * Whether a message may go to a profile on `channel`. Transactional messages ignore marketing opt-outs but
 * never a hard bounce (or a channel an operator closed). Marketing messages need the channel open and, when
 * they belong to a group, the group open: explicitly subscribed, or not unsubscribed from an opt-out group.
 */
export function consentDecision(input: {
  channel: string;
  category: MessageCategory;
  group?: GroupPolicy | null;
  consents: readonly ConsentEntry[];
}): ConsentDecision {
  const { channel, category, group } = input;
  const own = input.consents.filter((c) => c.channel === channel);
  const whole = own.find((c) => c.groupId === '');
  if (whole?.state === 'unsubscribed') {
    const reason = asReason(whole.reason);
    if (category === 'marketing' || CLOSES_TRANSACTIONAL.has(reason))
      return { ok: false, reason, groupId: '' };
  }
  if (category === 'transactional' || !group) return { ok: true };
  const row = own.find((c) => c.groupId === group.id);
  if (row)
    return row.state === 'subscribed'
      ? { ok: true }
      : { ok: false, reason: asReason(row.reason), groupId: group.id };
  return group.mode === 'opt_out' ? { ok: true } : { ok: false, reason: 'not_opted_in', groupId: group.id };
}

function asReason(r: string): ClosedReason {
  return r === 'hard_bounce' || r === 'complaint' || r === 'manual' || r === 'not_opted_in'
    ? r
    : 'unsubscribed';
}

/** At most `max` messages of a category on a channel per `windowHours` (e.g. 3 marketing emails a week). */
export interface FrequencyCap {
  channel: string;
  category?: MessageCategory;
  max: number;
  windowHours: number;
}

/**
 * The first cap a new message would break, given the times of the profile's earlier messages on the channel,
 * with the time a slot frees up; undefined when every cap allows it.
 */
export function capExceeded(
  caps: readonly FrequencyCap[],
  channel: string,
  category: MessageCategory,
  sentTimes: readonly number[],
  now: number,
): { cap: FrequencyCap; count: number; freesAt: number } | undefined {
  for (const cap of caps) {
    if (cap.channel !== channel && cap.channel !== '*') continue;
    if ((cap.category ?? 'marketing') !== category) continue;
    const windowMs = cap.windowHours * 3_600_000;
    const inWindow = sentTimes.filter((t) => t > now - windowMs).sort((a, b) => a - b);
    if (inWindow.length >= cap.max) {
      const oldest = inWindow[inWindow.length - cap.max] ?? now;
      return { cap, count: inWindow.length, freesAt: oldest + windowMs };
    }
  }
  return undefined;
}

/** No messages between `start` and `end` ("HH:MM", wall time in the profile's zone); may wrap midnight. */
export interface QuietHours {
  start: string;
  end: string;
  /** Channels it applies to (default every channel). */
  channels?: string[];
  /** Transactional messages too (default: marketing only). */
  transactional?: boolean;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight for "HH:MM", or undefined when malformed. */
export function parseHhmm(s: string): number | undefined {
  const m = HHMM.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * When quiet hours hold a message back: the instant they end (the message waits until then, it is not
 * dropped), or undefined when it may go now. Wall times are read in `timeZone` (IANA), so a profile in
 * Tehran and one in London each get their own night.
 */
export function quietHoursEnd(
  q: QuietHours | undefined,
  channel: string,
  category: MessageCategory,
  timeZone: string,
  now: number,
): number | undefined {
  if (!q) return undefined;
  if (q.channels && q.channels.length > 0 && !q.channels.includes(channel)) return undefined;
  if (category === 'transactional' && !q.transactional) return undefined;
  const start = parseHhmm(q.start);
  const end = parseHhmm(q.end);
  if (start === undefined || end === undefined || start === end) return undefined;
  const wall = toWall(timeZone, now);
  const day = Math.floor(wall / 86_400_000) * 86_400_000;
  const minute = Math.floor((wall - day) / 60_000);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return undefined;
  // The end is today when it is still ahead of us, else tomorrow (a window wrapping midnight, evening side).
  const endToday = day + end * 60_000;
  const endWall = endToday > wall ? endToday : endToday + 86_400_000;
  return fromWall(timeZone, endWall);
}

/** Checks quiet hours and caps settings; returns the problems in words, empty when valid. */
export function validateMessagingPolicy(p: { quietHours?: QuietHours; caps?: FrequencyCap[] }): string[] {
  const errors: string[] = [];
  if (p.quietHours) {
    for (const k of ['start', 'end'] as const) {
      if (parseHhmm(p.quietHours[k]) === undefined)
        errors.push(`quietHours.${k} must be a 24-hour time "HH:MM" (got "${String(p.quietHours[k])}")`);
    }
  }
  for (const [i, c] of (p.caps ?? []).entries()) {
    if (!Number.isInteger(c.max) || c.max < 1)
      errors.push(`caps[${i}].max must be a whole number of at least 1`);
    if (!(c.windowHours > 0)) errors.push(`caps[${i}].windowHours must be more than 0`);
  }
  return errors;
}
