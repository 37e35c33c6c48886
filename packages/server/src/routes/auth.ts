import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { LOCALES, type DomainError, type Role } from '@omnicx/core';
import {
  SESSION_ABSOLUTE_MS,
  userView,
  type AccessError,
  type Engine,
  type SignedIn,
  type UserView,
} from '@omnicx/engine';
import { SESSION_COOKIE, clientOf, csrfOk, sendCsrfError, sessionOf, sessionToken } from '../auth';
import { sendError, statusFor } from '../errors';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A console user as the API shows it (never a password hash: the schema lists every field sent). */
export const User = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: Type.Union([
      Type.Literal('admin'),
      Type.Literal('marketer'),
      Type.Literal('analyst'),
      Type.Literal('agent'),
    ]),
    locale: Type.Union(LOCALES.map((l) => Type.Literal(l))),
    workspaceId: Type.String(),
    disabled: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { description: 'A console user' },
);

export const userJson = (u: UserView): Static<typeof User> => ({
  ...u,
  createdAt: iso(u.createdAt)!,
  lastLoginAt: iso(u.lastLoginAt),
});

const SignedInBody = Type.Object({
  user: User,
  csrfToken: Type.String({ description: 'Send as the x-csrf-token header with every POST/PUT/PATCH/DELETE' }),
  permissions: Type.Array(Type.String(), { description: 'area:verb permissions of the role' }),
});

const errors = { '4xx': { $ref: 'Error#' } };

/** Status of the access error codes (others as everywhere: errors.ts). */
const STATUS: Record<string, number> = {
  invalid_credentials: 401,
  not_signed_in: 401,
  too_many_attempts: 429,
  invalid_invitation: 404,
  invitation_expired: 410,
  already_member: 409,
  last_admin: 409,
};
export const accessStatus = (code: string): number => STATUS[code] ?? statusFor(code);

/** Sends an access error, with Retry-After on too_many_attempts. */
export function sendAccessError(reply: FastifyReply, e: AccessError | DomainError): FastifyReply {
  const { retryAfterSeconds, ...error } = e as AccessError;
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  return sendError(reply, accessStatus(error.code), error);
}

const LoginBody = Type.Object(
  {
    email: Type.String({ maxLength: 320 }),
    password: Type.String({ maxLength: 1024 }),
    workspaceId: Type.Optional(
      Type.String({ description: 'Only when one email has accounts in several workspaces' }),
    ),
  },
  { additionalProperties: false },
);
const AcceptBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    name: Type.String({ maxLength: 200 }),
    password: Type.String({ maxLength: 1024 }),
    locale: Type.Optional(Type.Union(LOCALES.map((l) => Type.Literal(l)))),
  },
  { additionalProperties: false },
);
const MePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    locale: Type.Optional(Type.Union(LOCALES.map((l) => Type.Literal(l)))),
    password: Type.Optional(
      Type.Object(
        { current: Type.String({ maxLength: 1024 }), next: Type.String({ maxLength: 1024 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/**
 * Sign-in for the console, outside the key-checked admin scope: login, logout, me, accept-invite. The
 * session is an HttpOnly cookie; its CSRF token travels in answers and must come back as x-csrf-token.
 */
export async function authRoutes(
  app: FastifyInstance,
  opts: { engine: Engine; cookieSecure?: boolean },
): Promise<void> {
  const { engine } = opts;
  const tags = ['auth'];
  const security = [{ cookie: [] }];

  const setSession = (req: FastifyRequest, reply: FastifyReply, s: SignedIn) =>
    reply.setCookie(SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: opts.cookieSecure === true || req.protocol === 'https',
      maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
    });
  const clearSession = (req: FastifyRequest, reply: FastifyReply) =>
    reply.clearCookie(SESSION_COOKIE, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: opts.cookieSecure === true || req.protocol === 'https',
    });
  const signedInBody = (s: SignedIn) => ({
    user: userJson(s.user),
    csrfToken: s.csrfToken,
    permissions: engine.access.permissions(s.user.role),
  });
  const notSignedIn = (reply: FastifyReply) =>
    sendError(reply, 401, {
      code: 'not_signed_in',
      message: 'not signed in: sign in with email and password',
    });

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/api/v1/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password; sets the session cookie',
        description:
          'A wrong password, an unknown email and a disabled account all answer 401 invalid_credentials. After 10 failures for one email from one address within 15 minutes: 429 too_many_attempts with Retry-After.',
        body: LoginBody,
        response: { 200: SignedInBody, ...errors },
      },
    },
    async (req, reply) => {
      const r = await engine.access.login(req.body, clientOf(req));
      if (!r.ok) return sendAccessError(reply, r.error);
      setSession(req, reply, r.value);
      return signedInBody(r.value);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags, security, summary: 'Sign out: ends the session and clears the cookie' } },
    async (req, reply) => {
      const token = sessionToken(req);
      if (token) {
        const current = await engine.access.authenticate(token);
        // A live session is only ended with its CSRF token (no cross-site sign-outs); a dead one is just cleared.
        if (current && !csrfOk(req, current)) return sendCsrfError(reply);
        await engine.access.logout(token, clientOf(req));
      }
      clearSession(req, reply);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      schema: {
        tags,
        security,
        summary: 'The signed-in user, the CSRF token and the permissions of the role',
        response: {
          200: Type.Object({
            ...SignedInBody.properties,
            workspace: Type.Object({ id: Type.String(), name: Type.String() }),
            expiresAt: Type.String({ format: 'date-time', description: 'When the session ends if unused' }),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const me = await sessionOf(engine, req);
      if (!me) return notSignedIn(reply);
      reply.header('cache-control', 'no-store');
      const w = await engine.workspaces.get(me.user.workspaceId);
      return {
        user: userJson(userView(me.user)),
        csrfToken: me.csrfToken,
        permissions: engine.access.permissions(me.user.role as Role),
        workspace: { id: me.user.workspaceId, name: w?.name ?? '' },
        expiresAt: iso(me.session.expiresAt)!,
      };
    },
  );

  app.patch<{ Body: Static<typeof MePatch> }>(
    '/api/v1/auth/me',
    {
      schema: {
        tags,
        security,
        summary: 'Change your own name, language or password (the current password is required)',
        description: 'A new password ends your other sessions.',
        body: MePatch,
        response: { 200: Type.Object({ user: User }), ...errors },
      },
    },
    async (req, reply) => {
      const me = await sessionOf(engine, req);
      if (!me) return notSignedIn(reply);
      if (!csrfOk(req, me)) return sendCsrfError(reply);
      const r = await engine.access.updateMe(me, req.body, clientOf(req));
      return r.ok ? { user: userJson(r.value) } : sendAccessError(reply, r.error);
    },
  );

  app.post<{ Body: Static<typeof AcceptBody> }>(
    '/api/v1/auth/accept-invite',
    {
      schema: {
        tags,
        summary: 'Accept an invitation: choose a name and password; signs you in',
        description:
          'The token is the last part of the invitation link (/invite/<token>). Single use; valid 7 days (410 invitation_expired after).',
        body: AcceptBody,
        response: { 200: SignedInBody, ...errors },
      },
    },
    async (req, reply) => {
      const r = await engine.access.acceptInvite(req.body, clientOf(req));
      if (!r.ok) return sendAccessError(reply, r.error);
      setSession(req, reply, r.value);
      return signedInBody(r.value);
    },
  );
}
