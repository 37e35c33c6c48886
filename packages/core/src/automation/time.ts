// Wall-clock time for automation: time zones (through Intl, which is a pure function of its inputs), "until"
// waits with allowed weekdays and hours, schedules (daily, weekly, cron) and date-relative triggers.
// Local ("wall") times are handled as epoch-like ms numbers of the local calendar, converted at the end.
import { anniversary, civilFromDays, DAY, daysFromCivil, HOUR, MINUTE, parseDate } from '../segments/time';
import { UNIT_MS } from '../segments/time';
import type { Duration } from '../segments/types';
import type { ClockTime, DateTrigger, ScheduleTrigger, Wait } from './types';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The UTC offset (ms, local − UTC) of `tz` at instant `t`. */
export function offsetAt(tz: string, t: number): number {
  if (tz === 'UTC') return 0;
  const parts = formatter(tz).formatToParts(t);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall =
    daysFromCivil(get('year'), get('month'), get('day')) * DAY +
    get('hour') * HOUR +
    get('minute') * MINUTE +
    get('second') * 1000;
  return wall - (t - (((t % 1000) + 1000) % 1000));
}

/** Wall time (local ms) of instant `t` in `tz`. */
export function toWall(tz: string, t: number): number {
  return t + offsetAt(tz, t);
}

/**
 * The instant of wall time `wall` in `tz`. A wall time skipped by a DST jump maps to the instant just after
 * the jump; an ambiguous one (clocks going back) to its first occurrence.
 */
export function fromWall(tz: string, wall: number): number {
  const o1 = offsetAt(tz, wall);
  const t1 = wall - o1;
  const o2 = offsetAt(tz, t1);
  if (o1 === o2) return t1;
  const t2 = wall - o2;
  return offsetAt(tz, t2) === o2 ? Math.min(t1, t2) : Math.max(t1, t2);
}

/** "HH:MM" → minutes after midnight, or null when malformed. */
export function parseClock(s: ClockTime): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

