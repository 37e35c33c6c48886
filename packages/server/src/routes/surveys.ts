import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { parseInstant, toCsv, type MetricResult } from '@omnicx/core';
import { parseCursor, type Engine, type FeedbackResult, type MetricsReport } from '@omnicx/engine';
import type { FeedbackFilter, FeedbackRecord, SurveyRecord, SurveyResponseRecord } from '@omnicx/store';
import { replyWith, sendError, statusFor } from '../errors';
import { ADMIN_SECURITY, ErrorBody } from '../schemas';

// ---- schemas ---------------------------------------------------------------------------------------------

const DEFINITION =
  'The survey as data (packages/core/src/surveys/types.ts): {"languages":["fa","ar","en"],"questions":[{"id","type":"nps"|"csat"|"ces"|"rating"|"single_choice"|"multiple_choice"|"open_text","title":{"fa","ar","en"},"required"?,"logic"?:[{"if":{"question","op","value"?},"goto":{"question"}|{"end"}}],…}],"endScreens":[{"id","title":{…}}]}. Every text needs every language of `languages`. Refused definitions are 400 with every error (field path and questionId) in error.details.';
const SETTINGS =
  'Distribution and closed loop: {"anonymous"?,"multipleResponses"?,"linkTtlDays"?,"widget"?:{"enabled","triggers":[{"type":"page","url","match"?}|{"type":"event","event"}],"segmentId"?,"samplePercent"?,"recontactDays"?,"maxDisplays"?,"priority"?},"alerts"?:{"detractor"?,"lowScore"?,"sentimentBelow"?}}';

const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Status = Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('closed')]);
const FollowupStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('contacted'),
  Type.Literal('resolved'),
]);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
type IdParams = Static<typeof IdParams>;
const ResponseParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  responseId: Type.String({ minLength: 1, maxLength: 128 }),
});
type ResponseParams = Static<typeof ResponseParams>;

const Survey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Status,
  version: Type.Integer({ description: 'Increases with every change of the definition' }),
  definition: Type.Unknown({ description: DEFINITION }),
  settings: Type.Unknown({ description: SETTINGS }),
  anonymousPath: Nullable(Type.String({ description: 'The public page when settings.anonymous: /s/<id>' })),
  createdAt: Time,
  updatedAt: Time,
});

const SurveyCreateBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Internal name (never shown to respondents)',
    }),
    status: Type.Optional(Status),
    definition: Type.Unknown({ description: DEFINITION }),
    settings: Type.Optional(Type.Unknown({ description: SETTINGS })),
  },
  { additionalProperties: false },
);
const SurveyPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(Status),
    definition: Type.Optional(Type.Unknown({ description: DEFINITION })),
    settings: Type.Optional(Type.Unknown({ description: SETTINGS })),
  },
  { additionalProperties: false },
);

const WorkspaceSettings = Type.Object({
  cooldownDays: Type.Integer({ description: 'After any widget display, no other survey for this many days' }),
  alerts: Type.Unknown({ description: 'Default alert rule {"detractor"?,"lowScore"?,"sentimentBelow"?}' }),
});

const LinkBody = Type.Object(
  {
    profileId: Type.String({ minLength: 1, maxLength: 128 }),
    lang: Type.Optional(
      Type.String({ maxLength: 20, description: 'Default: the profile trait locale/language' }),
    ),
    channel: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 50,
        description: 'How it will be sent (email, sms…); default email',
      }),
    ),
    touchpoint: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ttlDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false },
);
const Link = Type.Object({
  linkId: Type.String(),
  token: Type.String({ description: 'A bearer credential for this one profile: send it, never log it' }),
  path: Type.String({ description: '/s/t/<token> on this server' }),
  expiresAt: Time,
  language: Type.String(),
});

