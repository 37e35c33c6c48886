// Value tests (trait, event property, computed trait and survey answer comparisons) compiled to closures once,
// so evaluating a rule never re-reads its JSON. A missing value (undefined or null) fails every test except
// `not_exists`: "city is not Tehran" does not match profiles without a city; wrap `equals` in `not` for that.
import {
  anniversary,
  civilFromDays,
  DAY,
  dateMs,
  dayStart,
  localDay,
  MINUTE,
  type ParsedDate,
  parseDate,
} from './time';
import type { ValueTest } from './types';

/** Where a time-dependent test reports when its answer next changes (Infinity: never). */
export interface TestOut {
  tchg: number;
}

/** A compiled value test: the answer at time `t`, with `out.tchg` set to when it next changes. */
export type CompiledTest = (value: unknown, t: number, out: TestOut) => boolean;

const ARABIC_TO_PERSIAN: Record<string, string> = {
  '\u064a': '\u06cc', // ي → ی
  '\u0649': '\u06cc', // ى → ی
  '\u0643': '\u06a9', // ك → ک
  '\u0623': '\u0627', // أ → ا
  '\u0625': '\u0627', // إ → ا
  '\u0622': '\u0627', // آ → ا
  '\u0629': '\u0647', // ة → ه
};

/**
 * Loose text for `fold: true`: NFKC, lower case, Arabic letter variants to their Persian forms, Persian and
 * Arabic-Indic digits to ASCII, and no diacritics, tatweel or zero-width non-joiner. Users type «كيك» and
 * «کیک» for the same word depending on their keyboard; a segment on a city must not split on that.
 */
export function foldText(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u064a\u0649\u0643\u0623\u0625\u0622\u0629]/g, (c) => ARABIC_TO_PERSIAN[c] ?? c)
    .replace(/[\u06f0-\u06f9]/g, (c) => String(c.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, (c) => String(c.charCodeAt(0) - 0x0660))
    .replace(/[\u064b-\u0652\u0640\u200c]/g, '');
}

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a number from a number or numeric text (Persian/Arabic digits and the Arabic decimal separator
 * allowed, as CSV imports and forms send them); anything else → NaN.
 */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v !== 'string' || v.length > 64) return NaN;
  let s = v.trim();
  if (/[^\x20-\x7e]/.test(s)) {
    s = s
      .replace(/[\u06f0-\u06f9]/g, (c) => String(c.charCodeAt(0) - 0x06f0))
      .replace(/[\u0660-\u0669]/g, (c) => String(c.charCodeAt(0) - 0x0660))
      .replace(/\u066b/g, '.')
      .replace(/\u066c/g, '');
  }
  return NUMBER_TEXT.test(s) ? Number(s) : NaN;
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Scalar equality: numbers numerically (numeric text included), strings exactly or folded, booleans as such. */
function equalsFn(expected: string | number | boolean, fold: boolean): (v: unknown) => boolean {
  if (typeof expected === 'boolean') return (v) => v === expected;
  if (typeof expected === 'number') return (v) => toNumber(v) === expected;
  const asNumber = toNumber(expected);
  if (fold) {
    const f = foldText(expected);
    return (v) =>
      typeof v === 'string' ? foldText(v) === f : typeof v === 'number' ? v === asNumber : false;
  }
  return (v) => (typeof v === 'string' ? v === expected : typeof v === 'number' ? v === asNumber : false);
}

/** Applies a scalar test to a value, or to any element when the value is an array (tags, interests). */
function anyElement(f: (v: unknown) => boolean): (v: unknown) => boolean {
  return (v) => {
    if (!Array.isArray(v)) return f(v);
    for (const x of v) if (f(x)) return true;
    return false;
  };
}

