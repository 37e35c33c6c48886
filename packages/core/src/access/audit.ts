// What the audit log keeps of a request: a name for the action and a summary of the body with secrets
// removed and its size bounded. Pure.

/**
 * Field names whose values are secrets: passwords (`password`, `pass`, `pwd`), tokens, keys (`key`, `apiKey`,
 * `private_key`), secrets, hashes, credentials, private material, authorization headers.
 */
const SECRET_FIELD =
  /^(key|.*[_-]key|.*[a-z]Key|pass|.*[_-]pass|pwd|.*password.*|.*passwd.*|.*secret.*|.*token.*|.*hash.*|.*credential.*|.*private.*|authorization|cookie|otp|pin)$/i;

export const REDACTED = '[redacted]';

/** True when a field of this name holds a secret and must not be stored in the audit log. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

const MAX_DEPTH = 5;
const MAX_KEYS = 50;
const MAX_ITEMS = 20;
const MAX_STRING = 300;
/** The largest summary stored, in characters of JSON. */
export const SUMMARY_MAX = 8 * 1024;

function shrink(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
  }
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[${value.length} items]` : '{…}';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => shrink(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries.slice(0, MAX_KEYS)) {
    out[k] = isSecretField(k) ? REDACTED : shrink(v, depth + 1);
  }
  if (entries.length > MAX_KEYS) out['…'] = `${entries.length - MAX_KEYS} more fields`;
  return out;
}

/**
 * The body of a request as the audit log keeps it: every field named like a secret (password, token,
 * key, secret…) replaced by "[redacted]" at any depth, long strings and arrays cut, and the whole bounded
 * to {@link SUMMARY_MAX} characters of JSON (beyond that only the top-level field names are kept).
 * Bodies that are not JSON values (a CSV upload stream) give null.
 */
export function auditSummary(body: unknown): unknown {
  if (body === undefined || body === null) return null;
  if (typeof body === 'object' && !Array.isArray(body)) {
    // A stream or buffer (CSV import) is not a JSON value: nothing to summarise.
    const proto: unknown = Object.getPrototypeOf(body);
    if (proto !== Object.prototype && proto !== null) return null;
  }
  const small = shrink(body, 0);
  if (JSON.stringify(small ?? null).length <= SUMMARY_MAX) return small ?? null;
  if (small && typeof small === 'object' && !Array.isArray(small)) {
    return { truncated: true, fields: Object.keys(small).slice(0, MAX_KEYS) };
  }
  return { truncated: true };
}

const METHOD_VERB: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
};

/**
 * A readable action name from a route pattern and method: the literal path segments after /api/v1 joined
 * by dots, then a verb. `POST /api/v1/segments` → segments.create, `PATCH /api/v1/segments/:id` →
 * segments.update, `DELETE /api/v1/keys/:id` → keys.delete; a POST to a named sub-resource is that name
 * (`POST /api/v1/processes/:id/publish` → processes.publish, `POST /api/v1/segments/preview` →
 * segments.preview); a GET (exports) is `.read`.
 */
export function auditAction(method: string, route: string): string {
  const parts = route
    .replace(/^\/api\/v1\//, '')
    .split('/')
    .filter((p) => p !== '');
  const literals = parts.filter((p) => !p.startsWith(':'));
  const base = literals.join('.') || 'api';
  const m = method.toUpperCase();
  const last = parts[parts.length - 1] ?? '';
  if (m === 'POST' && literals.length > 1 && !last.startsWith(':')) return base;
  if (m === 'GET' || m === 'HEAD') return `${base}.read`;
  return `${base}.${METHOD_VERB[m] ?? m.toLowerCase()}`;
}