const Followup = Type.Object({
  status: FollowupStatus,
  by: Type.String(),
  at: Time,
  note: Type.Optional(Type.String()),
});
const Response = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  surveyVersion: Type.Integer(),
  profileId: Nullable(Type.String()),
  anonymousId: Nullable(Type.String()),
  source: Type.String({ description: 'link, anonymous or widget' }),
  channel: Type.String(),
  touchpoint: Nullable(Type.String()),
  language: Type.String(),
  answers: Type.Record(Type.String(), Type.Unknown(), {
    description: 'By question id: {type, value, scale?: {min,max,points,direction}}',
  }),
  completed: Type.Boolean(),
  endScreen: Nullable(Type.String()),
  nps: Nullable(Type.Integer()),
  followupStatus: Nullable(FollowupStatus),
  followup: Type.Array(Followup),
  startedAt: Time,
  updatedAt: Time,
  completedAt: Nullable(Time),
});
const ResponsesQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    before: Type.Optional(Type.String({ description: 'The `next` of the previous page' })),
    from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms (started at or after)' })),
    to: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms (started before)' })),
    completed: Type.Optional(Type.Boolean()),
    followupStatus: Type.Optional(FollowupStatus),
  },
  { additionalProperties: false },
);
type ResponsesQuery = Static<typeof ResponsesQuery>;
const FollowupBody = Type.Object(
  {
    status: FollowupStatus,
    by: Type.String({ minLength: 1, maxLength: 200, description: 'Who (agent name or id)' }),
    note: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);
type FollowupBody = Static<typeof FollowupBody>;

const Estimate = {
  value: Nullable(Type.Number()),
  low: Nullable(Type.Number()),
  high: Nullable(Type.Number()),
  marginOfError: Nullable(Type.Number({ description: '± at 95%' })),
};
const Metric = Type.Object({
  metric: Type.String(),
  n: Type.Integer(),
  ignored: Type.Integer(),
  smallSample: Type.Boolean({ description: 'Fewer than 30 answers: read the interval, not the point' }),
  counts: Type.Record(Type.String(), Type.Integer()),
  secondary: Nullable(
    Type.Object({ label: Type.String(), ...Estimate, scale: Type.Optional(Type.Unknown()) }),
  ),
  ...Estimate,
});
const MetricsQuery = Type.Object(
  {
    question: Type.Optional(
      Type.String({ maxLength: 64, description: 'Default: the first NPS, else CSAT, CES, rating question' }),
    ),
    from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms; default 90 days before `to`' })),
    to: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms; default now' })),
    interval: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')])),
    by: Type.Optional(
      Type.Union([
        Type.Literal('segment'),
        Type.Literal('persona'),
        Type.Literal('touchpoint'),
        Type.Literal('channel'),
      ]),
    ),
    utcOffsetMinutes: Type.Optional(
      Type.Integer({ minimum: -720, maximum: 840, description: 'Bucket days at this offset (Tehran 210)' }),
    ),
    weekStart: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 6, description: '0 Sunday … 6 Saturday; default 1' }),
    ),
    calendar: Type.Optional(Type.Union([Type.Literal('gregorian'), Type.Literal('persian')])),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
type MetricsQuery = Static<typeof MetricsQuery>;

