import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { generateVapidKeys, smsLength } from '@omnicx/channels';
import type { Engine } from '@omnicx/engine';
import type { DeliveryRecord, TemplateRecord } from '@omnicx/store';
import { replyWith, sendError } from '../errors';
import { ADMIN_SECURITY, ErrorBody } from '../schemas';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Locale = Type.Union([Type.Literal('fa'), Type.Literal('ar'), Type.Literal('en')]);
const Category = Type.Union([Type.Literal('marketing'), Type.Literal('transactional')]);
const Channel = Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('push')]);

const VARIANTS =
  'Per locale (fa, ar, en) the forms of each channel: {"fa":{"email":{"subject","html","text"?,"preheader"?},"sms":{"text"},"push":{"title","body","url"?,"icon"?}},"en":{…}}. Liquid (sandboxed): {{ profile.traits.first_name }}, {{ event.total | money }}, {% include "shipping-terms" %}, {{ unsubscribe_url }}. The variant is chosen from the profile\'s locale/language trait with a fallback to defaultLocale, then en. fa/ar email is laid out right-to-left.';

const TemplateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    category: Type.Optional(Category),
    group: Type.Optional(
      Nullable(Type.String({ maxLength: 64, description: 'Subscription group of a marketing message' })),
    ),
    defaultLocale: Type.Optional(Nullable(Locale)),
    variants: Type.Record(Type.String(), Type.Unknown(), { description: VARIANTS }),
  },
  { additionalProperties: false },
);
type TemplateBody = Static<typeof TemplateBody>;

const Template = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  category: Category,
  group: Nullable(Type.String()),
  defaultLocale: Nullable(Type.String()),
  variants: Type.Record(Type.String(), Type.Unknown()),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
const templateView = (t: TemplateRecord) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  category: t.category,
  group: t.groupId,
  defaultLocale: t.defaultLocale,
  variants: t.variants,
  version: t.version,
  createdAt: new Date(t.createdAt).toISOString(),
  updatedAt: new Date(t.updatedAt).toISOString(),
});

const PreviewBody = Type.Object(
  {
    profileId: Type.Optional(Type.String({ maxLength: 128 })),
    locale: Type.Optional(Locale),
    event: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    vars: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    channels: Type.Optional(Type.Array(Channel)),
    template: Type.Optional(TemplateBody),
  },
  { additionalProperties: false },
);
type PreviewBody = Static<typeof PreviewBody>;

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
type IdParams = Static<typeof IdParams>;
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });
type NameParams = Static<typeof NameParams>;
const ChannelParams = Type.Object({ channel: Channel });
type ChannelParams = Static<typeof ChannelParams>;

const Labels = Type.Record(
  Type.String(),
  Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String()),
  }),
  { description: 'Per locale: {"fa":{"name","description"?},"en":{…}}' },
);
const GroupBody = Type.Object(
  {
    channel: Channel,
    mode: Type.Union([Type.Literal('opt_in'), Type.Literal('opt_out')], {
      description: 'opt_in: only those who subscribed receive it; opt_out: everyone who did not unsubscribe',
    }),
    labels: Labels,
  },
  { additionalProperties: false },
);
type GroupBody = Static<typeof GroupBody>;

const ConsentBody = Type.Object(
  {
    channel: Channel,
    group: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    state: Type.Union([Type.Literal('subscribed'), Type.Literal('unsubscribed')]),
    reason: Type.Optional(
      Type.Union([
        Type.Literal('unsubscribed'),
        Type.Literal('hard_bounce'),
        Type.Literal('complaint'),
        Type.Literal('manual'),
        Type.Literal('opt_in'),
      ]),
    ),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Default "api"' })),
  },
  { additionalProperties: false },
);
type ConsentBody = Static<typeof ConsentBody>;

const PushSubscriptionBody = Type.Object(
  {
    endpoint: Type.String({ minLength: 8, maxLength: 2000 }),
    keys: Type.Object({ p256dh: Type.String({ minLength: 1 }), auth: Type.String({ minLength: 1 }) }),
  },
  { additionalProperties: false },
);
type PushSubscriptionBody = Static<typeof PushSubscriptionBody>;

