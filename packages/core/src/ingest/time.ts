// Message times: parsing what clients send and Segment's clock-skew correction. No clock here: the
// server's receive time is always passed in.
import { err, ok, type Result } from '../errors';

// RFC 3339 / ISO-8601 extended format: date, optional time (seconds and fraction optional), optional offset.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

// The range a JS Date can represent; outside it toISOString() throws, so such times are rejected up front.
const MAX_EPOCH_MS = 8.64e15;

/** Parses a client-sent time (ISO-8601 string or epoch milliseconds) into epoch ms; absent → null. */
export function parseTimestamp(value: unknown, field: string): Result<number | null> {
  if (value === undefined || value === null) return ok(null);
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_EPOCH_MS) {
    return ok(Math.round(value));
  }
  const ms = typeof value === 'string' ? parseIsoDateTime(value.trim()) : null;
  if (ms !== null) return ok(ms);
  return err({
    code: 'invalid_timestamp',
    field,
    message: `${field} must be an ISO-8601 date-time such as 2026-11-23T10:15:00Z (got ${describe(value)})`,
  });
}

/** Picks when a message happened, correcting the device clock with sentAt the way Segment does. */
export function resolveEventTime(t: {
  timestamp: number | null;
  sentAt: number | null;
  originalTimestamp: number | null;
  receivedAt: number;
}): number {
  if (t.timestamp !== null) return t.timestamp;
  // Device clocks are often wrong, but sentAt and originalTimestamp come from the same clock: their
  // difference is trustworthy, so it is applied to the server's receive time.
  if (t.sentAt !== null && t.originalTimestamp !== null)
    return t.receivedAt - (t.sentAt - t.originalTimestamp);
  if (t.originalTimestamp !== null) return t.originalTimestamp;
  return t.receivedAt;
}

/** Parses an ISO-8601 date or date-time to epoch ms, or null; no offset means UTC (Date.parse would say local). */
function parseIsoDateTime(s: string): number | null {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) =>
    x === undefined ? 0 : Number(x),
  ) as [number, number, number, number, number, number];
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offset = parseOffsetMinutes(m[8]);
  if (offset === null) return null;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millis);
  const ms = d.getTime() - offset * 60_000;
  return Math.abs(ms) <= MAX_EPOCH_MS ? ms : null;
}

/** Reads a `Z`, `+03:30`, `+0330` or `+03` offset as minutes east of UTC; absent → 0 (UTC). */
function parseOffsetMinutes(s: string | undefined): number | null {
  if (s === undefined || s === 'Z' || s === 'z') return 0;
  const digits = s.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return (s[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** Days in a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Shows a bad value in an error message: strings quoted (shortened), other values by JSON type. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : typeof value;
}