const Feedback = Type.Object({
  id: Type.String(),
  source: Type.String(),
  channel: Type.String(),
  touchpoint: Nullable(Type.String()),
  text: Type.String(),
  rating: Nullable(Type.Number()),
  ratingScale: Nullable(Type.Object({ min: Type.Integer(), max: Type.Integer() })),
  language: Type.String(),
  profileId: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  surveyId: Nullable(Type.String()),
  responseId: Nullable(Type.String()),
  questionId: Nullable(Type.String()),
  sentiment: Type.Object({ label: Type.String(), score: Type.Number() }),
  keywords: Type.Array(Type.Unknown()),
  aspects: Type.Array(Type.Unknown()),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  followupStatus: Nullable(FollowupStatus),
  followup: Type.Array(Followup),
  occurredAt: Time,
  receivedAt: Time,
});
const FeedbackBody = Type.Unknown({
  description:
    'One record or {"batch":[…]} (up to 500, all or nothing): {"source":"chat"|"email"|"review"|"app_review"|"social"|"call_center"|"other","text","channel"?,"touchpoint"?,"rating"?,"ratingScale"?:{"min","max"},"language"?:"fa"|"ar"|"en","profileId"?|"userId"?|"email"?|"phone"?|"anonymousId"?,"occurredAt"?,"externalId"?,"metadata"?}. A repeated (source, externalId) is stored once (duplicate: true). Validated by core: errors name the field, e.g. batch[3].text.',
});
const FeedbackQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    before: Type.Optional(Type.String()),
    source: Type.Optional(Type.String({ maxLength: 50 })),
    channel: Type.Optional(Type.String({ maxLength: 50 })),
    touchpoint: Type.Optional(Type.String({ maxLength: 200 })),
    language: Type.Optional(Type.String({ maxLength: 10 })),
    sentiment: Type.Optional(
      Type.Union([Type.Literal('positive'), Type.Literal('negative'), Type.Literal('neutral')]),
    ),
    profileId: Type.Optional(Type.String({ maxLength: 128 })),
    surveyId: Type.Optional(Type.String({ maxLength: 128 })),
    followupStatus: Type.Optional(FollowupStatus),
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
type FeedbackQuery = Static<typeof FeedbackQuery>;

// ---- views -----------------------------------------------------------------------------------------------

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

const surveyView = (s: SurveyRecord) => ({
  ...s,
  anonymousPath: (s.settings as { anonymous?: boolean }).anonymous ? `/s/${s.id}` : null,
  createdAt: iso(s.createdAt),
  updatedAt: iso(s.updatedAt),
});
const followupView = (f: SurveyResponseRecord['followup']) => f.map((e) => ({ ...e, at: iso(e.at) }));
const responseView = (r: SurveyResponseRecord) => ({
  id: r.id,
  surveyId: r.surveyId,
  surveyVersion: r.surveyVersion,
  profileId: r.profileId,
  anonymousId: r.anonymousId,
  source: r.source,
  channel: r.channel,
  touchpoint: r.touchpoint,
  language: r.language,
  answers: r.answers,
  completed: r.completed,
  endScreen: r.endScreen,
  nps: r.nps,
  followupStatus: r.followupStatus,
  followup: followupView(r.followup),
  startedAt: iso(r.startedAt),
  updatedAt: iso(r.updatedAt),
  completedAt: isoOrNull(r.completedAt),
});
const feedbackView = (f: FeedbackRecord) => ({
  id: f.id,
  source: f.source,
  channel: f.channel,
  touchpoint: f.touchpoint,
  text: f.text,
  rating: f.rating,
  ratingScale: f.ratingScale,
  language: f.language,
  profileId: f.profileId,
  externalId: f.externalId,
  surveyId: f.surveyId,
  responseId: f.responseId,
  questionId: f.questionId,
  sentiment: f.sentiment,
  keywords: (f.analysis.keywords as unknown[] | undefined) ?? [],
  aspects: (f.analysis.aspects as unknown[] | undefined) ?? [],
  metadata: f.metadata,
  followupStatus: f.followupStatus,
  followup: followupView(f.followup),
  occurredAt: iso(f.occurredAt),
  receivedAt: iso(f.receivedAt),
});

