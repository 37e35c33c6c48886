import { Type, type Static } from '@sinclair/typebox';

// Schemas declared once: Fastify validates admin requests with them and @fastify/swagger publishes them.

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description: 'Stable machine-readable code, e.g. invalid_field, missing_key, not_found',
      }),
      message: Type.String({ description: 'What was wrong and how to fix it' }),
      field: Type.Optional(Type.String({ description: 'The offending input, e.g. batch[3].userId' })),
      details: Type.Optional(
        Type.Unknown({
          description:
            "Structured extras when there are any: for a refused segment rule, computed trait or score model, the list of every error, each with code, message, field (path in the rule), nodeId (the node's id) and owner",
        }),
      ),
    }),
  },
  { $id: 'Error' },
);

export const Success = Type.Object({ success: Type.Literal(true) });

const Json = Type.Record(Type.String(), Type.Unknown());
const common = {
  messageId: Type.Optional(
    Type.String({ maxLength: 200, description: 'Idempotency key: a repeated messageId is stored once' }),
  ),
  userId: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  anonymousId: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  context: Type.Optional(
    Type.Object(
      {
        channel: Type.Optional(
          Type.String({
            description: 'web, app, email, sms, push, phone, ivr, store, pos, qr, social, chat, server…',
          }),
        ),
        touchpoint: Type.Optional(Type.String({ description: 'e.g. store-12, ivr-main, checkout-page' })),
        traits: Type.Optional(Json),
      },
      { additionalProperties: true },
    ),
  ),
  integrations: Type.Optional(Json),
  timestamp: Type.Optional(Type.String({ format: 'date-time' })),
  sentAt: Type.Optional(Type.String({ format: 'date-time' })),
  originalTimestamp: Type.Optional(Type.String({ format: 'date-time' })),
};

/** Documentation of the Segment-compatible message bodies (validation is done by core with precise messages). */
export const MessageBodies = {
  identify: Type.Object({ ...common, traits: Type.Optional(Json) }, { additionalProperties: true }),
  track: Type.Object(
    { ...common, event: Type.String(), properties: Type.Optional(Json) },
    { additionalProperties: true },
  ),
  page: Type.Object(
    { ...common, name: Type.Optional(Type.String()), properties: Type.Optional(Json) },
    { additionalProperties: true },
  ),
  screen: Type.Object(
    { ...common, name: Type.Optional(Type.String()), properties: Type.Optional(Json) },
    { additionalProperties: true },
  ),
  group: Type.Object(
    { ...common, groupId: Type.Union([Type.String(), Type.Number()]), traits: Type.Optional(Json) },
    { additionalProperties: true },
  ),
  alias: Type.Object(
    { ...common, previousId: Type.Union([Type.String(), Type.Number()]) },
    { additionalProperties: true },
  ),
  batch: Type.Object(
    {
      batch: Type.Array(Type.Object({ type: Type.String() }, { additionalProperties: true }), {
        maxItems: 2500,
      }),
      context: Type.Optional(Json),
      integrations: Type.Optional(Json),
      sentAt: Type.Optional(Type.String({ format: 'date-time' })),
    },
    { additionalProperties: true },
  ),
};

const Identity = Type.Object({ type: Type.String(), value: Type.String() });
const Channel = Type.Object({
  channel: Type.String(),
  touchpoint: Type.Union([Type.String(), Type.Null()]),
  count: Type.Number(),
  firstSeenAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
});

export const Profile = Type.Object(
  {
    id: Type.String(),
    identities: Type.Array(Identity),
    traits: Json,
    firstSeenAt: Type.String({ format: 'date-time' }),
    lastSeenAt: Type.String({ format: 'date-time' }),
    eventCount: Type.Number(),
    channels: Type.Array(Channel),
    mergedFrom: Type.Array(Type.String(), {
      description: 'Ids of profiles merged into this one; they still resolve here',
    }),
  },
  { $id: 'Profile' },
);

export const TimelineEvent = Type.Object(
  {
    id: Type.String(),
    messageId: Type.String(),
    type: Type.String(),
    event: Type.Union([Type.String(), Type.Null()]),
    channel: Type.String(),
    touchpoint: Type.Union([Type.String(), Type.Null()]),
    timestamp: Type.String({ format: 'date-time' }),
    receivedAt: Type.String({ format: 'date-time' }),
    properties: Json,
    traits: Json,
    context: Json,
  },
  { $id: 'TimelineEvent' },
);

export const ProfileIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export const LookupQuery = Type.Object(
  {
    userId: Type.Optional(Type.String({ minLength: 1 })),
    anonymousId: Type.Optional(Type.String({ minLength: 1 })),
    email: Type.Optional(Type.String({ minLength: 1 })),
    phone: Type.Optional(Type.String({ minLength: 1 })),
    type: Type.Optional(Type.String({ minLength: 1, description: 'A custom identifier type, with value=' })),
    value: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type LookupQuery = Static<typeof LookupQuery>;

export const TimelineQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    before: Type.Optional(
      Type.String({ description: 'The `next` of the previous page, or an ISO-8601 date-time' }),
    ),
    channel: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Start of any identifier: email, phone (any digits), user id…',
      }),
    ),
    trait: Type.Optional(
      Type.String({ pattern: '^[^:]+:.*$', description: 'key:value, exact match on a trait' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 25 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const KeyCreateBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('write'), Type.Literal('secret')]),
    name: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);

export const ApiKey = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** OpenAPI security of the admin API: a secret key as Bearer token (or HTTP Basic username). */
export const ADMIN_SECURITY: Record<string, string[]>[] = [{ bearer: [] }, { basic: [] }];
/** OpenAPI security of ingestion: a write key as HTTP Basic username (Segment SDKs) or Bearer token. */
export const INGEST_SECURITY: Record<string, string[]>[] = [{ basic: [] }, { bearer: [] }];
