import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Engine } from '@omnicx/engine';
import type {
  BulkStartRecord,
  HistoryRecord,
  InstanceRecord,
  OutboxRecord,
  ProcessRecord,
  TaskRecord,
} from '@omnicx/store';
import { replyWith, sendError, statusFor } from '../errors';
import { ADMIN_SECURITY, ErrorBody } from '../schemas';

const DEFINITION =
  'A process definition as data (packages/core/src/automation/types.ts): {"nodes":[…],"edges":[…],"entry"?,"exitWhen"?,"timezone"?}. Node types (discriminated on "type"): trigger (event, segment_entered, segment_exited, trait_changed, score_crossed, date, schedule, manual), wait (duration, until, event with timeout, segment with timeout), condition (if / else-if / else branches), split, ab_test, action (send_message, webhook, set_trait, list, change_score, coupon, task, start_process, emit_event), goal, exit. Edges connect a node\'s port (next, a branch or variant id, else, matched, timeout) to a node. A refused definition is a 400 whose error.details lists every error with its node id and field.';

const Definition = Type.Unknown({ description: DEFINITION });
const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
type IdParams = Static<typeof IdParams>;

const Process = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  status: Type.Union(
    ['draft', 'published', 'paused', 'archived'].map((s) => Type.Literal(s)),
    {
      description:
        'draft: never published; published: entries start instances; paused: no entries, instances hold before their next action; archived: no entries, running instances finish',
    },
  ),
  draft: Definition,
  publishedVersion: Nullable(Type.Integer()),
  createdAt: Time,
  updatedAt: Time,
});
const processView = (p: ProcessRecord) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  status: p.status,
  draft: p.draft,
  publishedVersion: p.publishedVersion,
  createdAt: iso(p.createdAt)!,
  updatedAt: iso(p.updatedAt)!,
});

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    definition: Definition,
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    definition: Type.Optional(Definition),
  },
  { additionalProperties: false },
);

const Instance = Type.Object({
  id: Type.String(),
  processId: Type.String(),
  version: Type.Integer({
    description: 'The version the instance runs on (it never changes version by itself)',
  }),
  profileId: Type.String(),
  status: Type.String({
    description: 'active, waiting, held, completed, converted, exited, cancelled, failed',
  }),
  node: Nullable(Type.String()),
  waitingUntil: Nullable(Time),
  endReason: Nullable(Type.String()),
  variants: Type.Record(Type.String(), Type.String()),
  outcomes: Type.Record(Type.String(), Type.Array(Type.String())),
  startedAt: Time,
  updatedAt: Time,
  endedAt: Nullable(Time),
});
const instanceView = (i: InstanceRecord) => {
  const st = i.state as {
    wait?: { until: number } | null;
    endReason?: string | null;
    variants?: Record<string, string>;
    outcomes?: Record<string, string[]>;
  };
  return {
    id: i.id,
    processId: i.processId,
    version: i.version,
    profileId: i.profileId,
    status: i.status,
    node: i.node,
    waitingUntil: st.wait ? iso(st.wait.until) : null,
    endReason: st.endReason ?? null,
    variants: st.variants ?? {},
    outcomes: st.outcomes ?? {},
    startedAt: iso(i.startedAt)!,
    updatedAt: iso(i.updatedAt)!,
    endedAt: iso(i.endedAt),
  };
};

const History = Type.Object({
  seq: Type.Integer(),
  at: Time,
  node: Nullable(Type.String()),
  kind: Type.String({
    description:
      'started, branch, waiting, resumed, held, action, event, converted, exited, completed, cancelled, failed',
  }),
  detail: Nullable(Type.String()),
});
const historyView = (h: HistoryRecord) => ({
  seq: h.seq,
  at: iso(h.at)!,
  node: h.node,
  kind: h.kind,
  detail: h.detail,
});

const Effect = Type.Object({
  id: Type.String(),
  key: Type.String({ description: 'Idempotency key: <instance id>:<action number>' }),
  kind: Type.String({
    description:
      'message.<channel>, webhook, list, start_process, set_trait, emit_event, change_score, coupon, task',
  }),
  status: Type.String({
    description: 'pending, failed (will retry), sent, dead, done (applied in the same transaction)',
  }),
  profileId: Nullable(Type.String()),
  processId: Nullable(Type.String()),
  instanceId: Nullable(Type.String()),
  node: Nullable(Type.String()),
  action: Type.Unknown(),
  attempts: Type.Integer(),
  nextAttemptAt: Time,
  lastError: Nullable(Type.String()),
  result: Type.Unknown(),
  createdAt: Time,
  updatedAt: Time,
});
const effectView = (e: OutboxRecord) => ({
  id: e.id,
  key: e.key,
  kind: e.kind,
  status: e.status,
  profileId: e.profileId,
  processId: e.processId,
  instanceId: e.instanceId,
  node: e.node,
  action: e.payload.action ?? null,
  attempts: e.attempts,
  nextAttemptAt: iso(e.nextAttemptAt)!,
  lastError: e.lastError,
  result: e.result,
  createdAt: iso(e.createdAt)!,
  updatedAt: iso(e.updatedAt)!,
});

