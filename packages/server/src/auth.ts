import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyService, Principal } from '@omnicx/engine';
import { sendError } from './errors';

/**
 * The key a request presents: the HTTP Basic username (what Segment's SDKs send, password empty), an
 * `Authorization: Bearer` token, or — for ingestion only — the `writeKey` field analytics.js puts in the body.
 */
export function presentedKey(req: FastifyRequest, allowBodyKey: boolean): string | null {
  const h = req.headers.authorization;
  if (h) {
    const [scheme, value] = h.split(' ', 2);
    if (scheme?.toLowerCase() === 'bearer' && value) return value.trim();
    if (scheme?.toLowerCase() === 'basic' && value) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
      return user || null;
    }
    return null;
  }
  if (allowBodyKey) {
    const body = req.body as { writeKey?: unknown } | undefined;
    if (body && typeof body.writeKey === 'string' && body.writeKey) return body.writeKey;
  }
  return null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Options for {@link requireKey}. */
export interface RequireKeyOptions {
  keys: KeyService;
  /** Which key kinds may call the route. */
  kinds: readonly ('write' | 'secret')[];
  allowBodyKey?: boolean;
}

/** A preHandler that authenticates the request's key and checks its kind. */
export function requireKey(opts: RequireKeyOptions) {
  return async function requireKeyHook(req: FastifyRequest, reply: FastifyReply) {
    const key = presentedKey(req, opts.allowBodyKey ?? false);
    if (!key) {
      return sendError(reply, 401, {
        code: 'missing_key',
        message:
          'no API key: send it as the HTTP Basic username with an empty password, or as "Authorization: Bearer <key>"',
      });
    }
    const principal = await opts.keys.authenticate(key);
    if (!principal) {
      return sendError(reply, 401, {
        code: 'invalid_key',
        message: 'the API key is not valid (unknown or revoked)',
      });
    }
    if (!opts.kinds.includes(principal.kind)) {
      return sendError(reply, 403, {
        code: 'forbidden',
        message:
          principal.kind === 'write'
            ? 'a write key may only send events; use a secret key for the admin API'
            : `this route does not accept ${principal.kind} keys`,
      });
    }
    req.principal = principal;
  };
}
