import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from '@omnicx/core';
import type { Engine, InvitationView } from '@omnicx/engine';
import type { AuditRecord } from '@omnicx/store';
import { actorOf } from '../auth';
import { sendError } from '../errors';
import { ADMIN_SECURITY } from '../schemas';
import { User, sendAccessError, userJson } from './auth';

const iso = (ms: number) => new Date(ms).toISOString();
const errors = { '4xx': { $ref: 'Error#' } };
const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

const Invitation = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  invitedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  expired: Type.Boolean(),
});
const invitationJson = (i: InvitationView): Static<typeof Invitation> => ({
  ...i,
  createdAt: iso(i.createdAt),
  expiresAt: iso(i.expiresAt),
});

const AuditEntry = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({
    type: Type.Union([Type.Literal('user'), Type.Literal('key'), Type.Literal('system')]),
    id: Type.Union([Type.String(), Type.Null()]),
    label: Type.Union([Type.String(), Type.Null()]),
  }),
  action: Type.String(),
  method: Type.Union([Type.String(), Type.Null()]),
  route: Type.Union([Type.String(), Type.Null()]),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Number(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  summary: Type.Unknown({ description: 'The request body with passwords, tokens and keys redacted' }),
});
const auditJson = (a: AuditRecord): Static<typeof AuditEntry> => ({
  id: a.id,
  at: iso(a.at),
  actor: { type: a.actorType, id: a.actorId, label: a.actorLabel },
  action: a.action,
  method: a.method,
  route: a.route,
  resourceId: a.resourceId,
  status: a.status,
  ip: a.ip,
  summary: a.summary,
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const UserPatch = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean({ description: 'true ends the user’s sessions at once' })),
  },
  { additionalProperties: false },
);
const InviteBody = Type.Object(
  { email: Type.String({ maxLength: 320 }), role: RoleSchema },
  { additionalProperties: false },
);
const AuditQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 64, description: 'The `next` of the previous page' })),
  actor: Type.Optional(
    Type.String({ maxLength: 320, description: 'A user or key id, or an email / key name' }),
  ),
  action: Type.Optional(
    Type.String({ maxLength: 120, description: 'An action (segments.create) or an area (segments)' }),
  ),
  since: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date-time or epoch milliseconds' })),
});

/** Users, invitations and the audit log (admin API; permission users:* / audit:read from the table). */
export async function userRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const security = [...ADMIN_SECURITY, { cookie: [] }];
  const ws = (req: { principal?: { workspaceId: string } }) => req.principal!.workspaceId;

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        security,
        summary: "The workspace's console users",
        response: { 200: Type.Object({ users: Type.Array(User) }) },
      },
    },
    async (req) => ({ users: (await engine.access.listUsers(ws(req))).map(userJson) }),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UserPatch> }>(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        security,
        summary: 'Change a user’s role, or disable / enable them',
        description: 'The last active admin cannot be demoted or disabled: 409 last_admin.',
        params: IdParams,
        body: UserPatch,
        response: { 200: Type.Object({ user: User }), ...errors },
      },
    },
    async (req, reply) => {
      const r = await engine.access.updateUser(ws(req), req.params.id, req.body);
      return r.ok ? { user: userJson(r.value) } : sendAccessError(reply, r.error);
    },
  );

  app.get(
    '/api/v1/invitations',
    {
      schema: {
        tags: ['users'],
        security,
        summary: 'Invitations not accepted yet (expired ones flagged)',
        response: { 200: Type.Object({ invitations: Type.Array(Invitation) }) },
      },
    },
    async (req) => ({ invitations: (await engine.access.listInvitations(ws(req))).map(invitationJson) }),
  );

  app.post<{ Body: Static<typeof InviteBody> }>(
    '/api/v1/invitations',
    {
      schema: {
        tags: ['users'],
        security,
        summary: 'Invite someone by email with a role; the link is shown only in this answer',
        description:
          'Hand the link to the person (omnicx does not email it yet). It is valid for 7 days and works once; inviting the same email again replaces the previous invitation.',
        body: InviteBody,
        response: {
          201: Type.Object({
            invitation: Invitation,
            token: Type.String(),
            link: Type.String({ description: '/invite/<token>, relative to the console' }),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const r = await engine.access.invite(ws(req), req.body, actorOf(req.principal!));
      if (!r.ok) return sendAccessError(reply, r.error);
      return reply.code(201).send({
        invitation: invitationJson(r.value.invitation),
        token: r.value.token,
        link: `/invite/${r.value.token}`,
      });
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/invitations/:id',
    {
      schema: {
        tags: ['users'],
        security,
        summary: 'Withdraw a pending invitation',
        params: IdParams,
        response: { 200: Type.Object({ deleted: Type.String() }), ...errors },
      },
    },
    async (req, reply) =>
      (await engine.access.revokeInvitation(ws(req), req.params.id))
        ? { deleted: req.params.id }
        : sendError(reply, 404, {
            code: 'not_found',
            message: `no pending invitation ${req.params.id} in this workspace`,
          }),
  );

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        security,
        summary: 'The audit log, newest first',
        description:
          'Every change made through the admin API (who, what, route, resource, status, body with secrets redacted), exports, sign-ins, failed sign-ins, sign-outs and accepted invitations.',
        querystring: AuditQuery,
        response: {
          200: Type.Object({
            entries: Type.Array(AuditEntry),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      let since: number | undefined;
      if (q.since !== undefined) {
        since = /^\d+$/.test(q.since) ? Number(q.since) : Date.parse(q.since);
        if (!Number.isFinite(since)) {
          return sendError(reply, 400, {
            code: 'invalid_field',
            field: 'since',
            message: 'since must be an ISO date-time (2026-11-23T10:00:00Z) or epoch milliseconds',
          });
        }
      }
      const page = await engine.access.listAudit(
        ws(req),
        {
          ...(q.actor ? { actor: q.actor } : {}),
          ...(q.action ? { action: q.action } : {}),
          ...(since !== undefined ? { since } : {}),
        },
        { limit: q.limit ?? 50, cursor: q.cursor },
      );
      return { entries: page.entries.map(auditJson), next: page.next };
    },
  );
}