const ProviderEventBody = Type.Object(
  {
    deliveryId: Type.Optional(Type.String({ maxLength: 128 })),
    providerMessageId: Type.Optional(Type.String({ maxLength: 300 })),
    type: Type.Union([
      Type.Literal('delivered'),
      Type.Literal('bounced'),
      Type.Literal('complained'),
      Type.Literal('replied'),
    ]),
    hard: Type.Optional(
      Type.Boolean({ description: 'bounced: a hard bounce (default true) closes the channel' }),
    ),
    detail: Type.Optional(Type.String({ maxLength: 1000 })),
    text: Type.Optional(Type.String({ maxLength: 10000, description: 'replied: the reply' })),
  },
  { additionalProperties: false },
);
type ProviderEventBody = Static<typeof ProviderEventBody>;

const deliveryView = (d: DeliveryRecord) => ({
  id: d.id,
  profileId: d.profileId,
  channel: d.channel,
  category: d.category,
  template: d.templateId,
  group: d.groupId,
  processId: d.processId,
  instanceId: d.instanceId,
  node: d.node,
  status: d.status,
  reason: d.reason,
  locale: d.locale,
  provider: d.provider,
  providerMessageId: d.providerMessageId,
  createdAt: new Date(d.createdAt).toISOString(),
  openedAt: d.openedAt === null ? null : new Date(d.openedAt).toISOString(),
  clickedAt: d.clickedAt === null ? null : new Date(d.clickedAt).toISOString(),
});

/**
 * Templates and content blocks, channel providers and the sending policy, subscription groups, consent,
 * push subscriptions, deliveries and provider feedback (issue 5).
 */
