import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { Engine } from '@omnicx/engine';
import { sendError, statusFor } from '../errors';
import {
  ADMIN_SECURITY,
  ErrorBody,
  LookupQuery,
  Profile,
  ProfileIdParams,
  SearchQuery,
  TimelineEvent,
  TimelineQuery,
} from '../schemas';

const LOOKUP_TYPES: Record<string, string> = {
  userId: 'user_id',
  anonymousId: 'anonymous_id',
  email: 'email',
  phone: 'phone',
};

/** The profile API: lookup, read, timeline, search, identity history, export and erasure. */
export async function profileRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const tags = ['profiles'];
  const security = ADMIN_SECURITY;

  app.get<{ Querystring: LookupQuery }>(
    '/api/v1/profiles/lookup',
    {
      schema: {
        tags,
        security,
        summary: 'Find the profile that holds an identifier',
        description:
          'Exactly one of userId, anonymousId, email, phone, or type+value. Emails and phones are normalized as at ingestion (case, Persian digits, E.164).',
        querystring: LookupQuery,
        response: { 200: Profile, '4xx': ErrorBody },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const given = Object.keys(LOOKUP_TYPES).filter((k) => q[k as keyof LookupQuery] !== undefined);
      const custom = q.type !== undefined || q.value !== undefined;
      if (given.length + (custom ? 1 : 0) !== 1 || (custom && (!q.type || !q.value))) {
        return sendError(reply, 400, {
          code: 'invalid_query',
          message:
            'give exactly one identifier: userId=, anonymousId=, email=, phone=, or type= with value= for a custom identifier',
        });
      }
      const [type, value] = custom
        ? [q.type!, q.value!]
        : [LOOKUP_TYPES[given[0]!]!, q[given[0] as keyof LookupQuery]!];
      const r = await engine.profiles.lookup(req.principal!.workspaceId, type, value);
      return r.ok ? r.value : sendError(reply, statusFor(r.error.code), r.error);
    },
  );

  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    '/api/v1/profiles',
    {
      schema: {
        tags,
        security,
        summary: 'Search profiles by identifier prefix or trait, newest activity first',
        querystring: SearchQuery,
        response: {
          200: Type.Object({ profiles: Type.Array(Profile), next: Type.Union([Type.String(), Type.Null()]) }),
          '4xx': ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const { q, trait, limit, cursor } = req.query;
      const t = trait
        ? { key: trait.slice(0, trait.indexOf(':')), value: trait.slice(trait.indexOf(':') + 1) }
        : undefined;
      const r = await engine.profiles.search(req.principal!.workspaceId, { q, trait: t, limit, cursor });
      return r.ok ? r.value : sendError(reply, statusFor(r.error.code), r.error);
    },
  );

  app.get<{ Params: Static<typeof ProfileIdParams> }>(
    '/api/v1/profiles/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One profile (a merged-away id resolves to the survivor)',
        params: ProfileIdParams,
        response: { 200: Profile, '4xx': ErrorBody },
      },
    },
    async (req, reply) => {
      const r = await engine.profiles.get(req.principal!.workspaceId, req.params.id);
      return r.ok ? r.value : sendError(reply, statusFor(r.error.code), r.error);
    },
  );

  app.get<{ Params: Static<typeof ProfileIdParams>; Querystring: Static<typeof TimelineQuery> }>(
    '/api/v1/profiles/:id/events',
    {
      schema: {
        tags,
        security,
        summary: 'The cross-channel timeline, newest first',
        params: ProfileIdParams,
        querystring: TimelineQuery,
        response: {
          200: Type.Object({
            profileId: Type.String(),
            events: Type.Array(TimelineEvent),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          '4xx': ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const r = await engine.profiles.timeline(req.principal!.workspaceId, req.params.id, req.query);
      return r.ok ? r.value : sendError(reply, statusFor(r.error.code), r.error);
    },
  );

  app.get<{ Params: Static<typeof ProfileIdParams> }>(
    '/api/v1/profiles/:id/identity-history',
    {
      schema: {
        tags,
        security,
        summary: 'Merges into this profile and identifiers refused by the identity rules',
        params: ProfileIdParams,
      },
    },
    async (req, reply) => {
      const r = await engine.profiles.identityHistory(req.principal!.workspaceId, req.params.id);
      return r.ok ? r.value : sendError(reply, statusFor(r.error.code), r.error);
    },
  );

  app.get<{ Params: Static<typeof ProfileIdParams> }>(
    '/api/v1/profiles/:id/export',
    {
      schema: {
        tags,
        security,
        summary: 'Everything stored about one person (data portability)',
        params: ProfileIdParams,
      },
    },
    async (req, reply) => {
      const r = await engine.profiles.export(req.principal!.workspaceId, req.params.id);
      if (!r.ok) return sendError(reply, statusFor(r.error.code), r.error);
      return reply
        .header('content-disposition', `attachment; filename="profile-${r.value.profile.id}.json"`)
        .send(r.value);
    },
  );

  app.delete<{ Params: Static<typeof ProfileIdParams> }>(
    '/api/v1/profiles/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Erase a person: profile, merged profiles, identifiers, events',
        params: ProfileIdParams,
        response: {
          200: Type.Object({
            profileId: Type.String(),
            eventsDeleted: Type.Number(),
            identitiesDeleted: Type.Number(),
          }),
          '4xx': ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const r = await engine.profiles.erase(
        req.principal!.workspaceId,
        req.params.id,
        req.principal!.userId ? `user:${req.principal!.userId}` : `key:${req.principal!.keyId}`,
      );
      return r.ok ? r.value : sendError(reply, statusFor(r.error.code), r.error);
    },
  );
}