/** A metrics report as CSV: the overall figure, then one row per bucket and per group. */
function metricsCsv(r: MetricsReport): string {
  const row = (kind: string, key: string, m: MetricResult) => [
    kind,
    key,
    r.metric,
    m.n,
    m.value,
    m.low,
    m.high,
    m.marginOfError,
    m.smallSample,
    m.secondary?.label ?? '',
    m.secondary?.value ?? null,
    m.secondary?.marginOfError ?? null,
    JSON.stringify(m.counts),
  ];
  const rows = [
    row('overall', '', r.overall),
    [
      'response_rate',
      '',
      'response_rate',
      r.responseRate.distributed,
      r.responseRate.value,
      r.responseRate.low,
      r.responseRate.high,
      r.responseRate.marginOfError,
      r.responseRate.smallSample,
      'responses',
      r.responseRate.responses,
      null,
      '',
    ],
    ...(r.series ?? []).map((b) => row('bucket', iso(b.start), b.result)),
    ...(r.breakdown ?? []).map((b) => row('group', b.label, b.result)),
  ];
  return toCsv(
    [
      'kind',
      'key',
      'metric',
      'n',
      'value',
      'low',
      'high',
      'margin_of_error',
      'small_sample',
      'secondary',
      'secondary_value',
      'secondary_margin',
      'counts',
    ],
    rows,
  );
}

// ---- routes ----------------------------------------------------------------------------------------------