const Bulk = Type.Object({
  id: Type.String(),
  processId: Type.String(),
  source: Type.Unknown(),
  status: Type.String({ description: 'running, done, failed' }),
  total: Type.Integer(),
  done: Type.Integer(),
  started: Type.Integer(),
  skipped: Type.Integer({ description: 'Refused by the entry rules or no longer existing' }),
  createdAt: Time,
  updatedAt: Time,
});
const bulkView = (b: BulkStartRecord) => ({
  id: b.id,
  processId: b.processId,
  source: b.source,
  status: b.status,
  total: b.total,
  done: b.done,
  started: b.started,
  skipped: b.skipped,
  createdAt: iso(b.createdAt)!,
  updatedAt: iso(b.updatedAt)!,
});

const Task = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'task or callback' }),
  profileId: Nullable(Type.String()),
  title: Type.String(),
  note: Nullable(Type.String()),
  status: Type.String({ description: 'open, done, cancelled' }),
  assignee: Nullable(Type.String()),
  dueAt: Nullable(Time),
  source: Type.Unknown(),
  createdAt: Time,
  updatedAt: Time,
});
const taskView = (t: TaskRecord) => ({
  ...t,
  dueAt: iso(t.dueAt),
  createdAt: iso(t.createdAt)!,
  updatedAt: iso(t.updatedAt)!,
});

const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  before: Type.Optional(
    Type.String({ minLength: 1, description: 'The `next` of the previous page (newest first)' }),
  ),
};
const InstancesQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Type.String({ maxLength: 20 })),
    running: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
type InstancesQuery = Static<typeof InstancesQuery>;