const weekdayOf = (wall: number) => (((Math.floor(wall / DAY) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday

export function durationOf(d: Duration): number {
  return d.amount * UNIT_MS[d.unit];
}

/** When an `until` wait entered at `now` ends (never before `now`). */
export function untilMoment(
  wait: Extract<Wait, { kind: 'until' }>,
  now: number,
  tz: string,
  traits: Record<string, unknown>,
): number | null {
  const at = wait.at === undefined ? null : parseClock(wait.at);
  let wall: number;
  const nowWall = toWall(tz, now);
  const dateText = wait.trait !== undefined ? traits[wait.trait] : wait.date;
  if (wait.trait !== undefined && (dateText === undefined || dateText === null)) return null;
  if (dateText !== undefined) {
    const p = parseDate(dateText);
    if (p === null) return null;
    const day = p.day ?? Math.floor(toWall(tz, p.ms) / DAY);
    wall = at === null && p.day === null ? toWall(tz, p.ms) : day * DAY + (at ?? 0) * MINUTE;
    if (wall < nowWall) wall = nowWall;
  } else if (at !== null) {
    wall = Math.floor(nowWall / DAY) * DAY + at * MINUTE;
    if (wall < nowWall) wall += DAY;
  } else {
    wall = nowWall;
  }
  wall = allowedFrom(wall, wait.weekdays, wait.hours);
  return Math.max(now, fromWall(tz, wall));
}

/** The first wall time at or after `wall` on an allowed weekday and inside the allowed hours. */
function allowedFrom(wall: number, weekdays?: number[], hours?: { from: number; to: number }): number {
  const days = weekdays && weekdays.length > 0 ? new Set(weekdays) : null;
  let w = wall;
  for (let i = 0; i < 9; i++) {
    const dayStart = Math.floor(w / DAY) * DAY;
    const okDay = days === null || days.has(weekdayOf(w));
    if (okDay) {
      if (!hours) return w;
      const from = dayStart + hours.from * HOUR;
      const to = dayStart + hours.to * HOUR;
      if (w < from) return from;
      if (w < to) return w;
    }
    w = dayStart + DAY + (hours ? hours.from * HOUR : 0);
    if (days === null && !hours) return w;
  }
  return w;
}

// ---- schedules ----------------------------------------------------------------------------------------

interface CronSpec {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domAny: boolean;
  dowAny: boolean;
}

const CRON_FIELDS: [string, number, number][] = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7],
];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Parses a 5-field cron expression (numbers, names, `*`, ranges, steps, lists); an error names the field. */
export function parseCron(expr: string): { ok: true; value: CronSpec } | { ok: false; message: string } {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5)
    return {
      ok: false,
      message: `a cron expression has 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
    };
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const [name, lo, hi] = CRON_FIELDS[i]!;
    const set = new Set<number>();
    for (const part of fields[i]!.toLowerCase().split(',')) {
      const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
      if (!m) return { ok: false, message: `cron ${name} field: cannot read "${part}"` };
      const step = m[2] === undefined ? 1 : Number(m[2]);
      if (step < 1) return { ok: false, message: `cron ${name} field: step must be at least 1` };
      let a = lo;
      let b = hi;
      if (m[1] !== '*') {
        const [x, y] = m[1]!.split('-');
        const num = (s: string) => {
          const names = i === 3 ? MONTHS : i === 4 ? DAYS : [];
          const k = names.indexOf(s);
          if (k >= 0) return i === 3 ? k + 1 : k;
          return /^\d+$/.test(s) ? Number(s) : NaN;
        };
        a = num(x!);
        b = y === undefined ? (m[2] === undefined ? a : hi) : num(y);
        if (!Number.isInteger(a) || !Number.isInteger(b) || a < lo || b > hi || a > b)
          return { ok: false, message: `cron ${name} field: "${part}" is outside ${lo}-${hi}` };
      }
      for (let v = a; v <= b; v += step) set.add(i === 4 && v === 7 ? 0 : v);
    }
    sets.push(set);
  }
  const f = fields.map((x) => x.startsWith('*'));
  return {
    ok: true,
    value: {
      minute: sets[0]!,
      hour: sets[1]!,
      dom: sets[2]!,
      month: sets[3]!,
      dow: sets[4]!,
      domAny: f[2]!,
      dowAny: f[4]!,
    },
  };
}

/** The first wall minute strictly after `wall` matching the cron spec (searches 5 years), or null. */
function nextCron(spec: CronSpec, wall: number): number | null {
  const start = Math.floor(wall / MINUTE) * MINUTE + MINUTE;
  let day = Math.floor(start / DAY);
  const minutes = [...spec.minute].sort((a, b) => a - b);
  const hours = [...spec.hour].sort((a, b) => a - b);
  for (let i = 0; i < 366 * 5; i++, day++) {
    const { m, d } = civilFromDays(day);
    if (!spec.month.has(m)) continue;
    const dow = (((day + 4) % 7) + 7) % 7;
    const domOk = spec.dom.has(d);
    const dowOk = spec.dow.has(dow);
    // Vixie cron: when both are restricted, either matching is enough.
    const dayOk = spec.domAny ? dowOk : spec.dowAny ? domOk : domOk || dowOk;
    if (!dayOk) continue;
    for (const h of hours)
      for (const mi of minutes) {
        const t = day * DAY + h * HOUR + mi * MINUTE;
        if (t >= start) return t;
      }
  }
  return null;
}

/** The next run of a schedule strictly after `now`, as an instant. */
export function nextScheduled(s: ScheduleTrigger['schedule'], now: number, tz: string): number | null {
  const wall = toWall(tz, now);
  let next: number | null;
  if (s.every === 'cron') {
    const spec = parseCron(s.cron);
    if (!spec.ok) return null;
    next = nextCron(spec.value, wall);
  } else {
    const at = parseClock(s.at);
    if (at === null) return null;
    next = Math.floor(wall / DAY) * DAY + at * MINUTE;
    while (next <= wall || (s.every === 'week' && weekdayOf(next) !== s.weekday)) next += DAY;
  }
  if (next === null) return null;
  const t = fromWall(tz, next);
  return t > now ? t : fromWall(tz, next + HOUR); // a time skipped by DST
}

/**
 * When a date trigger fires for a profile whose trait holds `value`: the first moment at or after `after`
 * (for yearly: the next anniversary's moment), or null when the value is not a date or the moment passed.
 */
export function dateTriggerMoment(t: DateTrigger, value: unknown, after: number, tz: string): number | null {
  const p = parseDate(value);
  if (p === null) return null;
  const at = parseClock(t.at ?? '09:00') ?? 9 * 60;
  const shift = t.offset ? (t.offset.direction === 'before' ? -1 : 1) * durationOf(t.offset) : 0;
  const dateDay = p.day ?? Math.floor(toWall(tz, p.ms) / DAY);
  const moment = (day: number) => fromWall(tz, day * DAY + at * MINUTE + shift);
  if (t.recurring !== 'yearly') {
    const m = moment(dateDay);
    return m >= after ? m : null;
  }
  const { m, d } = civilFromDays(dateDay);
  const fromYear = civilFromDays(Math.floor(toWall(tz, after - shift) / DAY)).y - 1;
  for (let y = fromYear; y <= fromYear + 3; y++) {
    const when = moment(anniversary(y, m, d));
    if (when >= after) return when;
  }
  return null;
}
