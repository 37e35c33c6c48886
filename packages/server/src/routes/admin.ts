import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { importContacts, type Engine } from '@omnicx/engine';
import type { ApiKeyRecord } from '@omnicx/store';
import { sendError } from '../errors';
import { ADMIN_SECURITY, ApiKey, ErrorBody, KeyCreateBody } from '../schemas';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const keyView = (k: ApiKeyRecord) => ({
  id: k.id,
  kind: k.kind,
  name: k.name,
  prefix: k.prefix,
  createdAt: iso(k.createdAt)!,
  revokedAt: iso(k.revokedAt),
});

// A contact file can be large; 50 MB of CSV is about half a million contacts.
const IMPORT_LIMIT = 50 * 1024 * 1024;

/** Workspace administration: keys, identity rules, contact import. */
export async function adminRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const security = ADMIN_SECURITY;

  app.get(
    '/api/v1/workspace',
    { schema: { tags: ['workspace'], security, summary: 'The workspace of the calling key' } },
    async (req) => {
      const w = await engine.workspaces.get(req.principal!.workspaceId);
      return { id: w!.id, name: w!.name, createdAt: iso(w!.createdAt) };
    },
  );

  app.get(
    '/api/v1/keys',
    {
      schema: {
        tags: ['keys'],
        security,
        summary: "List the workspace's keys (prefixes only)",
        response: { 200: Type.Object({ keys: Type.Array(ApiKey) }) },
      },
    },
    async (req) => ({
      keys: (await engine.keys.list(req.principal!.workspaceId)).map(keyView),
    }),
  );

  app.post<{ Body: Static<typeof KeyCreateBody> }>(
    '/api/v1/keys',
    {
      schema: {
        tags: ['keys'],
        security,
        summary: 'Create a key; the plaintext is returned once and never again',
        body: KeyCreateBody,
        response: { 201: Type.Intersect([ApiKey, Type.Object({ key: Type.String() })]), '4xx': ErrorBody },
      },
    },
    async (req, reply) => {
      const k = await engine.keys.create(req.principal!.workspaceId, req.body.kind, req.body.name);
      return reply.code(201).send({ ...keyView(k), key: k.key });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/keys/:id',
    {
      schema: {
        tags: ['keys'],
        security,
        summary: 'Revoke a key',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Object({ revoked: Type.Literal(true) }), '4xx': ErrorBody },
      },
    },
    async (req, reply) => {
      if (req.params.id === req.principal!.keyId) {
        return sendError(reply, 409, {
          code: 'conflict',
          message: 'a key cannot revoke itself: use another secret key',
        });
      }
      const done = await engine.keys.revoke(req.principal!.workspaceId, req.params.id);
      if (!done)
        return sendError(reply, 404, {
          code: 'not_found',
          message: `no active key ${req.params.id} in this workspace`,
        });
      return { revoked: true as const };
    },
  );

  app.get(
    '/api/v1/settings/identity',
    { schema: { tags: ['settings'], security, summary: 'Identity resolution rules' } },
    async (req) => engine.workspaces.identityConfig(req.principal!.workspaceId),
  );

  app.put(
    '/api/v1/settings/identity',
    {
      schema: {
        tags: ['settings'],
        security,
        summary: 'Replace identity resolution rules (applies to events processed from now on)',
        body: Type.Unknown(),
      },
    },
    async (req, reply) => {
      const r = await engine.workspaces.setIdentityConfig(req.principal!.workspaceId, req.body);
      return r.ok ? r.value : sendError(reply, 400, r.error);
    },
  );

  // CSV arrives as the raw body; it streams into the parser instead of being held whole in memory.
  app.register(async (csv) => {
    csv.removeAllContentTypeParsers();
    csv.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    csv.post<{ Querystring: { source?: string } }>(
      '/api/v1/contacts/import',
      {
        bodyLimit: IMPORT_LIMIT,
        config: { bodyLimitText: '50 MB' },
        schema: {
          tags: ['profiles'],
          security,
          summary:
            'Import contacts from CSV (header row; userId, email, phone columns; other columns become traits)',
          querystring: Type.Object({ source: Type.Optional(Type.String({ maxLength: 128 })) }),
        },
      },
      async (req) => {
        const report = await importContacts(req.body as Readable, {
          workspaceId: req.principal!.workspaceId,
          source: req.query.source ?? 'api-import',
          ingest: engine.ingest,
          clock: engine.clock,
        });
        return report;
      },
    );
  });
}
