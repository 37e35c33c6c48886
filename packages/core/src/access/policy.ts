import { err, ok, type Result } from '../errors';

// Account rules: email syntax, password policy, console locales. Pure.

/** The console's languages. */
export const LOCALES = ['fa', 'ar', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** True for a console locale. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export const PASSWORD_MIN = 10;
/** Long enough for any passphrase; bounds the work a single login request can cause. */
export const PASSWORD_MAX = 1024;

// A domain label: letters (any script, for internationalized domains), digits and inner hyphens.
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
// The local part: printable, no spaces, no quotes or angle brackets, no "@".
const LOCAL = /^[^\s@"<>()[\]\\,;:\p{Cc}]+$/u;

/**
 * Normalizes and checks an email address for an account: trimmed and lower-cased (accounts are found by
 * email case-insensitively). A single-label domain (`admin@localhost`) is accepted: self-hosted installs
 * use them.
 */
export function normalizeAccountEmail(input: unknown, field = 'email'): Result<string> {
  if (typeof input !== 'string' || input.trim() === '') {
    return err({
      code: 'invalid_email',
      field,
      message: `${field} is required: an address like name@example.com`,
    });
  }
  const email = input.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const bad = (why: string) =>
    err({
      code: 'invalid_email',
      field,
      message: `${field} "${input}" is not a valid email address: ${why}`,
    });
  if (email.length > 254) return bad('it is longer than 254 characters');
  if (at <= 0 || at === email.length - 1)
    return bad('it needs a name, "@" and a domain, like name@example.com');
  if (local.length > 64) return bad('the part before "@" is longer than 64 characters');
  if (!LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return bad('the part before "@" has spaces, quotes or misplaced dots');
  }
  if (!domain.split('.').every((l) => LABEL.test(l))) {
    return bad('the domain after "@" is not a valid host name');
  }
  return ok(email);
}

/**
 * The password policy: at least 10 characters (counted as characters, so Persian and Arabic passphrases
 * count the same as Latin ones), at most 1024, and not the account's email or the part before its "@".
 */
export function checkPassword(password: unknown, email: string, field = 'password'): Result<string> {
  if (typeof password !== 'string' || password.length === 0) {
    return err({ code: 'weak_password', field, message: `${field} is required` });
  }
  const length = [...password].length;
  if (length < PASSWORD_MIN) {
    return err({
      code: 'weak_password',
      field,
      message: `${field} must be at least ${PASSWORD_MIN} characters long (it has ${length}); a few unrelated words make a strong one`,
    });
  }
  if (length > PASSWORD_MAX) {
    return err({
      code: 'weak_password',
      field,
      message: `${field} must be at most ${PASSWORD_MAX} characters long`,
    });
  }
  const p = password.trim().toLowerCase();
  const e = email.trim().toLowerCase();
  if (p === e || p === e.slice(0, e.lastIndexOf('@'))) {
    return err({ code: 'weak_password', field, message: `${field} must not be the email address` });
  }
  return ok(password);
}

/** A display name: trimmed, 1 to 200 characters. */
export function checkName(name: unknown, field = 'name'): Result<string> {
  if (typeof name !== 'string' || name.trim() === '') {
    return err({ code: 'invalid_name', field, message: `${field} is required` });
  }
  const n = name.trim();
  if ([...n].length > 200)
    return err({ code: 'invalid_name', field, message: `${field} must be at most 200 characters` });
  return ok(n);
}
