import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditAction, can, deniedMessage, type Area } from '@omnicx/core';
import { sameToken, type Engine, type KeyService, type Principal, type SessionUser } from '@omnicx/engine';
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
    /** The signed-in console user, when the request authenticated with the session cookie. */
    sessionUser?: SessionUser;
    /** The permission the route needed (from {@link permissionFor}); undefined for unmapped routes. */
    permission?: string;
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
    if (!(opts.kinds as readonly string[]).includes(principal.kind)) {
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

// ---- the admin API: secret key or session cookie, CSRF, and one permission table ----

/** The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure over https or with OMNICX_COOKIE_SECURE=1. */
export const SESSION_COOKIE = 'omnicx_session';
/** The header carrying a session's CSRF token on unsafe cookie-authenticated requests. */
export const CSRF_HEADER = 'x-csrf-token';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** True for methods that change something (CSRF-checked, audited). */
export const isUnsafe = (method: string): boolean => UNSAFE.has(method.toUpperCase());

/**
 * THE permission table: which area every admin route belongs to, by route-pattern prefix (the longest
 * matching prefix wins). GET/HEAD need `area:read`, other methods `area:write`. A route with no entry is
 * refused to every role except admin (fail closed); `test/auth.test.ts` checks that every registered
 * /api/v1 route has one.
 */
export const ROUTE_AREAS: readonly (readonly [prefix: string, area: Area])[] = [
  ['/api/v1/profiles', 'profiles'],
  ['/api/v1/contacts', 'profiles'],
  // A profile's memberships, computed traits and scores belong to segments; its process instances to processes.
  ['/api/v1/profiles/:id/segments', 'segments'],
  ['/api/v1/profiles/:id/values', 'segments'],
  ['/api/v1/profiles/:id/instances', 'processes'],
  // A profile's consent and push subscriptions are channel settings.
  ['/api/v1/profiles/:id/consent', 'channels'],
  ['/api/v1/profiles/:id/push-subscriptions', 'channels'],
  ['/api/v1/segments', 'segments'],
  ['/api/v1/lists', 'segments'],
  ['/api/v1/computed-traits', 'segments'],
  ['/api/v1/score-models', 'segments'],
  ['/api/v1/scores', 'segments'],
  ['/api/v1/personas', 'segments'],
  ['/api/v1/processes', 'processes'],
  ['/api/v1/instances', 'processes'],
  ['/api/v1/outbox', 'outbox'],
  ['/api/v1/tasks', 'tasks'],
  ['/api/v1/surveys', 'surveys'],
  // Following up a response is feedback work (agents do it), not survey editing.
  ['/api/v1/surveys/:id/responses/:responseId/followup', 'feedback'],
  ['/api/v1/feedback', 'feedback'],
  ['/api/v1/templates', 'templates'],
  ['/api/v1/content-blocks', 'templates'],
  ['/api/v1/channels', 'channels'],
  ['/api/v1/consent', 'channels'],
  ['/api/v1/consents', 'channels'],
  ['/api/v1/subscription-groups', 'channels'],
  ['/api/v1/deliveries', 'channels'],
  ['/api/v1/workspace', 'settings'],
  ['/api/v1/settings', 'settings'],
  ['/api/v1/identity', 'settings'],
  ['/api/v1/keys', 'keys'],
  ['/api/v1/users', 'users'],
  ['/api/v1/invitations', 'users'],
  ['/api/v1/audit', 'audit'],
  ['/api/v1/stats', 'analytics'],
  ['/api/v1/dashboard', 'analytics'],
  ['/api/v1/analytics', 'analytics'],
];

/**
 * Routes whose permission is not the plain area read/write: erasing a person and bulk import are finer
 * profile permissions (an agent edits traits but does neither); previews, validation and dry runs are POSTs
 * that change nothing, so reading is enough.
 */
export const ROUTE_OVERRIDES: Readonly<Record<string, string>> = {
  'DELETE /api/v1/profiles/:id': 'profiles:erase',
  'POST /api/v1/contacts/import': 'profiles:import',
  'POST /api/v1/segments/preview': 'segments:read',
  'POST /api/v1/processes/validate': 'processes:read',
  'POST /api/v1/processes/:id/dry-run': 'processes:read',
  'POST /api/v1/templates/preview': 'templates:read',
  'POST /api/v1/templates/:id/preview': 'templates:read',
  'POST /api/v1/templates/sms-length': 'templates:read',
};

const READ_ONLY_AREAS = new Set<string>(['analytics', 'audit']);

/** The permission a request to `route` (a route pattern such as /api/v1/segments/:id) needs, if mapped. */
export function permissionFor(method: string, route: string): string | undefined {
  const m = method.toUpperCase();
  const override = ROUTE_OVERRIDES[`${m} ${route}`];
  if (override) return override;
  let best: readonly [string, Area] | undefined;
  for (const entry of ROUTE_AREAS) {
    const [prefix] = entry;
    if ((route === prefix || route.startsWith(prefix + '/')) && (!best || prefix.length > best[0].length)) {
      best = entry;
    }
  }
  if (!best) return undefined;
  const verb = m === 'GET' || m === 'HEAD' ? 'read' : 'write';
  // A change to a read-only area has no permission (analytics and audit are never written through the API).
  if (verb === 'write' && READ_ONLY_AREAS.has(best[1])) return undefined;
  return `${best[1]}:${verb}`;
}

/** Whether a principal may call a route: admins everything (unmapped routes too), others by the table. */
export function allowed(principal: Pick<Principal, 'role'>, permission: string | undefined): boolean {
  if (principal.role === 'admin') return true;
  return permission !== undefined && can(principal.role, permission);
}

/** The session cookie's token, if the request carries one. */
export function sessionToken(req: FastifyRequest): string | undefined {
  const t = (req.cookies as Record<string, string | undefined> | undefined)?.[SESSION_COOKIE];
  return t || undefined;
}

/** The signed-in user of a request (cookie), or null. */
export async function sessionOf(engine: Engine, req: FastifyRequest): Promise<SessionUser | null> {
  const token = sessionToken(req);
  return token ? engine.access.authenticate(token) : null;
}

/** True when an unsafe request carries the session's CSRF token. */
export function csrfOk(req: FastifyRequest, session: SessionUser): boolean {
  if (!isUnsafe(req.method)) return true;
  const h = req.headers[CSRF_HEADER];
  return typeof h === 'string' && sameToken(h, session.csrfToken);
}

/** Sends the CSRF refusal. */
export function sendCsrfError(reply: FastifyReply): FastifyReply {
  return sendError(reply, 403, {
    code: 'csrf',
    message: `missing or wrong ${CSRF_HEADER} header: send the csrfToken from /api/v1/auth/me with every change`,
  });
}

/** The principal of a signed-in user. */
export function userPrincipal(s: SessionUser): Principal {
  return {
    workspaceId: s.user.workspaceId,
    kind: 'user',
    userId: s.user.id,
    role: s.user.role as Principal['role'],
    label: s.user.email,
  };
}

/**
 * The admin API's gate (an onRequest hook, so refused requests are not even read): authenticates a secret
 * key (Bearer/Basic; acts as admin; write keys refused) or the session cookie (CSRF-checked on unsafe
 * methods), then checks the route's permission from {@link permissionFor} for the principal's role.
 */
export function requireAdmin(opts: { engine: Engine }) {
  const { engine } = opts;
  return async function adminGate(req: FastifyRequest, reply: FastifyReply) {
    let principal: Principal;
    const key = presentedKey(req, false);
    if (key) {
      const p = await engine.keys.authenticate(key);
      if (!p) {
        return sendError(reply, 401, {
          code: 'invalid_key',
          message: 'the API key is not valid (unknown or revoked)',
        });
      }
      if (p.kind !== 'secret') {
        return sendError(reply, 403, {
          code: 'forbidden',
          message: 'a write key may only send events; use a secret key for the admin API',
        });
      }
      principal = p;
    } else {
      const token = sessionToken(req);
      if (!token) {
        return sendError(reply, 401, {
          code: 'missing_key',
          message:
            'not signed in and no API key: sign in to the console, or send a secret key as "Authorization: Bearer <key>"',
        });
      }
      const session = await engine.access.authenticate(token);
      if (!session) {
        return sendError(reply, 401, {
          code: 'not_signed_in',
          message: 'your session has ended (signed out, expired or account disabled): sign in again',
        });
      }
      if (!csrfOk(req, session)) return sendCsrfError(reply);
      req.sessionUser = session;
      principal = userPrincipal(session);
    }
    const permission = permissionFor(req.method, req.routeOptions.url ?? req.url);
    if (!allowed(principal, permission)) {
      return sendError(reply, 403, { code: 'forbidden', message: deniedMessage(principal.role, permission) });
    }
    req.principal = principal;
    req.permission = permission;
  };
}

/** The client of a request, for sessions and audit entries. */
export const clientOf = (req: FastifyRequest) => ({
  ip: req.ip ?? null,
  userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
});

/** The actor of an authenticated request. */
export const actorOf = (p: Principal) => ({
  type: p.kind === 'user' ? ('user' as const) : ('key' as const),
  id: (p.kind === 'user' ? p.userId : p.keyId) ?? null,
  label: p.label,
});

/** The id a response names, for audit entries of creations (`{"id": …}` or one level down). */
function idInPayload(payload: unknown): string | null {
  if (typeof payload !== 'string' || payload.length > 256 * 1024 || !payload.startsWith('{')) return null;
  try {
    const body = JSON.parse(payload) as Record<string, unknown>;
    if (typeof body.id === 'string') return body.id;
    for (const v of Object.values(body)) {
      if (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string') {
        return (v as { id: string }).id;
      }
    }
  } catch {
    // Not JSON: no id to record.
  }
  return null;
}

/**
 * Records every successful change made through the admin API (and exports, which copy personal data out):
 * who, what (an action named from the route), the route pattern, the resource id, the status and the body
 * with secrets redacted. An onSend hook, so the entry is written before the client sees the success.
 * Changes that only read (previews, validation, dry runs) are not recorded.
 */
export function auditChanges(opts: { engine: Engine }) {
  const { engine } = opts;
  return async function auditHook(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const status = reply.statusCode;
    const principal = req.principal;
    if (!principal || status < 200 || status >= 300) return payload;
    const route = req.routeOptions.url ?? req.url.split('?')[0]!;
    const exported = req.method === 'GET' && route.endsWith('/export');
    const write = isUnsafe(req.method) && !(req.permission ?? '').endsWith(':read');
    if (!write && !exported) return payload;
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const resourceId =
      params.id ?? Object.values(params).find((v) => typeof v === 'string') ?? idInPayload(payload);
    try {
      await engine.access.audit({
        workspaceId: principal.workspaceId,
        actor: actorOf(principal),
        action: auditAction(req.method, route),
        method: req.method,
        route,
        resourceId: resourceId ?? null,
        status,
        ip: req.ip ?? null,
        summary: write ? req.body : null,
      });
    } catch (e) {
      // The change is committed; a failed audit write is logged, never turned into a failed answer.
      req.log.error({ err: e, route }, 'audit entry could not be written');
    }
    return payload;
  };
}