/** Compiles a test that depends only on the value (everything but the relative-date tests). */
export function compileStaticTest(test: ValueTest): (v: unknown) => boolean {
  switch (test.op) {
    case 'exists':
      return present;
    case 'not_exists':
      return (v) => !present(v);
    case 'equals':
      return anyElement(equalsFn(test.value, test.fold === true));
    case 'not_equals': {
      const eq = anyElement(equalsFn(test.value, test.fold === true));
      return (v) => present(v) && !eq(v);
    }
    case 'contains': {
      const fold = test.fold === true;
      const needle = fold ? foldText(test.value) : test.value;
      const element = equalsFn(test.value, fold);
      return (v) => {
        if (typeof v === 'string') return (fold ? foldText(v) : v).includes(needle);
        if (Array.isArray(v)) return v.some(element);
        return false;
      };
    }
    case 'starts_with': {
      const fold = test.fold === true;
      const prefix = fold ? foldText(test.value) : test.value;
      return (v) => typeof v === 'string' && (fold ? foldText(v) : v).startsWith(prefix);
    }
    case 'in': {
      const fold = test.fold === true;
      const strings = new Set<string>();
      const numbers = new Set<number>();
      for (const x of test.value) {
        if (typeof x === 'number') numbers.add(x);
        else {
          strings.add(fold ? foldText(x) : x);
          const n = toNumber(x);
          if (!Number.isNaN(n)) numbers.add(n);
        }
      }
      return anyElement((v) => {
        if (typeof v === 'string') {
          if (strings.has(fold ? foldText(v) : v)) return true;
          const n = numbers.size > 0 ? toNumber(v) : NaN;
          return !Number.isNaN(n) && numbers.has(n);
        }
        return typeof v === 'number' && numbers.has(v);
      });
    }
    case 'gt': {
      const x = test.value;
      return (v) => toNumber(v) > x;
    }
    case 'gte': {
      const x = test.value;
      return (v) => toNumber(v) >= x;
    }
    case 'lt': {
      const x = test.value;
      return (v) => toNumber(v) < x;
    }
    case 'lte': {
      const x = test.value;
      return (v) => toNumber(v) <= x;
    }
    case 'between': {
      // Inclusive at both ends: "age between 18 and 25" includes 25.
      const [lo, hi] = test.value;
      return (v) => {
        const n = toNumber(v);
        return n >= lo && n <= hi;
      };
    }
    case 'before': {
      const x = dateMs(test.value);
      return (v) => {
        const p = parseDate(v);
        return p !== null && p.ms < x;
      };
    }
    case 'after': {
      const x = dateMs(test.value);
      return (v) => {
        const p = parseDate(v);
        return p !== null && p.ms > x;
      };
    }
    case 'date_between': {
      // Half-open like every time range here: from ≤ date < to.
      const from = dateMs(test.value[0]);
      const to = dateMs(test.value[1]);
      return (v) => {
        const p = parseDate(v);
        return p !== null && p.ms >= from && p.ms < to;
      };
    }
    case 'within_next_days':
    case 'within_last_days':
      throw new RangeError(`${test.op} depends on time; use compileTest`);
  }
}

/** Compiles any value test; only the relative-date tests change with time. */
export function compileTest(test: ValueTest): CompiledTest {
  if (test.op === 'within_next_days' || test.op === 'within_last_days') {
    return compileRelativeDate(test.op === 'within_next_days', test.value, test.recurring === 'yearly', test);
  }
  const f = compileStaticTest(test);
  return (v, _t, out) => {
    out.tchg = Infinity;
    return f(v);
  };
}

/**
 * "Within the next/last N days", by whole local days: today..today+N (next) or today-N..today (last),
 * both ends included. The answer flips only at local midnights, so the next change is a day start.
 */
function compileRelativeDate(
  next: boolean,
  n: number,
  yearly: boolean,
  opts: { utcOffsetMinutes?: number },
): CompiledTest {
  const off = (opts.utcOffsetMinutes ?? 0) * MINUTE;
  // The same profile's birthday is tested again and again: keep the last parse.
  let lastValue: unknown;
  let lastParsed: ParsedDate | null = null;
  let memoDay = NaN;
  let memoToday = NaN;
  let memoNow = false;
  let memoFlip = Infinity;
  return (v, t, out) => {
    out.tchg = Infinity;
    if (v !== lastValue) {
      lastValue = v;
      lastParsed = parseDate(v);
    }
    const p = lastParsed;
    if (p === null) return false;
    const day = localDay(p, off);
    const today = Math.floor((t + off) / DAY);
    if (!yearly) {
      // next: true on days day-n … day; last: true on days day … day+n.
      const first = next ? day - n : day;
      const last = next ? day : day + n;
      if (today < first) {
        out.tchg = dayStart(first, off);
        return false;
      }
      if (today <= last) {
        out.tchg = dayStart(last + 1, off);
        return true;
      }
      return false;
    }
    // Today's answer and next flip depend only on (day, today): remember the last ones (a day's worth of hits).
    if (day === memoDay && today === memoToday) {
      if (memoFlip !== Infinity) out.tchg = dayStart(memoFlip, off);
      return memoNow;
    }
    const { m, d } = civilFromDays(day);
    const now = anniversaryHolds(today, m, d, n, next);
    // The answer can flip only where an anniversary enters or leaves the N-day range. Anniversaries are at
    // most 366 days apart, so the years around today hold the next flip whenever one exists (n < 366), and
    // as holds() is constant between consecutive candidates, the smallest differing one is the first change.
    const y = civilFromDays(today).y;
    let best = Infinity;
    for (let yy = y - 1; yy <= y + 2; yy++) {
      const a = anniversary(yy, m, d);
      const f1 = next ? a - n : a;
      const f2 = next ? a + 1 : a + n + 1;
      if (f1 > today && f1 < best && anniversaryHolds(f1, m, d, n, next) !== now) best = f1;
      if (f2 > today && f2 < best && anniversaryHolds(f2, m, d, n, next) !== now) best = f2;
    }
    memoDay = day;
    memoToday = today;
    memoNow = now;
    memoFlip = best;
    if (best !== Infinity) out.tchg = dayStart(best, off);
    return now;
  };
}

/** Whether day `x` is within n days before (next) or after (last) an anniversary of month m, day d. */
function anniversaryHolds(x: number, m: number, d: number, n: number, next: boolean): boolean {
  const y = civilFromDays(x).y;
  let a = anniversary(y, m, d);
  if (next) {
    if (a < x) a = anniversary(y + 1, m, d);
    return a - x <= n;
  }
  if (a > x) a = anniversary(y - 1, m, d);
  return x - a <= n;
}
