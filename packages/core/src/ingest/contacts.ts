// CSV contact import: each row becomes an identify event on the `import` channel, so imported contacts go
// through the same identity resolution and profile pipeline as live traffic.
import { err, ok, type Result } from '../errors';
import type { IncomingEvent, JsonObject } from './types';

export interface ContactRowOptions {
  rowNumber: number;
  receivedAt: number;
  newMessageId: () => string;
  /** The touchpoint, e.g. the file name. */
  source: string;
}

type Role = 'userId' | 'anonymousId' | 'email' | 'phone';

// Header spellings (lower-cased, without spaces, `_` and `-`) that carry identifiers.
const ROLES: Record<string, Role> = {
  userid: 'userId',
  externalid: 'userId',
  customerid: 'userId',
  anonymousid: 'anonymousId',
  email: 'email',
  emailaddress: 'email',
  phone: 'phone',
  mobile: 'phone',
  phonenumber: 'phone',
  cellphone: 'phone',
};

const MAX_ID_CHARS = 512;
const MAX_TOUCHPOINT = 128;
const MIN_PHONE_DIGITS = 6;
// ASCII, Persian (U+06F0-06F9) and Arabic-Indic (U+0660-0669) digits: Iranian and Arab spreadsheets use both.
const DIGIT = /[0-9\u06F0-\u06F9\u0660-\u0669]/g;

/** Turns one CSV contact row (header → cell) into an identify event, or says why the row is unusable. */
export function contactRowToEvent(
  row: Record<string, string>,
  opts: ContactRowOptions,
): Result<IncomingEvent> {
  const rowName = `row ${opts.rowNumber}`;
  const ids: Partial<Record<Role, { header: string; value: string }>> = {};
  const traits: JsonObject = {};
  for (const [rawHeader, rawValue] of Object.entries(row)) {
    const value = typeof rawValue === 'string' ? rawValue.trim() : '';
    const header = rawHeader.trim();
    // A blank header has no name to store the value under.
    if (value === '' || header === '') continue;
    // \s also strips the byte-order mark spreadsheets put before the first header.
    const role = ROLES[rawHeader.toLowerCase().replace(/[\s_-]/g, '')];
    if (role !== undefined && ids[role] === undefined) {
      ids[role] = { header, value };
      continue;
    }
    // A second column of the same role (e.g. both "Phone" and "Mobile") is kept as a plain trait.
    if (!(header in traits)) traits[header] = value;
  }

  const { userId, anonymousId, email, phone } = ids;
  if (!userId && !anonymousId && !email && !phone) {
    return err({
      code: 'missing_identity',
      field: rowName,
      message:
        `${rowName} has no identifier: fill in at least one of the userId (or externalId/customerId), ` +
        'anonymousId, email or phone columns so the contact can be matched to a profile',
    });
  }
  for (const [key, id] of [['userId', userId] as const, ['anonymousId', anonymousId] as const]) {
    if (id && [...id.value].length > MAX_ID_CHARS) {
      return invalid(rowName, key, `column "${id.header}" must be at most ${MAX_ID_CHARS} characters long`);
    }
  }
  if (email) {
    const parts = email.value.split('@');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      return invalid(
        rowName,
        'email',
        `column "${email.header}" must be an email address like name@example.com (got "${email.value}")`,
      );
    }
    traits.email = email.value;
  }
  if (phone) {
    if ((phone.value.match(DIGIT) ?? []).length < MIN_PHONE_DIGITS) {
      return invalid(
        rowName,
        'phone',
        `column "${phone.header}" must be a phone number with at least ${MIN_PHONE_DIGITS} digits, ` +
          `like +98 912 345 6789 (got "${phone.value}")`,
      );
    }
    traits.phone = phone.value;
  }

  const source = opts.source.trim().slice(0, MAX_TOUCHPOINT);
  const touchpoint = source === '' ? null : source;
  const context: JsonObject = touchpoint === null ? { channel: 'import' } : { channel: 'import', touchpoint };
  const messageId = opts.newMessageId();
  const iso = new Date(opts.receivedAt).toISOString();
  // Same shape as parse.ts stores: absent ids are left out, times are ISO strings.
  const json: JsonObject = { type: 'identify', messageId };
  if (userId) json.userId = userId.value;
  if (anonymousId) json.anonymousId = anonymousId.value;
  Object.assign(json, { traits, context, timestamp: iso, receivedAt: iso });

  return ok({
    messageId,
    type: 'identify',
    name: null,
    userId: userId?.value ?? null,
    anonymousId: anonymousId?.value ?? null,
    previousId: null,
    groupId: null,
    traits,
    properties: {},
    context,
    integrations: {},
    timestamp: opts.receivedAt,
    receivedAt: opts.receivedAt,
    sentAt: null,
    originalTimestamp: null,
    channel: 'import',
    touchpoint,
    json: JSON.stringify(json),
  });
}

/** An invalid_field error for one cell, named `row N: key` (key is userId, anonymousId, email or phone). */
function invalid(rowName: string, key: string, why: string): Result<never> {
  return err({ code: 'invalid_field', field: `${rowName}: ${key}`, message: `${rowName}: ${why}` });
}
