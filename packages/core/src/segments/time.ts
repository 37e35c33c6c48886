// Time arithmetic for rules: units, fixed dates, calendar days and the bucket granularity of windowed sums.
// All integer math on epoch milliseconds, no Date objects on hot paths and never the clock.
import type { TimeUnit } from './types';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * Milliseconds per unit. Months and years are fixed lengths (30 and 365 days), not calendar steps: a window
 * must age its events out in event order for the "most recent N timestamps" state to stay exact, and
 * calendar months clamp (Jan 30 and Jan 31 both plus one month land on Feb 28), which breaks that order.
 * Calendar anniversaries are served by `recurring: 'yearly'` date tests instead.
 */
export const UNIT_MS: Readonly<Record<TimeUnit, number>> = {
  minutes: MINUTE,
  hours: HOUR,
  days: DAY,
  weeks: 7 * DAY,
  months: 30 * DAY,
  years: 365 * DAY,
};

/** A duration in ms. */
export function durationMs(amount: number, unit: TimeUnit): number {
  return amount * UNIT_MS[unit];
}

// RFC 3339 / ISO-8601: date, optional time (seconds and fraction optional), optional offset.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

// The range a JS Date can represent.
const MAX_EPOCH_MS = 8.64e15;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil); month is 1–12. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (inverse of {@link daysFromCivil}). */
export function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * A parsed date: `ms` the instant; `day` the calendar day number when the text was a bare date (a birthday
 * "1990-05-14" is that calendar day everywhere, not an instant to shift by a time zone), else null.
 */
export interface ParsedDate {
  ms: number;
  day: number | null;
}

/** Parses an ISO-8601 date/date-time (no offset = UTC) or epoch ms; anything else → null. */
export function parseDate(value: unknown): ParsedDate | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= MAX_EPOCH_MS ? { ms: value, day: null } : null;
  }
  if (typeof value !== 'string') return null;
  const m = ISO.exec(value.length > 40 ? '' : value.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  const day = daysFromCivil(y, mo, d);
  if (m[4] === undefined) return { ms: day * DAY, day };
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (h > 23 || mi > 59 || s > 59) return null;
  const frac = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offset = 0;
  const z = m[8];
  if (z !== undefined && z !== 'Z' && z !== 'z') {
    const digits = z.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return null;
    offset = (z[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = day * DAY + h * HOUR + mi * MINUTE + s * 1000 + frac - offset * MINUTE;
  return Math.abs(ms) <= MAX_EPOCH_MS ? { ms, day: null } : null;
}

/** Parses a rule's fixed date to epoch ms (the validator has already accepted it). */
export function dateMs(value: unknown): number {
  const p = parseDate(value);
  if (p === null) throw new RangeError(`not a date: ${String(value)}`);
  return p.ms;
}

/** The local calendar day number of a date at a fixed UTC offset (ms); bare dates keep their own day. */
export function localDay(p: ParsedDate, offsetMs: number): number {
  return p.day ?? Math.floor((p.ms + offsetMs) / DAY);
}

/** The instant the local day `day` starts at a fixed UTC offset (ms). */
export function dayStart(day: number, offsetMs: number): number {
  return day * DAY - offsetMs;
}

/** The day number of the anniversary of (month, day) in year `y`; 29 February falls on the 28th in other years. */
export function anniversary(y: number, m: number, d: number): number {
  return daysFromCivil(y, m, m === 2 && d === 29 && !isLeapYear(y) ? 28 : d);
}

// Candidate bucket sizes, each dividing the next ones' multiples of a minute.
const GRANULARITIES = [1000, 10_000, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, DAY];

/** At least this many buckets per window, so a bucketed window is never more than ~4% shorter than asked. */
export const MIN_BUCKETS_PER_WINDOW = 24;

/**
 * The bucket size for windows/horizons of the given lengths: the largest candidate that divides every length
 * and leaves at least {@link MIN_BUCKETS_PER_WINDOW} buckets in the shortest, else the smallest candidate
 * dividing them all. Examples: 1 hour → 1 min (60 buckets), 1 day → 1 h (24), 7 days → 6 h (28),
 * 30 days → 1 day (30), 365 days → 1 day (365). Every unit is a multiple of a minute, so a divisor exists.
 */
export function bucketSize(...lengths: number[]): number {
  const shortest = Math.min(...lengths);
  let best = GRANULARITIES[0] as number;
  for (const g of GRANULARITIES) {
    if (lengths.every((l) => l % g === 0) && shortest / g >= MIN_BUCKETS_PER_WINDOW) best = g;
  }
  return best;
}
