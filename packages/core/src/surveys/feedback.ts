// Feedback from other channels as one record shape: chat transcripts, emails, app-store and web reviews,
// social posts, call-center notes. Validated here so every refusal names the field (`batch[3].text`).
import { err, ok, type Result } from '../errors';
import type { SurveyError } from './validate';
import { toSurveyLanguage } from './answers';
import type { SurveyLanguage } from './types';

/** Where feedback came from. `survey` is written by omnicx for open-text survey answers. */
export const FEEDBACK_SOURCES = [
  'chat',
  'email',
  'review',
  'app_review',
  'social',
  'call_center',
  'survey',
  'other',
] as const;

export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number];

/** The identifier a feedback record names its customer by (one of them). */
export type FeedbackProfileRef =
  { profileId: string } | { type: 'user_id' | 'email' | 'phone' | 'anonymous_id'; value: string };

/** A validated feedback record, before storage and analysis. */
export interface FeedbackInput {
  source: Exclude<FeedbackSource, 'survey'>;
  /** The channel it came through (chat, email, web, app, social, phone, store…); defaults from the source. */
  channel: string;
  touchpoint: string | null;
  text: string;
  /** A star rating or score given with it, if any, on `ratingScale` (default 1–5). */
  rating: number | null;
  ratingScale: { min: number; max: number } | null;
  /** The language if the sender knows it; otherwise detected. */
  language: SurveyLanguage | null;
  profile: FeedbackProfileRef | null;
  occurredAt: number;
  /** The record's id in its origin (review id, ticket id): a repeated (source, externalId) is stored once. */
  externalId: string | null;
  /** Free extras kept with the record (author name, URL, app version…). */
  metadata: Record<string, unknown>;
}

export const FEEDBACK_LIMITS = { maxText: 20_000, maxBatch: 500, maxMetadataBytes: 8192 } as const;

const DEFAULT_CHANNEL: Record<FeedbackInput['source'], string> = {
  chat: 'chat',
  email: 'email',
  review: 'web',
  app_review: 'app',
  social: 'social',
  call_center: 'phone',
  other: 'other',
};

const KEYS = [
  'source',
  'channel',
  'touchpoint',
  'text',
  'rating',
  'ratingScale',
  'language',
  'profileId',
  'userId',
  'email',
  'phone',
  'anonymousId',
  'occurredAt',
  'externalId',
  'metadata',
];