const StartBody = Type.Union(
  [
    Type.Object({ profileId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    Type.Object(
      { profileIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 10000 }) },
      { additionalProperties: false },
    ),
    Type.Object(
      { segment: Type.String({ minLength: 1, description: 'A segment or static list id' }) },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'One profile (started now), a list of profile ids, or every member of a segment or list (both in the background)',
  },
);

const DryRunBody = Type.Object(
  {
    profileId: Type.String({ minLength: 1 }),
    trigger: Type.Optional(
      Type.String({ description: 'The trigger node to start from (default: the first)' }),
    ),
    event: Type.Optional(
      Type.Object(
        { name: Type.String(), properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
        { description: 'The triggering event, for conditions on its properties' },
      ),
    ),
    definition: Type.Optional(
      Type.Unknown({ description: 'A definition to try instead of the process draft' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Automation processes (issue 4): definitions and versions, publish / pause / resume / archive, validation,
 * dry runs, manual and bulk starts, instances with history, per-node counts, the outbox and agent tasks.
 */
export async function automationRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const auto = engine.automation;
  const security = ADMIN_SECURITY;
  const tags = ['automation'];
  const errors = { '4xx': ErrorBody };
  const ws = (req: { principal?: { workspaceId: string } | null }) => req.principal!.workspaceId;

  app.get(
    '/api/v1/processes',
    {
      schema: {
        tags,
        security,
        summary: 'Automation processes',
        response: { 200: Type.Object({ processes: Type.Array(Process) }), ...errors },
      },
    },
    async (req) => ({ processes: (await auto.list(ws(req))).map(processView) }),
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/processes',
    {
      schema: {
        tags,
        security,
        summary: 'Create a process (as a draft)',
        description:
          'Drafts may be incomplete; publishing validates them. Use POST /api/v1/processes/validate to check a definition while editing.',
        body: CreateBody,
        response: { 201: Process, ...errors },
      },
    },
    async (req, res) => replyWith(processView, 201)(await auto.create(ws(req), req.body), res),
  );

  app.post<{ Body: { definition: unknown } }>(
    '/api/v1/processes/validate',
    {
      schema: {
        tags,
        security,
        summary: 'Validate a definition',
        description:
          'Every error names its node (nodeId) and field: unknown fields and values, dangling edges, missing branches, unreachable nodes, loops without a wait, unknown segments and score models.',
        body: Type.Object({ definition: Definition }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            valid: Type.Boolean(),
            errors: Type.Array(
              Type.Object({
                code: Type.String(),
                message: Type.String(),
                field: Type.Optional(Type.String()),
                nodeId: Type.Optional(Type.String()),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const e = await auto.validate(ws(req), req.body.definition);
      return { valid: e.length === 0, errors: e };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/v1/processes/:id',
    {
      schema: {
        tags,
        security,
        summary: 'A process',
        params: IdParams,
        response: { 200: Process, ...errors },
      },
    },
    async (req, res) => replyWith(processView)(await auto.get(ws(req), req.params.id), res),
  );

  app.patch<{ Params: IdParams; Body: Static<typeof PatchBody> }>(
    '/api/v1/processes/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Edit a process draft (published versions never change)',
        params: IdParams,
        body: PatchBody,
        response: { 200: Process, ...errors },
      },
    },
    async (req, res) => replyWith(processView)(await auto.update(ws(req), req.params.id, req.body), res),
  );

  app.delete<{ Params: IdParams }>(
    '/api/v1/processes/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a never-published process (archive published ones)',
        params: IdParams,
        response: { 200: Type.Object({ deleted: Type.String() }), ...errors },
      },
    },
    async (req, res) =>
      replyWith((v: { deleted: string }) => v)(await auto.delete(ws(req), req.params.id), res),
  );

  for (const [action, summary] of [
    ['publish', 'Publish the draft as a new version (running instances stay on their version)'],
    ['pause', 'Pause: no new entries; running instances hold before their next action'],
    ['resume', 'Resume a paused process: held instances carry on'],
    ['archive', 'Archive: no new entries or schedules; running instances finish'],
  ] as const) {
    app.post<{ Params: IdParams }>(
      `/api/v1/processes/:id/${action}`,
      { schema: { tags, security, summary, params: IdParams, response: { 200: Process, ...errors } } },
      async (req, res) => replyWith(processView)(await auto[action](ws(req), req.params.id), res),
    );
  }

  app.get<{ Params: IdParams }>(
    '/api/v1/processes/:id/versions',
    {
      schema: {
        tags,
        security,
        summary: 'Published versions',
        params: IdParams,
        response: {
          200: Type.Object({
            versions: Type.Array(Type.Object({ version: Type.Integer(), publishedAt: Time })),
          }),
          ...errors,
        },
      },
    },
    async (req) => ({
      versions: (await auto.versions(ws(req), req.params.id)).map((v) => ({
        version: v.version,
        publishedAt: iso(v.publishedAt)!,
      })),
    }),
  );

  const VersionParams = Type.Object({
    id: Type.String({ minLength: 1 }),
    version: Type.Integer({ minimum: 1 }),
  });
  app.get<{ Params: Static<typeof VersionParams> }>(
    '/api/v1/processes/:id/versions/:version',
    {
      schema: {
        tags,
        security,
        summary: 'One published version (immutable)',
        params: VersionParams,
        response: {
          200: Type.Object({ version: Type.Integer(), definition: Definition, publishedAt: Time }),
          ...errors,
        },
      },
    },
    async (req, res) =>
      replyWith((v: { version: number; definition: unknown; publishedAt: number }) => ({
        version: v.version,
        definition: v.definition,
        publishedAt: iso(v.publishedAt)!,
      }))(await auto.version(ws(req), req.params.id, req.params.version), res),
  );

  app.post<{ Params: IdParams; Body: Static<typeof DryRunBody> }>(
    '/api/v1/processes/:id/dry-run',
    {
      schema: {
        tags,
        security,
        summary: 'Try the draft (or a given definition) on a profile',
        description:
          'Runs the step machine without writing anything, as if no further events came: every wait runs to its end (timeouts taken). Returns the path (history), the effects it would produce with their times, and the final state.',
        params: IdParams,
        body: DryRunBody,
        response: {
          200: Type.Object({
            status: Type.String(),
            endReason: Nullable(Type.String()),
            history: Type.Array(Type.Unknown()),
            effects: Type.Array(Type.Unknown()),
          }),
          ...errors,
        },
      },
    },
    async (req, res) => {
      const b = req.body;
      const r = await auto.dryRun(ws(req), {
        processId: req.params.id,
        profileId: b.profileId,
        ...(b.definition !== undefined ? { definition: b.definition } : {}),
        ...(b.trigger !== undefined ? { trigger: b.trigger } : {}),
        ...(b.event !== undefined
          ? {
              event: {
                name: b.event.name,
                type: 'track',
                properties: (b.event.properties ?? {}) as Record<string, unknown>,
                timestamp: engine.clock.now(),
              },
            }
          : {}),
      });
      return replyWith(
        (v: {
          instance: { status: string; endReason: string | null };
          history: { at: number }[];
          effects: { at: number; key: string; node: string; action: unknown }[];
        }) => ({
          status: v.instance.status,
          endReason: v.instance.endReason,
          history: v.history.map((h) => ({ ...h, at: iso(h.at) })),
          effects: v.effects.map((e) => ({ node: e.node, action: e.action, at: iso(e.at) })),
        }),
      )(r, res);
    },
  );

  app.post<{ Params: IdParams; Body: Static<typeof StartBody> }>(
    '/api/v1/processes/:id/start',
    {
      schema: {
        tags,
        security,
        summary: 'Start the process manually (it needs a manual trigger node)',
        description:
          'For one profile the instance is started at once and returned (or `skipped` with the entry rule that refused it). For a list of profiles or a segment/list a bulk start runs in the background; follow it at /api/v1/processes/{id}/bulk-starts/{bulkId}.',
        params: IdParams,
        body: StartBody,
        response: {
          200: Type.Object({
            instance: Type.Optional(Instance),
            skipped: Type.Optional(Type.Object({ reason: Type.String(), message: Type.String() })),
          }),
          202: Type.Object({ bulk: Bulk }),
          ...errors,
        },
      },
    },
    async (req, res) => {
      const r = await auto.start(ws(req), req.params.id, req.body);
      if (!r.ok) return sendError(res, statusFor(r.error.code), r.error);
      if (r.value.bulk) return res.code(202).send({ bulk: bulkView(r.value.bulk) });
      return res.send({
        ...(r.value.instance ? { instance: instanceView(r.value.instance) } : {}),
        ...(r.value.skipped ? { skipped: r.value.skipped } : {}),
      });
    },
  );

  const BulkParams = Type.Object({
    id: Type.String({ minLength: 1 }),
    bulkId: Type.String({ minLength: 1 }),
  });
  app.get<{ Params: Static<typeof BulkParams> }>(
    '/api/v1/processes/:id/bulk-starts/:bulkId',
    {
      schema: {
        tags,
        security,
        summary: 'Progress of a bulk start',
        params: BulkParams,
        response: { 200: Bulk, ...errors },
      },
    },
    async (req, res) => replyWith(bulkView)(await auto.bulk(ws(req), req.params.bulkId), res),
  );

  app.get<{ Params: IdParams }>(
    '/api/v1/processes/:id/stats',
    {
      schema: {
        tags,
        security,
        summary: 'Per-node counts',
        description:
          'node → counter → n. Counters: entered, passed:<port> (each branch, variant, matched/timeout), errored, converted:<variant> (A/B goal), and waiting / held / active for instances there now. `versions` has the same per version.',
        params: IdParams,
        response: {
          200: Type.Object({
            instances: Type.Object({ total: Type.Integer(), running: Type.Integer() }),
            nodes: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
            versions: Type.Unknown(),
          }),
          ...errors,
        },
      },
    },
    async (req, res) => replyWith((v: unknown) => v)(await auto.stats(ws(req), req.params.id), res),
  );

  const Instances = Type.Object({ instances: Type.Array(Instance), next: Nullable(Type.String()) });
  const page = (list: InstanceRecord[], limit: number) => ({
    instances: list.map(instanceView),
    next: list.length === limit ? list[list.length - 1]!.id : null,
  });
  // The same listing by process and by profile.
  for (const [by, path, summary] of [
    ['processId', '/api/v1/processes/:id/instances', "A process's instances, newest first"],
    ['profileId', '/api/v1/profiles/:id/instances', "A profile's process instances, newest first"],
  ] as const) {
    app.get<{ Params: IdParams; Querystring: InstancesQuery }>(
      path,
      {
        schema: {
          tags,
          security,
          summary,
          params: IdParams,
          querystring: InstancesQuery,
          response: { 200: Instances, ...errors },
        },
      },
      async (req) => {
        const q = req.query;
        return page(
          await auto.instances(ws(req), {
            [by]: req.params.id,
            limit: q.limit,
            ...(q.status !== undefined ? { status: q.status } : {}),
            ...(q.running !== undefined ? { running: q.running } : {}),
            ...(q.before !== undefined ? { before: q.before } : {}),
          }),
          q.limit,
        );
      },
    );
  }

  app.get<{ Params: IdParams }>(
    '/api/v1/instances/:id',
    {
      schema: {
        tags,
        security,
        summary: 'An instance with its history (which path, when, why) and its effects',
        params: IdParams,
        response: {
          200: Type.Object({ instance: Instance, history: Type.Array(History), effects: Type.Array(Effect) }),
          ...errors,
        },
      },
    },
    async (req, res) =>
      replyWith((v: { instance: InstanceRecord; history: HistoryRecord[]; effects: OutboxRecord[] }) => ({
        instance: instanceView(v.instance),
        history: v.history.map(historyView),
        effects: v.effects.map(effectView),
      }))(await auto.instance(ws(req), req.params.id), res),
  );

  app.post<{ Params: IdParams; Body: unknown }>(
    '/api/v1/instances/:id/cancel',
    {
      schema: {
        tags,
        security,
        summary: 'Cancel a running instance',
        description:
          'Optional JSON body { "reason": "…" } (at most 500 characters), recorded in the history.',
        params: IdParams,
        response: { 200: Instance, ...errors },
      },
    },
    async (req, res) => {
      const reason = (req.body as { reason?: unknown } | undefined | null)?.reason;
      if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500))
        return sendError(res, 400, {
          code: 'invalid_field',
          field: 'reason',
          message: 'reason must be a string of at most 500 characters',
        });
      return replyWith(instanceView)(await auto.cancel(ws(req), req.params.id, reason), res);
    },
  );

  const OutboxQuery = Type.Object(
    {
      ...PageQuery,
      status: Type.Optional(Type.String({ maxLength: 20 })),
      kind: Type.Optional(Type.String({ maxLength: 50 })),
      profileId: Type.Optional(Type.String({ maxLength: 128 })),
    },
    { additionalProperties: false },
  );
  app.get<{ Querystring: Static<typeof OutboxQuery> }>(
    '/api/v1/outbox',
    {
      schema: {
        tags,
        security,
        summary: 'Effects: pending, retrying, sent, dead letters',
        querystring: OutboxQuery,
        response: {
          200: Type.Object({
            effects: Type.Array(Effect),
            counts: Type.Record(Type.String(), Type.Integer()),
            next: Nullable(Type.String()),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const list = await auto.outbox(ws(req), {
        limit: q.limit,
        ...(q.status !== undefined ? { status: q.status } : {}),
        ...(q.kind !== undefined ? { kind: q.kind } : {}),
        ...(q.profileId !== undefined ? { profileId: q.profileId } : {}),
        ...(q.before !== undefined ? { before: q.before } : {}),
      });
      return {
        effects: list.map(effectView),
        counts: await auto.outboxCounts(ws(req)),
        next: list.length === q.limit ? list[list.length - 1]!.id : null,
      };
    },
  );

  app.post<{ Params: IdParams }>(
    '/api/v1/outbox/:id/retry',
    {
      schema: {
        tags,
        security,
        summary: 'Retry a dead effect',
        params: IdParams,
        response: { 200: Effect, ...errors },
      },
    },
    async (req, res) =>
      replyWith(effectView)(
        await auto.retryEffect(ws(req), req.params.id, () => engine.outbox.notify()),
        res,
      ),
  );

  const TasksQuery = Type.Object(
    {
      ...PageQuery,
      status: Type.Optional(Type.String({ maxLength: 20 })),
      profileId: Type.Optional(Type.String({ maxLength: 128 })),
    },
    { additionalProperties: false },
  );
  app.get<{ Querystring: Static<typeof TasksQuery> }>(
    '/api/v1/tasks',
    {
      schema: {
        tags,
        security,
        summary: 'Agent tasks and callback requests created by processes',
        querystring: TasksQuery,
        response: { 200: Type.Object({ tasks: Type.Array(Task), next: Nullable(Type.String()) }), ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const list = await auto.tasks(ws(req), {
        limit: q.limit,
        ...(q.status !== undefined ? { status: q.status } : {}),
        ...(q.profileId !== undefined ? { profileId: q.profileId } : {}),
        ...(q.before !== undefined ? { before: q.before } : {}),
      });
      return { tasks: list.map(taskView), next: list.length === q.limit ? list[list.length - 1]!.id : null };
    },
  );

  const TaskPatch = Type.Object(
    {
      status: Type.Optional(
        Type.Union([Type.Literal('open'), Type.Literal('done'), Type.Literal('cancelled')]),
      ),
      assignee: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    },
    { additionalProperties: false },
  );
  app.patch<{ Params: IdParams; Body: Static<typeof TaskPatch> }>(
    '/api/v1/tasks/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a task (status, assignee)',
        params: IdParams,
        body: TaskPatch,
        response: { 200: Task, ...errors },
      },
    },
    async (req, res) => replyWith(taskView)(await auto.updateTask(ws(req), req.params.id, req.body), res),
  );
}
