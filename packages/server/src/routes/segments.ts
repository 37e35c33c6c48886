import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Result } from '@omnicx/core';
import type { Engine } from '@omnicx/engine';
import type { DefinitionRecord, PersonaRecord, SegmentRecord } from '@omnicx/store';
import { replyWith, sendError, statusFor } from '../errors';
import { ADMIN_SECURITY, ErrorBody } from '../schemas';

// ---- schemas (local: only these routes use them) ---------------------------------------------------------

const RULE_LANGUAGE =
  'A rule tree in the segment rule language (packages/core/src/segments/types.ts): a node is {"and":[…]}, {"or":[…]}, {"not":node} or {"condition":{"type":…}} and may carry an "id" that errors name. Condition types: trait, performed, not_performed, last_performed, first_seen, last_seen, channel, touchpoint, computed, score, segment, consent, nps, survey_answer, bucket. Validated by the server: a refused rule is a 400 whose error.details lists every error with the path and node id.';

const Rule = Type.Unknown({ description: RULE_LANGUAGE });
const Definition = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'The definition as data (packages/core/src/segments/types.ts), without id and name. Computed trait: {"type":"count"|"sum"|"min"|"max"|"avg"|"first_time"|"last_time"|"top_channel"|"rfm","event":{"name":…,"where":[…]},"property"?,"window"?}. Score model: {"rules":[{"points":N,"when":rule}|{"points":N,"per":event,"decay"?}]}. Refused definitions are 400 with every error in error.details.',
  },
);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
type IdParams = Static<typeof IdParams>;
const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const Segment = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('dynamic'), Type.Literal('list')]),
  name: Type.String(),
  description: Type.String(),
  rule: Type.Unknown({ description: 'The rule of a dynamic segment; null for a list' }),
  status: Type.Union([Type.Literal('building'), Type.Literal('ready')], {
    description: 'building: the background computation of membership for all profiles is running',
  }),
  version: Type.Integer({ description: 'Increases with every rule change' }),
  buildDone: Type.Integer({ description: 'Profiles evaluated by the current build' }),
  buildTotal: Type.Integer({ description: 'Profiles the current build has to evaluate (approximate)' }),
  size: Type.Integer({ description: 'Members now' }),
  createdAt: Time,
  updatedAt: Time,
});

const SegmentCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    kind: Type.Optional(
      Type.Union([Type.Literal('dynamic'), Type.Literal('list')], {
        description:
          'dynamic (default): members follow the rule; list: members are added and removed explicitly',
      }),
    ),
    rule: Type.Optional(Rule),
  },
  { additionalProperties: false },
);

const SegmentPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    kind: Type.Optional(
      Type.Union([Type.Literal('dynamic'), Type.Literal('list')], { description: 'Cannot change' }),
    ),
    rule: Type.Optional(Rule),
  },
  { additionalProperties: false },
);

const PreviewBody = Type.Object(
  {
    rule: Rule,
    sample: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100, default: 10, description: 'Member profile ids to return' }),
    ),
  },
  { additionalProperties: false },
);

const Preview = Type.Object({
  count: Type.Integer({ description: 'Members among the profiles scanned' }),
  scanned: Type.Integer(),
  total: Type.Integer({ description: 'Profiles in the workspace' }),
  estimated: Type.Boolean({ description: 'True when the scan stopped early and `estimate` is extrapolated' }),
  estimate: Type.Integer({ description: 'Members among all profiles (exact unless `estimated`)' }),
  sample: Type.Array(Type.String(), { description: 'Profile ids of some members' }),
});

const MembersQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    after: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The `next` of the previous page (members are in profile id order)',
      }),
    ),
  },
  { additionalProperties: false },
);
type MembersQuery = Static<typeof MembersQuery>;

const Members = Type.Object({
  members: Type.Array(Type.Object({ profileId: Type.String(), since: Time })),
  next: Nullable(Type.String()),
});

const SizesQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ description: 'ISO-8601 date or date-time, or epoch ms; default 30 days before `to`' }),
    ),
    to: Type.Optional(Type.String({ description: 'ISO-8601 date or date-time, or epoch ms; default now' })),
  },
  { additionalProperties: false },
);

const ProfileIds = Type.Object(
  {
    profileIds: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 10_000 }),
  },
  { additionalProperties: false },
);

const ListChange = Type.Object({
  changed: Type.Integer({ description: 'Profiles added (or removed) that were not (or were) members' }),
  unknown: Type.Array(Type.String(), {
    description: 'Profile ids that do not exist; nothing was done for them',
  }),
});

const ImportQuery = Type.Object(
  { op: Type.Union([Type.Literal('add'), Type.Literal('remove')], { default: 'add' }) },
  { additionalProperties: false },
);

const ImportReport = Type.Object({
  rows: Type.Integer(),
  changed: Type.Integer(),
  unmatched: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
});

const DefinitionView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  definition: Type.Unknown(),
  createdAt: Time,
  updatedAt: Time,
});

const DefinitionBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), definition: Definition },
  { additionalProperties: false },
);
type DefinitionBody = Static<typeof DefinitionBody>;

const Persona = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  goals: Type.Array(Type.String()),
  criticalNeeds: Type.Array(Type.String()),
  preferredChannels: Type.Array(Type.String()),
  imageUrl: Nullable(Type.String()),
  segmentId: Type.String(),
  size: Type.Integer({ description: 'Members of its segment now' }),
  createdAt: Time,
  updatedAt: Time,
});

const Strings = Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 50 });
const PersonaBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    goals: Type.Optional(Strings),
    criticalNeeds: Type.Optional(Strings),
    preferredChannels: Type.Optional(Strings),
    imageUrl: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    segmentId: Type.String({ minLength: 1, maxLength: 128, description: 'The segment that defines it' }),
  },
  { additionalProperties: false },
);
type PersonaBody = Static<typeof PersonaBody>;

const Deleted = Type.Object({ deleted: Type.String() });

// ---- views -------------------------------------------------------------------------------------------------

const iso = (ms: number) => new Date(ms).toISOString();

const segmentView = (s: SegmentRecord) => ({
  id: s.id,
  kind: s.kind,
  name: s.name,
  description: s.description,
  rule: s.rule,
  status: s.status,
  version: s.version,
  buildDone: s.buildDone,
  buildTotal: s.buildTotal,
  size: s.size,
  createdAt: iso(s.createdAt),
  updatedAt: iso(s.updatedAt),
});

const definitionView = (d: DefinitionRecord) => ({
  id: d.id,
  name: d.name,
  definition: d.definition,
  createdAt: iso(d.createdAt),
  updatedAt: iso(d.updatedAt),
});