/** Surveys, responses, metrics and feedback (issue 6): the admin side, secret key. */
export async function surveyRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { surveys, feedback } = opts.engine;
  const security = ADMIN_SECURITY;
  const errors = { '4xx': ErrorBody };
  /** Parses optional from/to; sends the 400 itself and returns null on a bad value. */
  const range = (q: { from?: string | undefined; to?: string | undefined }, res: FastifyReply) => {
    const out: { from?: number; to?: number } = {};
    for (const k of ['from', 'to'] as const) {
      const v = q[k];
      if (v === undefined) continue;
      const t = parseInstant(v);
      if (t === null) {
        sendError(res, 400, {
          code: 'invalid_field',
          field: k,
          message: `${k} must be an ISO-8601 date or date-time, or epoch milliseconds`,
        });
        return null;
      }
      out[k] = t;
    }
    return out;
  };
  const ws = (req: { principal?: { workspaceId: string } }) => req.principal!.workspaceId;

  // ---- surveys
  {
    const tags = ['surveys'];
    app.get(
      '/api/v1/surveys',
      {
        schema: {
          tags,
          security,
          summary: 'Surveys',
          response: { 200: Type.Object({ surveys: Type.Array(Survey) }), ...errors },
        },
      },
      async (req) => ({
        surveys: (await surveys.list(ws(req))).map(surveyView),
      }),
    );

    app.post<{ Body: Static<typeof SurveyCreateBody> }>(
      '/api/v1/surveys',
      {
        schema: {
          tags,
          security,
          summary: 'Create a survey',
          description: 'Starts as a draft unless status is given; activate it to answer it. ' + DEFINITION,
          body: SurveyCreateBody,
          response: { 201: Survey, ...errors },
        },
      },
      async (req, res) => replyWith(surveyView, 201)(await surveys.create(ws(req), req.body), res),
    );

    app.get(
      '/api/v1/surveys/settings',
      {
        schema: {
          tags,
          security,
          summary: 'Workspace-wide survey rules',
          response: { 200: WorkspaceSettings, ...errors },
        },
      },
      async (req) => surveys.workspaceSettings(ws(req)),
    );
    app.put<{ Body: unknown }>(
      '/api/v1/surveys/settings',
      {
        schema: {
          tags,
          security,
          summary: 'Set the workspace-wide survey rules',
          description:
            'cooldownDays: after any widget display, no other survey is shown to that visitor for this many days. alerts: the default closed-loop rule (surveys without their own, and feedback).',
          body: Type.Object(
            { cooldownDays: Type.Optional(Type.Integer()), alerts: Type.Optional(Type.Unknown()) },
            { additionalProperties: false },
          ),
          response: { 200: WorkspaceSettings, ...errors },
        },
      },
      async (req, res) =>
        replyWith((v: unknown) => v)(await surveys.setWorkspaceSettings(ws(req), req.body), res),
    );

    app.get<{ Params: IdParams }>(
      '/api/v1/surveys/:id',
      {
        schema: {
          tags,
          security,
          summary: 'One survey',
          params: IdParams,
          response: { 200: Survey, ...errors },
        },
      },
      async (req, res) => replyWith(surveyView)(await surveys.get(ws(req), req.params.id), res),
    );
    app.patch<{ Params: IdParams; Body: Static<typeof SurveyPatchBody> }>(
      '/api/v1/surveys/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Rename, (de)activate, close, or change the definition or settings',
          description: 'A changed definition increases version; responses keep the version they answered.',
          params: IdParams,
          body: SurveyPatchBody,
          response: { 200: Survey, ...errors },
        },
      },
      async (req, res) => replyWith(surveyView)(await surveys.update(ws(req), req.params.id, req.body), res),
    );
    app.delete<{ Params: IdParams }>(
      '/api/v1/surveys/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Delete a survey without responses',
          description: '409 in_use when it has responses: close it instead.',
          params: IdParams,
          response: { 200: Type.Object({ deleted: Type.String() }), ...errors },
        },
      },
      async (req, res) =>
        replyWith((v: { deleted: string }) => v)(await surveys.delete(ws(req), req.params.id), res),
    );

    app.post<{ Params: IdParams; Body: Static<typeof LinkBody> }>(
      '/api/v1/surveys/:id/links',
      {
        schema: {
          tags,
          security,
          summary: 'Create a signed personal link for one profile',
          description:
            'The token (HMAC-SHA256 with a per-workspace secret) carries workspace, survey, profile, link and expiry. One response per link unless the survey allows more. Counts as distributed for the response rate.',
          params: IdParams,
          body: LinkBody,
          response: { 201: Link, ...errors },
        },
      },
      async (req, res) =>
        replyWith(
          (l: { linkId: string; token: string; path: string; expiresAt: number; language: string }) => ({
            ...l,
            expiresAt: iso(l.expiresAt),
          }),
          201,
        )(
          await surveys.linkFor(ws(req), req.params.id, req.body.profileId, req.body.lang, {
            ...(req.body.channel ? { channel: req.body.channel } : {}),
            ...(req.body.touchpoint ? { touchpoint: req.body.touchpoint } : {}),
            ...(req.body.ttlDays ? { ttlDays: req.body.ttlDays } : {}),
          }),
          res,
        ),
    );

    app.get<{ Params: IdParams; Querystring: ResponsesQuery }>(
      '/api/v1/surveys/:id/responses',
      {
        schema: {
          tags,
          security,
          summary: 'Responses, newest first (partial ones included)',
          params: IdParams,
          querystring: ResponsesQuery,
          response: {
            200: Type.Object({ responses: Type.Array(Response), next: Nullable(Type.String()) }),
            ...errors,
          },
        },
      },
      async (req, res) => {
        const r = range(req.query, res);
        if (!r) return res;
        const q = req.query;
        return replyWith((v: { responses: SurveyResponseRecord[]; next: string | null }) => ({
          responses: v.responses.map(responseView),
          next: v.next,
        }))(
          await surveys.responses(
            ws(req),
            {
              surveyId: req.params.id,
              ...r,
              ...(q.completed !== undefined ? { completed: q.completed } : {}),
              ...(q.followupStatus ? { followupStatus: q.followupStatus } : {}),
            },
            { limit: q.limit, ...(q.before ? { before: q.before } : {}) },
          ),
          res,
        );
      },
    );

    app.get<{ Params: IdParams; Querystring: { from?: string; to?: string } }>(
      '/api/v1/surveys/:id/responses/export',
      {
        schema: {
          tags,
          security,
          summary: 'Every response as CSV (one column per question; UTF-8 with BOM)',
          params: IdParams,
          querystring: Type.Object(
            { from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) },
            { additionalProperties: false },
          ),
          response: { 200: Type.String({ description: 'text/csv' }), ...errors },
        },
      },
      async (req, res) => {
        const r = range(req.query, res);
        if (!r) return res;
        const out = await surveys.exportCsv(ws(req), req.params.id, r);
        if (!out.ok) return sendError(res, statusFor(out.error.code), out.error);
        return res
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="survey-${req.params.id}-responses.csv"`)
          .send(out.value);
      },
    );

    app.get<{ Params: ResponseParams }>(
      '/api/v1/surveys/:id/responses/:responseId',
      {
        schema: {
          tags,
          security,
          summary: 'One response',
          params: ResponseParams,
          response: { 200: Response, ...errors },
        },
      },
      async (req, res) =>
        replyWith(responseView)(await surveys.response(ws(req), req.params.id, req.params.responseId), res),
    );

    app.post<{ Params: ResponseParams; Body: FollowupBody }>(
      '/api/v1/surveys/:id/responses/:responseId/followup',
      {
        schema: {
          tags,
          security,
          summary: 'Record a follow-up step on a response (open, contacted, resolved)',
          description: 'A closed-loop alert sets open automatically; every step is kept with who and when.',
          params: ResponseParams,
          body: FollowupBody,
          response: { 200: Response, ...errors },
        },
      },
      async (req, res) =>
        replyWith(responseView)(
          await surveys.followup(ws(req), req.params.id, req.params.responseId, req.body),
          res,
        ),
    );

    app.get<{ Params: IdParams; Querystring: MetricsQuery }>(
      '/api/v1/surveys/:id/metrics',
      {
        schema: {
          tags,
          security,
          summary: 'NPS / CSAT / CES / rating with 95% intervals, response rate, over time and by group',
          description:
            'NPS: % promoters − % detractors (passives in the denominator, skipped answers not). CSAT and ratings: % of answers in the favourable quarter of their scale (4–5 of 5), plus the mean. CES: mean on 1–7 (7 = easiest, stored direction honoured) plus % agreeing. Response rate: completed responses / (links + widget displays). smallSample below 30 answers. format=csv for a spreadsheet.',
          params: IdParams,
          querystring: MetricsQuery,
          response: {
            200: Type.Object({
              surveyId: Type.String(),
              question: Type.Object({ id: Type.String(), type: Type.String() }),
              metric: Type.String(),
              from: Time,
              to: Time,
              overall: Metric,
              responseRate: Type.Object({
                responses: Type.Integer(),
                distributed: Type.Integer(),
                smallSample: Type.Boolean(),
                ...Estimate,
              }),
              series: Type.Optional(Type.Array(Type.Object({ start: Time, result: Metric }))),
              breakdown: Type.Optional(
                Type.Array(Type.Object({ group: Type.String(), label: Type.String(), result: Metric })),
              ),
            }),
            ...errors,
          },
        },
      },
      async (req, res) => {
        const r = range(req.query, res);
        if (!r) return res;
        const q = req.query;
        const out = await surveys.metrics(ws(req), req.params.id, {
          ...r,
          ...(q.question ? { question: q.question } : {}),
          ...(q.interval ? { interval: q.interval } : {}),
          ...(q.by ? { by: q.by } : {}),
          ...(q.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: q.utcOffsetMinutes } : {}),
          ...(q.weekStart !== undefined ? { weekStart: q.weekStart } : {}),
          ...(q.calendar ? { calendar: q.calendar } : {}),
        });
        if (!out.ok) return sendError(res, statusFor(out.error.code), out.error);
        if (q.format === 'csv')
          return res
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="survey-${req.params.id}-metrics.csv"`)
            .send(metricsCsv(out.value));
        const v = out.value;
        return {
          ...v,
          from: iso(v.from),
          to: iso(v.to),
          ...(v.series ? { series: v.series.map((b) => ({ start: iso(b.start), result: b.result })) } : {}),
        };
      },
    );
  }

  // ---- feedback
  {
    const tags = ['feedback'];
    const filterOf = (q: FeedbackQuery, res: FastifyReply): FeedbackFilter | null => {
      const r = range(q, res);
      if (!r) return null;
      const f: FeedbackFilter = { ...r };
      for (const k of [
        'source',
        'channel',
        'touchpoint',
        'language',
        'sentiment',
        'profileId',
        'surveyId',
        'followupStatus',
      ] as const)
        if (q[k] !== undefined) f[k] = q[k];
      return f;
    };

    app.post<{ Body: unknown }>(
      '/api/v1/feedback',
      {
        bodyLimit: 5 * 1024 * 1024,
        validatorCompiler: () => () => true,
        schema: {
          tags,
          security,
          summary:
            'Store feedback from chat, email, reviews, social posts or call-center notes (one or a batch)',
          description:
            'Each record is analysed (language, sentiment, keywords, aspects), stored next to survey text answers, and appended to the profile as a `Feedback Received` event; the workspace alert rule may add a `Feedback Alert` event and set follow-up status open.',
          body: FeedbackBody,
          response: {
            201: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.String(),
                  duplicate: Type.Boolean(),
                  profileId: Nullable(Type.String()),
                  language: Type.String(),
                  sentiment: Type.Object({ label: Type.String(), score: Type.Number() }),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (req, res) =>
        replyWith((items: FeedbackResult[]) => ({ items }), 201)(
          await feedback.submit(ws(req), req.body),
          res,
        ),
    );

    app.get<{ Querystring: FeedbackQuery }>(
      '/api/v1/feedback',
      {
        schema: {
          tags,
          security,
          summary: 'Feedback records (survey text answers included), newest first, filtered',
          querystring: FeedbackQuery,
          response: {
            200: Type.Object({ items: Type.Array(Feedback), next: Nullable(Type.String()) }),
            ...errors,
          },
        },
      },
      async (req, res) => {
        const f = filterOf(req.query, res);
        if (!f) return res;
        const before = req.query.before === undefined ? undefined : parseCursor(req.query.before);
        if (before === null)
          return sendError(res, 400, {
            code: 'invalid_field',
            field: 'before',
            message: 'before must be the `next` of a previous page',
          });
        const out = await feedback.list(ws(req), f, {
          limit: req.query.limit,
          ...(before ? { before } : {}),
        });
        return { items: out.items.map(feedbackView), next: out.next };
      },
    );

    app.get<{ Querystring: Omit<FeedbackQuery, 'limit' | 'before'> & { limit?: number } }>(
      '/api/v1/feedback/themes',
      {
        schema: {
          tags,
          security,
          summary: 'Themes (aspects and shared keywords) over the filtered feedback, largest first',
          querystring: Type.Composite(
            [
              Type.Omit(FeedbackQuery, ['limit', 'before']),
              Type.Object({
                limit: Type.Integer({
                  minimum: 1,
                  maximum: 20000,
                  default: 5000,
                  description: 'Most records considered (newest first)',
                }),
              }),
            ],
            {
              additionalProperties: false,
            },
          ),
          response: {
            200: Type.Object({ considered: Type.Integer(), themes: Type.Array(Type.Unknown()) }),
            ...errors,
          },
        },
      },
      async (req, res) => {
        const f = filterOf({ ...req.query, limit: 1 }, res);
        if (!f) return res;
        return feedback.themes(ws(req), f, req.query.limit ?? 5000);
      },
    );

    app.get<{ Params: IdParams }>(
      '/api/v1/feedback/:id',
      {
        schema: {
          tags,
          security,
          summary: 'One feedback record',
          params: IdParams,
          response: { 200: Feedback, ...errors },
        },
      },
      async (req, res) => replyWith(feedbackView)(await feedback.get(ws(req), req.params.id), res),
    );

    app.post<{ Params: IdParams; Body: FollowupBody }>(
      '/api/v1/feedback/:id/followup',
      {
        schema: {
          tags,
          security,
          summary: 'Record a follow-up step on a feedback record (open, contacted, resolved)',
          params: IdParams,
          body: FollowupBody,
          response: { 200: Feedback, ...errors },
        },
      },
      async (req, res) =>
        replyWith(feedbackView)(await feedback.followup(ws(req), req.params.id, req.body), res),
    );
  }
}