/** An instant as an ISO-8601 date-time / date, or epoch milliseconds; null when it is neither. */
export function parseInstant(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.floor(v) : null;
  if (typeof v !== 'string') return null;
  if (/^\d{1,15}$/.test(v)) return Number(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Validates one feedback record. `path` prefixes field names (`batch[2]`); `now` is the default `occurredAt`
 * and bounds it (a date more than a day in the future is refused as a likely unit mistake).
 */
export function validateFeedback(
  raw: unknown,
  path: string,
  now: number,
): Result<FeedbackInput, SurveyError[]> {
  const errors: SurveyError[] = [];
  const f = (name: string) => (path ? `${path}.${name}` : name);
  const fail = (code: string, name: string, message: string) =>
    errors.push({ code, field: f(name), message: `${f(name)}: ${message}` });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return err([
      {
        code: 'invalid_value',
        field: path || 'body',
        message: `${path || 'body'}: must be a feedback object`,
      },
    ]);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!KEYS.includes(k)) fail('unknown_field', k, `unknown field (allowed: ${KEYS.join(', ')})`);
  const source = o.source;
  if (
    typeof source !== 'string' ||
    !(FEEDBACK_SOURCES as readonly string[]).includes(source) ||
    source === 'survey'
  )
    fail(
      'invalid_value',
      'source',
      `must be one of ${FEEDBACK_SOURCES.filter((s) => s !== 'survey').join(', ')}`,
    );
  const str = (name: string, max: number): string | null => {
    const v = o[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || v.trim() === '' || v.length > max) {
      fail('invalid_value', name, `must be a non-empty string of at most ${max} characters`);
      return null;
    }
    return v.trim();
  };
  const text = typeof o.text === 'string' ? o.text.trim() : '';
  if (text === '' || text.length > FEEDBACK_LIMITS.maxText)
    fail('invalid_value', 'text', `must be non-empty text of at most ${FEEDBACK_LIMITS.maxText} characters`);
  const channel = str('channel', 50);
  const touchpoint = str('touchpoint', 200);
  const externalId = str('externalId', 200);
  let ratingScale: { min: number; max: number } | null = null;
  if (o.ratingScale !== undefined) {
    const s = o.ratingScale as { min?: unknown; max?: unknown } | null;
    if (
      typeof s !== 'object' ||
      s === null ||
      !Number.isInteger(s.min) ||
      !Number.isInteger(s.max) ||
      (s.min as number) < 0 ||
      (s.max as number) > 100 ||
      (s.min as number) >= (s.max as number)
    )
      fail('invalid_value', 'ratingScale', 'must be {"min": m, "max": M} with whole numbers 0 ≤ m < M ≤ 100');
    else ratingScale = { min: s.min as number, max: s.max as number };
  }
  let rating: number | null = null;
  if (o.rating !== undefined && o.rating !== null) {
    const scale = ratingScale ?? { min: 1, max: 5 };
    if (
      typeof o.rating !== 'number' ||
      !Number.isFinite(o.rating) ||
      o.rating < scale.min ||
      o.rating > scale.max
    )
      fail(
        'invalid_value',
        'rating',
        `must be a number from ${scale.min} to ${scale.max} (set ratingScale for another scale)`,
      );
    else {
      rating = o.rating;
      ratingScale = scale;
    }
  } else if (ratingScale) fail('invalid_value', 'ratingScale', 'is given without a rating');
  let language: SurveyLanguage | null = null;
  if (o.language !== undefined && o.language !== null) {
    language = toSurveyLanguage(o.language);
    if (!language)
      fail('invalid_value', 'language', 'must be fa, ar or en (or omit it to detect the language)');
  }
  const refs: FeedbackProfileRef[] = [];
  const idOf = (name: string) => str(name, 300);
  const pid = idOf('profileId');
  if (pid) refs.push({ profileId: pid });
  for (const [key, type] of [
    ['userId', 'user_id'],
    ['email', 'email'],
    ['phone', 'phone'],
    ['anonymousId', 'anonymous_id'],
  ] as const) {
    const v = idOf(key);
    if (v) refs.push({ type, value: v });
  }
  if (refs.length > 1)
    fail(
      'invalid_value',
      'profileId',
      'name the customer by one of profileId, userId, email, phone or anonymousId, not several',
    );
  let occurredAt = now;
  if (o.occurredAt !== undefined) {
    const t = parseInstant(o.occurredAt);
    if (t === null || t > now + 86_400_000)
      fail('invalid_value', 'occurredAt', 'must be an ISO-8601 date-time (or epoch ms) not in the future');
    else occurredAt = t;
  }
  let metadata: Record<string, unknown> = {};
  if (o.metadata !== undefined) {
    if (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata))
      fail('invalid_value', 'metadata', 'must be an object');
    else if (JSON.stringify(o.metadata).length > FEEDBACK_LIMITS.maxMetadataBytes)
      fail('invalid_value', 'metadata', `must be at most ${FEEDBACK_LIMITS.maxMetadataBytes} bytes of JSON`);
    else metadata = o.metadata as Record<string, unknown>;
  }
  if (errors.length > 0) return err(errors);
  const src = source as FeedbackInput['source'];
  return ok({
    source: src,
    channel: channel ?? DEFAULT_CHANNEL[src],
    touchpoint,
    text,
    rating,
    ratingScale,
    language,
    profile: refs[0] ?? null,
    occurredAt,
    externalId,
    metadata,
  });
}

/** Validates a single record or `{ batch: [...] }` (all or nothing: one bad record refuses the request). */
export function validateFeedbackRequest(raw: unknown, now: number): Result<FeedbackInput[], SurveyError[]> {
  if (typeof raw === 'object' && raw !== null && 'batch' in raw) {
    const b = (raw as { batch: unknown }).batch;
    if (!Array.isArray(b) || b.length === 0 || b.length > FEEDBACK_LIMITS.maxBatch)
      return err([
        {
          code: 'invalid_value',
          field: 'batch',
          message: `batch: must be a list of 1 to ${FEEDBACK_LIMITS.maxBatch} feedback records`,
        },
      ]);
    if (Object.keys(raw).length > 1)
      return err([
        { code: 'unknown_field', field: 'batch', message: 'a batch request has only the field batch' },
      ]);
    const out: FeedbackInput[] = [];
    const errors: SurveyError[] = [];
    b.forEach((x, i) => {
      const r = validateFeedback(x, `batch[${i}]`, now);
      if (r.ok) out.push(r.value);
      else errors.push(...r.error);
    });
    return errors.length > 0 ? err(errors) : ok(out);
  }
  const r = validateFeedback(raw, '', now);
  return r.ok ? ok([r.value]) : r;
}