const personaView = (p: PersonaRecord & { size: number }) => ({
  ...p,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

const membersView = (m: { members: { profileId: string; since: number }[]; next: string | null }) => ({
  members: m.members.map((x) => ({ profileId: x.profileId, since: iso(x.since) })),
  next: m.next,
});

/** An instant given as epoch ms or an ISO-8601 date / date-time; null when it is neither. */
function parseInstant(v: string): number | null {
  if (/^\d{1,15}$/.test(v)) return Number(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

const DAY = 86_400_000;
// importList holds the CSV in memory and looks each row up: keep a request to about 100k rows.
const IMPORT_LIMIT = 10 * 1024 * 1024;

// ---- routes ------------------------------------------------------------------------------------------------

/**
 * Segments, static lists, computed traits, score models and personas (issue 3): definitions, preview, members,
 * memberships, sizes over time and values. Rules are validated by core; every refusal names its node.
 */
export async function segmentRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const seg = opts.engine.segments;
  const security = ADMIN_SECURITY;
  const errors = { '4xx': ErrorBody };

  // ---- segments ----
  {
    const tags = ['segments'];

    app.get(
      '/api/v1/segments',
      {
        schema: {
          tags,
          security,
          summary: 'Segments and lists, with build progress and size',
          response: { 200: Type.Object({ segments: Type.Array(Segment) }), ...errors },
        },
      },
      async (req) => ({ segments: (await seg.list(req.principal!.workspaceId)).map(segmentView) }),
    );

    app.post<{ Body: Static<typeof SegmentCreateBody> }>(
      '/api/v1/segments',
      {
        schema: {
          tags,
          security,
          summary: 'Create a segment (dynamic, with a rule) or a static list',
          description:
            'A dynamic segment starts in status "building": its membership is computed for every profile in the background (buildDone / buildTotal show progress) while real-time updates continue.',
          body: SegmentCreateBody,
          response: { 201: Segment, ...errors },
        },
      },
      async (req, res) =>
        replyWith(segmentView, 201)(await seg.create(req.principal!.workspaceId, req.body), res),
    );

    // Registered before /:id so "preview" is never read as an id (find-my-way prefers static routes anyway).
    app.post<{ Body: Static<typeof PreviewBody> }>(
      '/api/v1/segments/preview',
      {
        schema: {
          tags,
          security,
          summary: 'Count and sample the profiles a rule selects now, before saving it',
          description:
            'Exact for workspaces it can scan within its budget (100,000 profiles or 5 s); beyond that it extrapolates and says so (estimated: true).',
          body: PreviewBody,
          response: { 200: Preview, ...errors },
        },
      },
      async (req, res) =>
        replyWith((v: Static<typeof Preview>) => v)(
          await seg.preview(req.principal!.workspaceId, req.body.rule, { sample: req.body.sample ?? 10 }),
          res,
        ),
    );

    app.get<{ Params: IdParams }>(
      '/api/v1/segments/:id',
      {
        schema: {
          tags,
          security,
          summary: 'One segment or list',
          params: IdParams,
          response: { 200: Segment, ...errors },
        },
      },
      async (req, res) =>
        replyWith(segmentView)(await seg.get(req.principal!.workspaceId, req.params.id), res),
    );

    app.patch<{ Params: IdParams; Body: Static<typeof SegmentPatchBody> }>(
      '/api/v1/segments/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Rename, describe or change the rule of a segment',
          description: 'A changed rule starts a new background build (version + 1, status "building").',
          params: IdParams,
          body: SegmentPatchBody,
          response: { 200: Segment, ...errors },
        },
      },
      async (req, res) =>
        replyWith(segmentView)(await seg.update(req.principal!.workspaceId, req.params.id, req.body), res),
    );

    app.delete<{ Params: IdParams }>(
      '/api/v1/segments/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Delete a segment or list',
          description: '409 in_use while a persona, another segment or a score model refers to it.',
          params: IdParams,
          response: { 200: Deleted, ...errors },
        },
      },
      async (req, res) =>
        replyWith((v: { deleted: string }) => v)(
          await seg.delete(req.principal!.workspaceId, req.params.id),
          res,
        ),
    );

    app.get<{ Params: IdParams; Querystring: MembersQuery }>(
      '/api/v1/segments/:id/members',
      {
        schema: {
          tags,
          security,
          summary: 'Members, in profile id order (keyset paging: pass `next` as `after`)',
          params: IdParams,
          querystring: MembersQuery,
          response: { 200: Members, ...errors },
        },
      },
      async (req, res) =>
        replyWith(membersView)(
          await seg.members(req.principal!.workspaceId, req.params.id, {
            limit: req.query.limit,
            ...(req.query.after !== undefined ? { after: req.query.after } : {}),
          }),
          res,
        ),
    );

    app.get<{ Params: IdParams; Querystring: Static<typeof SizesQuery> }>(
      '/api/v1/segments/:id/sizes',
      {
        schema: {
          tags,
          security,
          summary: 'Size over time: the size at the end of each hour in which it changed, oldest first',
          params: IdParams,
          querystring: SizesQuery,
          response: {
            200: Type.Object({
              segmentId: Type.String(),
              from: Time,
              to: Time,
              sizes: Type.Array(Type.Object({ at: Time, size: Type.Integer() })),
            }),
            ...errors,
          },
        },
      },
      async (req, res) => {
        const bad = (field: string) =>
          sendError(res, 400, {
            code: 'invalid_field',
            field,
            message: `${field} must be an ISO-8601 date or date-time (2026-03-01, 2026-03-01T12:00:00Z) or epoch milliseconds`,
          });
        const to = req.query.to === undefined ? opts.engine.clock.now() : parseInstant(req.query.to);
        if (to === null) return bad('to');
        const from = req.query.from === undefined ? to - 30 * DAY : parseInstant(req.query.from);
        if (from === null) return bad('from');
        if (from > to)
          return sendError(res, 400, {
            code: 'invalid_field',
            field: 'from',
            message: 'from must not be after to',
          });
        return replyWith((sizes: { at: number; size: number }[]) => ({
          segmentId: req.params.id,
          from: iso(from),
          to: iso(to),
          sizes: sizes.map((s) => ({ at: iso(s.at), size: s.size })),
        }))(await seg.sizes(req.principal!.workspaceId, req.params.id, from, to), res);
      },
    );

    // ---- static lists ----
    for (const [method, op] of [
      ['POST', 'add'],
      ['DELETE', 'remove'],
    ] as const) {
      app.route<{ Params: IdParams; Body: Static<typeof ProfileIds> }>({
        method,
        url: '/api/v1/segments/:id/members',
        schema: {
          tags,
          security,
          summary: op === 'add' ? 'Add profiles to a static list' : 'Remove profiles from a static list',
          description:
            'Merged-away profile ids act on the profile they were merged into; unknown ids are reported in `unknown`. 409 not_a_list for a dynamic segment.',
          params: IdParams,
          body: ProfileIds,
          response: { 200: ListChange, ...errors },
        },
        handler: async (req, res) =>
          replyWith((v: Static<typeof ListChange>) => v)(
            await seg.changeList(req.principal!.workspaceId, req.params.id, op, req.body.profileIds),
            res,
          ),
      });
    }

    // CSV arrives as the raw body (any content type), like the contacts import; this child context has no
    // JSON parser.
    await app.register(async (csv) => {
      csv.removeAllContentTypeParsers();
      csv.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      csv.post<{ Params: IdParams; Querystring: Static<typeof ImportQuery> }>(
        '/api/v1/segments/:id/members/import',
        {
          bodyLimit: IMPORT_LIMIT,
          config: { bodyLimitText: '10 MB' },
          schema: {
            tags,
            security,
            summary: 'Add (or with op=remove, remove) the profiles named in a CSV to a static list',
            description:
              'text/csv with a header row; each row is matched by its profile_id, user_id, email, phone or anonymous_id column (normalized as at ingestion: case, Persian digits, E.164); other columns are ignored. Rows that match no profile are reported with their line number.',
            params: IdParams,
            querystring: ImportQuery,
            response: { 200: ImportReport, ...errors },
          },
        },
        async (req, res) =>
          replyWith((v: Static<typeof ImportReport>) => v)(
            await seg.importList(
              req.principal!.workspaceId,
              req.params.id,
              typeof req.body === 'string' ? req.body : '',
              req.query.op,
            ),
            res,
          ),
      );
    });
  }

  // ---- a profile's memberships and values ----
  {
    const tags = ['profiles'];
    /** 404 for a profile that does not exist (a merged-away id resolves to the survivor). */
    const exists = async (workspaceId: string, id: string): Promise<Result<true>> => {
      const r = await opts.engine.profiles.get(workspaceId, id);
      return r.ok ? { ok: true, value: true } : r;
    };

    app.get<{ Params: IdParams }>(
      '/api/v1/profiles/:id/segments',
      {
        schema: {
          tags,
          security,
          summary: 'The segments and lists a profile is in now',
          params: IdParams,
          response: {
            200: Type.Object({
              profileId: Type.String(),
              segments: Type.Array(
                Type.Object({
                  segmentId: Type.String(),
                  name: Type.String(),
                  kind: Type.Union([Type.Literal('dynamic'), Type.Literal('list')]),
                  since: Time,
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (req, res) => {
        const ws = req.principal!.workspaceId;
        const segments = await seg.membershipOf(ws, req.params.id);
        if (segments.length === 0) {
          const e = await exists(ws, req.params.id);
          if (!e.ok) return sendError(res, statusFor(e.error.code), e.error);
        }
        return {
          profileId: req.params.id,
          segments: segments.map((s) => ({ ...s, since: iso(s.since) })),
        };
      },
    );

    app.get<{ Params: IdParams }>(
      '/api/v1/profiles/:id/values',
      {
        schema: {
          tags,
          security,
          summary:
            "A profile's computed trait values and scores now, keyed by computed trait / score model id",
          params: IdParams,
          response: {
            200: Type.Object({
              profileId: Type.String(),
              computedTraits: Type.Record(Type.String(), Type.Unknown(), {
                description: 'A number, a time (epoch ms), a channel name, an RFM triple, or null (no data)',
              }),
              scores: Type.Record(Type.String(), Type.Number()),
            }),
            ...errors,
          },
        },
      },
      async (req, res) =>
        replyWith((v: { computedTraits: Record<string, unknown>; scores: Record<string, number> }) => ({
          profileId: req.params.id,
          ...v,
        }))(await seg.valuesOf(req.principal!.workspaceId, req.params.id), res),
    );
  }

  // ---- computed traits and score models: the same API over two kinds ----
  for (const [kind, path, key, what] of [
    ['computed', 'computed-traits', 'computedTraits', 'computed trait'],
    ['score', 'score-models', 'scoreModels', 'score model'],
  ] as const) {
    const tags = [path];
    const url = `/api/v1/${path}`;

    app.get(
      url,
      {
        schema: {
          tags,
          security,
          summary: `List ${what}s`,
          response: { 200: Type.Object({ [key]: Type.Array(DefinitionView) }), ...errors },
        },
      },
      async (req) => ({
        [key]: (await seg.listDefinitions(req.principal!.workspaceId, kind)).map(definitionView),
      }),
    );

    app.post<{ Body: DefinitionBody }>(
      url,
      {
        schema: {
          tags,
          security,
          summary: `Create a ${what}`,
          description:
            'Every dynamic segment is rebuilt in the background afterwards, so values count the existing event history.',
          body: DefinitionBody,
          response: { 201: DefinitionView, ...errors },
        },
      },
      async (req, res) =>
        replyWith(definitionView, 201)(
          await seg.putDefinition(req.principal!.workspaceId, kind, null, req.body.name, req.body.definition),
          res,
        ),
    );

    app.get<{ Params: IdParams }>(
      `${url}/:id`,
      {
        schema: {
          tags,
          security,
          summary: `One ${what}`,
          params: IdParams,
          response: { 200: DefinitionView, ...errors },
        },
      },
      async (req, res) => {
        const d = (await seg.listDefinitions(req.principal!.workspaceId, kind)).find(
          (x) => x.id === req.params.id,
        );
        return d
          ? definitionView(d)
          : sendError(res, 404, { code: 'not_found', message: `${what} ${req.params.id} does not exist` });
      },
    );

    app.put<{ Params: IdParams; Body: DefinitionBody }>(
      `${url}/:id`,
      {
        schema: {
          tags,
          security,
          summary: `Replace a ${what}`,
          params: IdParams,
          body: DefinitionBody,
          response: { 200: DefinitionView, ...errors },
        },
      },
      async (req, res) =>
        replyWith(definitionView)(
          await seg.putDefinition(
            req.principal!.workspaceId,
            kind,
            req.params.id,
            req.body.name,
            req.body.definition,
          ),
          res,
        ),
    );

    app.delete<{ Params: IdParams }>(
      `${url}/:id`,
      {
        schema: {
          tags,
          security,
          summary: `Delete a ${what}`,
          description: '409 in_use while a segment or score model refers to it.',
          params: IdParams,
          response: { 200: Deleted, ...errors },
        },
      },
      async (req, res) =>
        replyWith((v: { deleted: string }) => v)(
          await seg.deleteDefinition(req.principal!.workspaceId, kind, req.params.id),
          res,
        ),
    );
  }

  // ---- personas ----
  {
    const tags = ['personas'];
    const input = (b: PersonaBody) => ({ ...b, imageUrl: b.imageUrl ?? null });

    app.get(
      '/api/v1/personas',
      {
        schema: {
          tags,
          security,
          summary: 'Personas, each with the size of its segment',
          response: { 200: Type.Object({ personas: Type.Array(Persona) }), ...errors },
        },
      },
      async (req) => ({ personas: (await seg.listPersonas(req.principal!.workspaceId)).map(personaView) }),
    );

    app.post<{ Body: PersonaBody }>(
      '/api/v1/personas',
      {
        schema: {
          tags,
          security,
          summary: 'Create a persona: a named archetype defined by a segment',
          body: PersonaBody,
          response: { 201: Persona, ...errors },
        },
      },
      async (req, res) =>
        replyWith(personaView, 201)(
          await seg.putPersona(req.principal!.workspaceId, null, input(req.body)),
          res,
        ),
    );

    app.get<{ Params: IdParams }>(
      '/api/v1/personas/:id',
      {
        schema: {
          tags,
          security,
          summary: 'One persona',
          params: IdParams,
          response: { 200: Persona, ...errors },
        },
      },
      async (req, res) =>
        replyWith(personaView)(await seg.getPersona(req.principal!.workspaceId, req.params.id), res),
    );

    app.put<{ Params: IdParams; Body: PersonaBody }>(
      '/api/v1/personas/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Replace a persona',
          params: IdParams,
          body: PersonaBody,
          response: { 200: Persona, ...errors },
        },
      },
      async (req, res) =>
        replyWith(personaView)(
          await seg.putPersona(req.principal!.workspaceId, req.params.id, input(req.body)),
          res,
        ),
    );

    app.delete<{ Params: IdParams }>(
      '/api/v1/personas/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Delete a persona (its segment stays)',
          params: IdParams,
          response: { 200: Deleted, ...errors },
        },
      },
      async (req, res) =>
        replyWith((v: { deleted: string }) => v)(
          await seg.deletePersona(req.principal!.workspaceId, req.params.id),
          res,
        ),
    );

    app.get<{ Params: IdParams; Querystring: MembersQuery }>(
      '/api/v1/personas/:id/members',
      {
        schema: {
          tags,
          security,
          summary: "Members of the persona's segment (keyset paging: pass `next` as `after`)",
          params: IdParams,
          querystring: MembersQuery,
          response: {
            200: Type.Intersect([
              Type.Object({ personaId: Type.String(), segmentId: Type.String() }),
              Members,
            ]),
            ...errors,
          },
        },
      },
      async (req, res) => {
        const ws = req.principal!.workspaceId;
        const p = await seg.getPersona(ws, req.params.id);
        if (!p.ok) return sendError(res, statusFor(p.error.code), p.error);
        return replyWith((m: Parameters<typeof membersView>[0]) => ({
          personaId: p.value.id,
          segmentId: p.value.segmentId,
          ...membersView(m),
        }))(
          await seg.members(ws, p.value.segmentId, {
            limit: req.query.limit,
            ...(req.query.after !== undefined ? { after: req.query.after } : {}),
          }),
          res,
        );
      },
    );
  }
}