export async function messagingRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const m = opts.engine.messaging;
  const security = ADMIN_SECURITY;
  const errors = { '4xx': ErrorBody };
  const ws = (req: { principal?: { workspaceId: string } }) => req.principal!.workspaceId;
  const same = (v: unknown) => v;

  // ---- templates
  {
    const tags = ['templates'];
    app.get(
      '/api/v1/templates',
      {
        schema: {
          tags,
          security,
          summary: 'Message templates',
          response: { 200: Type.Object({ templates: Type.Array(Template) }), ...errors },
        },
      },
      async (req) => ({ templates: (await m.listTemplates(ws(req))).map(templateView) }),
    );
    app.post<{ Body: TemplateBody }>(
      '/api/v1/templates',
      {
        schema: {
          tags,
          security,
          summary: 'Create a template',
          description:
            'Every variant is checked: a Liquid syntax error, unknown filter or missing block is a 400 naming the line. ' +
            VARIANTS,
          body: TemplateBody,
          response: { 201: Template, ...errors },
        },
      },
      async (req, res) => replyWith(templateView, 201)(await m.putTemplate(ws(req), req.body), res),
    );
    app.get<{ Params: IdParams }>(
      '/api/v1/templates/:id',
      {
        schema: {
          tags,
          security,
          summary: 'One template',
          params: IdParams,
          response: { 200: Template, ...errors },
        },
      },
      async (req, res) => replyWith(templateView)(await m.getTemplate(ws(req), req.params.id), res),
    );
    app.put<{ Params: IdParams; Body: TemplateBody }>(
      '/api/v1/templates/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Replace a template (version + 1)',
          params: IdParams,
          body: TemplateBody,
          response: { 200: Template, ...errors },
        },
      },
      async (req, res) => replyWith(templateView)(await m.putTemplate(ws(req), req.body, req.params.id), res),
    );
    app.delete<{ Params: IdParams }>(
      '/api/v1/templates/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Delete a template',
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, res) => {
        const r = await m.deleteTemplate(ws(req), req.params.id);
        return r.ok ? res.status(204).send() : replyWith(same)(r, res);
      },
    );
    const previewSchema = {
      tags,
      security,
      summary: 'Render a template for a profile (or sample data) in a locale',
      description:
        'Answers every channel form rendered, with the SMS length and segment count, and every problem (missing variables with their line) in errors. POST /api/v1/templates/preview takes an unsaved template in `template`.',
      body: PreviewBody,
      response: { 200: Type.Unknown(), ...errors },
    };
    const preview = async (workspaceId: string, templateId: string | undefined, b: PreviewBody) =>
      m.preview(workspaceId, {
        ...(templateId ? { templateId } : {}),
        ...(b.template ? { template: b.template } : {}),
        ...(b.profileId ? { profileId: b.profileId } : {}),
        ...(b.locale ? { locale: b.locale } : {}),
        ...(b.event ? { event: b.event } : {}),
        ...(b.vars ? { vars: b.vars } : {}),
        ...(b.channels ? { channels: b.channels } : {}),
      });
    app.post<{ Body: PreviewBody }>(
      '/api/v1/templates/preview',
      { schema: previewSchema },
      async (req, res) => replyWith(same)(await preview(ws(req), undefined, req.body), res),
    );
    app.post<{ Params: IdParams; Body: PreviewBody }>(
      '/api/v1/templates/:id/preview',
      { schema: { ...previewSchema, params: IdParams } },
      async (req, res) => replyWith(same)(await preview(ws(req), req.params.id, req.body), res),
    );
    const TestBody = Type.Object(
      {
        channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
        to: Type.String({
          minLength: 3,
          maxLength: 320,
          description: 'An email address or an E.164 phone number',
        }),
        profileId: Type.Optional(Type.String({ maxLength: 128 })),
        locale: Type.Optional(Locale),
      },
      { additionalProperties: false },
    );
    app.post<{ Params: IdParams; Body: Static<typeof TestBody> }>(
      '/api/v1/templates/:id/test-send',
      {
        schema: {
          tags,
          security,
          summary: 'Send a template to an address now, as a test',
          description:
            'Rendered with the chosen profile (or sample data); the subject says [Test]. No consent, caps or quiet hours apply; nothing is recorded on a profile.',
          params: IdParams,
          body: TestBody,
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req, res) => {
        const r = await m.testSend(ws(req), { templateId: req.params.id, ...req.body });
        if (r.ok) return { sent: true, providerMessageId: r.providerMessageId ?? null };
        return sendError(res, r.code === 'not_found' ? 404 : r.retryable ? 502 : 400, {
          code: r.code,
          message: r.message,
        });
      },
    );
    const SmsLengthBody = Type.Object(
      { text: Type.String({ maxLength: 10000 }) },
      { additionalProperties: false },
    );
    app.post<{ Body: Static<typeof SmsLengthBody> }>(
      '/api/v1/templates/sms-length',
      {
        schema: {
          tags,
          security,
          summary: 'Characters and segments of an SMS text',
          description:
            'GSM-7 text: 160 characters in one segment, 153 per segment when concatenated; Unicode (Persian, Arabic): 70 and 67.',
          body: SmsLengthBody,
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req) => smsLength(req.body.text),
    );
  }

  // ---- content blocks
  {
    const tags = ['templates'];
    const Block = Type.Object({
      name: Type.String(),
      description: Nullable(Type.String()),
      variants: Type.Record(Type.String(), Type.String()),
      updatedAt: Type.String({ format: 'date-time' }),
    });
    const blockView = (b: {
      name: string;
      description: string | null;
      variants: Record<string, string>;
      updatedAt: number;
    }) => ({
      ...b,
      updatedAt: new Date(b.updatedAt).toISOString(),
    });
    app.get(
      '/api/v1/content-blocks',
      {
        schema: {
          tags,
          security,
          summary: 'Content blocks shared by templates',
          response: { 200: Type.Object({ blocks: Type.Array(Block) }), ...errors },
        },
      },
      async (req) => ({ blocks: (await m.listBlocks(ws(req))).map(blockView) }),
    );
    const BlockBody = Type.Object(
      {
        description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
        variants: Type.Record(Type.String(), Type.String({ maxLength: 20000 }), {
          description: 'The block per locale: {"fa":"…","ar":"…","en":"…"} (Liquid allowed)',
        }),
      },
      { additionalProperties: false },
    );
    app.put<{ Params: NameParams; Body: Static<typeof BlockBody> }>(
      '/api/v1/content-blocks/:name',
      {
        schema: {
          tags,
          security,
          summary: 'Create or replace a content block',
          params: NameParams,
          body: BlockBody,
          response: { 200: Block, ...errors },
        },
      },
      async (req, res) => replyWith(blockView)(await m.putBlock(ws(req), req.params.name, req.body), res),
    );
    app.delete<{ Params: NameParams }>(
      '/api/v1/content-blocks/:name',
      {
        schema: {
          tags,
          security,
          summary: 'Delete a content block',
          params: NameParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, res) => {
        const r = await m.deleteBlock(ws(req), req.params.name);
        return r.ok ? res.status(204).send() : replyWith(same)(r, res);
      },
    );
  }

  // ---- channels and policy
  {
    const tags = ['channels'];
    app.get(
      '/api/v1/channels',
      {
        schema: {
          tags,
          security,
          summary: 'Configured channel providers (secrets shown as "[set]")',
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req) => ({ channels: await m.channelSettings(ws(req)) }),
    );
    const POLICY =
      '{"quietHours"?:{"start":"21:00","end":"08:00","channels"?:["sms","push"],"transactional"?:false},"caps"?:[{"channel":"email"|"sms"|"push"|"*","category"?:"marketing","max":3,"windowHours":168}],"defaultTimeZone"?:"Asia/Tehran"}. Quiet hours are read in the profile\'s `timezone` trait; a message in quiet hours waits until they end. A capped message is suppressed and recorded.';
    app.get(
      '/api/v1/channels/policy',
      {
        schema: {
          tags,
          security,
          summary: 'Quiet hours and frequency caps',
          description: POLICY,
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req) => m.policy(ws(req)),
    );
    app.put<{ Body: Record<string, unknown> }>(
      '/api/v1/channels/policy',
      {
        schema: {
          tags,
          security,
          summary: 'Set quiet hours and frequency caps',
          description: POLICY,
          body: Type.Object(
            {
              quietHours: Type.Optional(
                Type.Object(
                  {
                    start: Type.String(),
                    end: Type.String(),
                    channels: Type.Optional(Type.Array(Channel)),
                    transactional: Type.Optional(Type.Boolean()),
                  },
                  { additionalProperties: false },
                ),
              ),
              caps: Type.Optional(
                Type.Array(
                  Type.Object(
                    {
                      channel: Type.Union([Channel, Type.Literal('*')]),
                      category: Type.Optional(Category),
                      max: Type.Integer({ minimum: 1 }),
                      windowHours: Type.Number({ exclusiveMinimum: 0 }),
                    },
                    { additionalProperties: false },
                  ),
                ),
              ),
              defaultTimeZone: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req, res) => replyWith(same)(await m.setPolicy(ws(req), req.body), res),
    );
    app.post(
      '/api/v1/channels/push/vapid',
      {
        schema: {
          tags,
          security,
          summary: 'Generate a VAPID key pair for web push',
          description:
            'Answers the keys once; store them with PUT /api/v1/channels/push {"vapid":{"subject","publicKey","privateKey"}}.',
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async () => generateVapidKeys(),
    );
    app.put<{ Params: ChannelParams; Body: Record<string, unknown> }>(
      '/api/v1/channels/:channel',
      {
        schema: {
          tags,
          security,
          summary: 'Configure a channel provider',
          description:
            'email: {"smtp":{"host","port","secure"?,"ignoreTLS"?,"auth"?:{"user","pass"}},"from","replyTo"?,"dkim"?:{"domainName","keySelector","privateKey"},"unsubscribeMailto"?,"tracking"?:{"opens"?,"clicks"?},"rate"?:{"perSecond"}}. sms: {"provider":"twilio","accountSid","authToken","from"?} | {"provider":"kavenegar","apiKey","sender"?} | {"provider":"http","url","headers"?,"body"?,"messageIdPath"?,"from"?}, plus "rate"?. push: {"vapid":{"subject","publicKey","privateKey"}}. Secrets are never returned; send "[set]" to keep a stored secret.',
          params: ChannelParams,
          body: Type.Record(Type.String(), Type.Unknown()),
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req, res) =>
        replyWith(same)(await m.putChannelSettings(ws(req), req.params.channel, req.body), res),
    );
    app.delete<{ Params: ChannelParams }>(
      '/api/v1/channels/:channel',
      {
        schema: {
          tags,
          security,
          summary: 'Remove a channel provider',
          params: ChannelParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, res) => {
        const r = await m.deleteChannelSettings(ws(req), req.params.channel);
        return r.ok ? res.status(204).send() : replyWith(same)(r, res);
      },
    );
    app.post<{ Body: ProviderEventBody }>(
      '/api/v1/channels/events',
      {
        schema: {
          tags,
          security,
          summary: "A provider's report on a message: delivered, bounced, complained, replied",
          description:
            'Name the message by deliveryId (the outbox effect id) or the providerMessageId the provider gave. A hard bounce closes the channel; a complaint closes its marketing. Each becomes a Message Delivered / Bounced / Complained / Replied event on the profile.',
          body: ProviderEventBody,
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req, res) => {
        if (!req.body.deliveryId && !req.body.providerMessageId)
          return sendError(res, 400, {
            code: 'invalid_field',
            field: 'deliveryId',
            message: 'give deliveryId or providerMessageId',
          });
        return replyWith(deliveryView)(await m.providerEvent(ws(req), req.body), res);
      },
    );
    const DeliveriesQuery = Type.Object({
      profileId: Type.Optional(Type.String({ maxLength: 128 })),
      before: Type.Optional(Type.String({ maxLength: 128 })),
      limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    });
    app.get<{ Querystring: Static<typeof DeliveriesQuery> }>(
      '/api/v1/deliveries',
      {
        schema: {
          tags,
          security,
          summary: 'Messages sent or held back, newest first',
          querystring: DeliveriesQuery,
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req) => {
        const rows = await m.deliveries(ws(req), {
          limit: req.query.limit,
          ...(req.query.profileId ? { profileId: req.query.profileId } : {}),
          ...(req.query.before ? { before: req.query.before } : {}),
        });
        return {
          deliveries: rows.map(deliveryView),
          next: rows.length === req.query.limit ? rows[rows.length - 1]!.id : null,
        };
      },
    );
  }

  // ---- consent
  {
    const tags = ['consent'];
    app.get(
      '/api/v1/consent/groups',
      {
        schema: {
          tags,
          security,
          summary: 'Subscription groups',
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req) => ({ groups: await m.listGroups(ws(req)) }),
    );
    app.put<{ Params: IdParams; Body: GroupBody }>(
      '/api/v1/consent/groups/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Create or change a subscription group',
          params: IdParams,
          body: GroupBody,
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req, res) => replyWith(same)(await m.putGroup(ws(req), req.params.id, req.body), res),
    );
    app.delete<{ Params: IdParams }>(
      '/api/v1/consent/groups/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Delete a subscription group',
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, res) => {
        const r = await m.deleteGroup(ws(req), req.params.id);
        return r.ok ? res.status(204).send() : replyWith(same)(r, res);
      },
    );
    app.get<{ Params: IdParams }>(
      '/api/v1/profiles/:id/consent',
      {
        schema: {
          tags,
          security,
          summary: "A profile's consent per channel and group",
          params: IdParams,
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req, res) => replyWith(same)(await m.consent(ws(req), req.params.id), res),
    );
    app.put<{ Params: IdParams; Body: ConsentBody }>(
      '/api/v1/profiles/:id/consent',
      {
        schema: {
          tags,
          security,
          summary: "Change a profile's consent on a channel or group",
          description:
            'Recorded as a Consent Changed event with its source (default "api"). Without group: the whole channel (reason manual closes it to transactional messages too).',
          params: IdParams,
          body: ConsentBody,
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (req, res) => {
        const r = await m.setConsent(ws(req), req.params.id, {
          channel: req.body.channel,
          group: req.body.group ?? null,
          state: req.body.state,
          ...(req.body.reason ? { reason: req.body.reason } : {}),
          source: req.body.source ?? 'api',
        });
        if (!r.ok) return replyWith(same)(r, res);
        return replyWith(same)(await m.consent(ws(req), req.params.id), res);
      },
    );
    app.post<{ Params: IdParams; Body: PushSubscriptionBody }>(
      '/api/v1/profiles/:id/push-subscriptions',
      {
        schema: {
          tags,
          security,
          summary: "Store a browser's push subscription for a profile",
          description: 'The body is PushSubscription.toJSON() from the browser.',
          params: IdParams,
          body: PushSubscriptionBody,
          response: { 201: Type.Unknown(), ...errors },
        },
      },
      async (req, res) =>
        replyWith(same, 201)(await m.addPushSubscription(ws(req), req.params.id, req.body), res),
    );
  }
}
