import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  defaultLanguageOf,
  localize,
  pickLanguage,
  type DomainError,
  type EndScreen,
  type Result,
  type Survey,
  type SurveyError,
  type SurveyLanguage,
} from '@omnicx/core';
import type { Engine, Respondent, ResponseResult } from '@omnicx/engine';
import { requireKey } from '../auth';
import { sendError, statusFor } from '../errors';
import { ErrorBody, INGEST_SECURITY } from '../schemas';
import { UI, publicSurvey, renderEnd, renderMessage, renderSurveyPage } from '../survey-page/render';

const WIDGET_JS = readFileSync(new URL('../survey-page/survey-widget.js', import.meta.url), 'utf8');

// ---- schemas ---------------------------------------------------------------------------------------------

const Answers = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'Every answer so far by question id: a number for NPS / CSAT / CES / rating, a choice id, a list of choice ids, or text',
});
const ResponseBody = Type.Object(
  {
    answers: Answers,
    through: Type.Optional(
      Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
        description:
          'The last question the respondent finished; omitted or null: the whole survey is finished (one-shot)',
      }),
    ),
    responseId: Type.Optional(Type.String({ maxLength: 64, description: 'The response to continue' })),
    resumeKey: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'Anonymous and widget responses: the key returned by the first save',
      }),
    ),
    anonymousId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
type ResponseBody = Static<typeof ResponseBody>;

const WidgetResponseBody = Type.Object(
  {
    writeKey: Type.Optional(Type.String()),
    answers: Answers,
    through: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    responseId: Type.Optional(Type.String({ maxLength: 64 })),
    resumeKey: Type.Optional(Type.String({ maxLength: 100 })),
    anonymousId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    lang: Type.Optional(Type.String({ maxLength: 20 })),
    url: Type.Optional(
      Type.String({
        maxLength: 2000,
        description: 'The page it was answered on (its path becomes the touchpoint)',
      }),
    ),
  },
  { additionalProperties: false },
);
type WidgetResponseBody = Static<typeof WidgetResponseBody>;

const DecideBody = Type.Object(
  {
    writeKey: Type.Optional(Type.String()),
    anonymousId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    type: Type.Union([Type.Literal('page'), Type.Literal('event')]),
    url: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'type page: the page URL' }),
    ),
    event: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'type event: the event name' }),
    ),
    lang: Type.Optional(
      Type.String({ maxLength: 20, description: 'The page language (e.g. navigator.language)' }),
    ),
  },
  { additionalProperties: false },
);
type DecideBody = Static<typeof DecideBody>;

const PublicEnd = Type.Object({
  id: Type.String(),
  title: Type.String(),
  body: Type.Union([Type.String(), Type.Null()]),
});
const ResponseSaved = Type.Object({
  responseId: Type.String(),
  resumeKey: Type.Optional(Type.String()),
  next: Type.Union([Type.String(), Type.Null()], {
    description: 'The question to show next; null when finished',
  }),
  end: Type.Union([PublicEnd, Type.Null()]),
  completed: Type.Boolean(),
});

const LangQuery = Type.Object(
  { lang: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: true },
);

// ---- helpers ---------------------------------------------------------------------------------------------

/** Security headers of every public page: the nonce admits only our inline style and script. */
function pageHeaders(reply: FastifyReply, nonce: string): FastifyReply {
  return (
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      )
      // The page URL holds a bearer token: never send it on as a Referer, never cache or index it.
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('x-robots-tag', 'noindex')
  );
}

const nonce = () => randomBytes(16).toString('base64');

// Where an anonymous page was opened from: `?channel=qr` on a printed QR code, `store`, `sms`… (a fixed list:
// the value lands in reports). Anything else is the web.
const PAGE_CHANNELS = new Set(['web', 'qr', 'store', 'email', 'sms', 'chat', 'social', 'app', 'phone']);
function channelOf(req: FastifyRequest): string {
  const c = (req.query as { channel?: unknown } | undefined)?.channel;
  return typeof c === 'string' && PAGE_CHANNELS.has(c) ? c : 'web';
}

function publicEnd(end: EndScreen | null, lang: SurveyLanguage) {
  return end
    ? { id: end.id, title: localize(end.title, lang), body: end.body ? localize(end.body, lang) : null }
    : null;
}

/** Form posts (no JS) arrive url-encoded: every field is a question id; checkboxes repeat. */
function formAnswers(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** Per-question messages of a refused save, for re-rendering the form. */
function errorsByQuestion(
  e: DomainError & { details?: unknown },
  lang: SurveyLanguage,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of (Array.isArray(e.details) ? e.details : []) as SurveyError[])
    if (d.questionId) out[d.questionId] = d.code === 'required' ? UI[lang].required : d.message;
  return out;
}

const pathOf = (url: string | undefined): string | null => {
  if (!url) return null;
  try {
    return new URL(url, 'http://x').pathname.slice(0, 200);
  } catch {
    return null;
  }
};

// ---- routes ----------------------------------------------------------------------------------------------

/**
 * The public side of surveys: the hosted page (personal link `/s/t/<token>` or anonymous `/s/<surveyId>`),
 * response saves from it, the on-site widget's decision and response endpoints (write key) and its script.
 * None needs the secret key; none reveals anything but the survey itself.
 */
export async function surveyPageRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const surveys = engine.surveys;

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 200_000 },
    (_req, body, done) => done(null, parseQuery(body as string)),
  );

  const sendSaved = (res: FastifyReply, r: Result<ResponseResult>, lang: SurveyLanguage) =>
    r.ok
      ? res.send({
          responseId: r.value.responseId,
          ...(r.value.resumeKey ? { resumeKey: r.value.resumeKey } : {}),
          next: r.value.next,
          end: publicEnd(r.value.end, lang),
          completed: r.value.completed,
        })
      : sendError(res, statusFor(r.error.code), r.error as DomainError & { details?: unknown });

  /** The language of a page: ?lang=, then the link's, then the profile's traits, then the survey's default. */
  const languageOf = (s: Survey, req: FastifyRequest, ...more: unknown[]) =>
    pickLanguage(s.definition, [(req.query as { lang?: string }).lang, ...more]);

  const linkError = (res: FastifyReply, code: string) => {
    const n = nonce();
    const lang: SurveyLanguage = 'en';
    const msg =
      code === 'link_expired'
        ? UI[lang].expired
        : code === 'survey_closed'
          ? UI[lang].closed
          : UI[lang].invalid;
    // The message in every language: an invalid link tells us nothing about whom it was for.
    const all = (['fa', 'ar', 'en'] as const)
      .map((l) =>
        code === 'link_expired' ? UI[l].expired : code === 'survey_closed' ? UI[l].closed : UI[l].invalid,
      )
      .join(' · ');
    return pageHeaders(res.code(code === 'link_expired' || code === 'survey_closed' ? 410 : 404), n).send(
      renderMessage(lang, code === 'invalid_link' ? all : msg, n),
    );
  };

  // ---- personal links (the token is a credential: these routes log at warn only, so it never reaches a log line)
  const quiet = { logLevel: 'warn' as const };

  app.get<{ Params: { token: string }; Querystring: Static<typeof LangQuery> }>(
    '/s/t/:token',
    { ...quiet, schema: { hide: true, querystring: LangQuery } },
    async (req, res) => {
      const o = await surveys.openLink(req.params.token);
      if (!o.ok) return linkError(res, o.error.code);
      const { survey, link, traits } = o.value;
      const lang = languageOf(survey, req, link.language, traits.locale, traits.language);
      const n = nonce();
      return pageHeaders(res, n).send(
        renderSurveyPage(survey, lang, { action: `/s/t/${req.params.token}`, nonce: n, anonymous: false }),
      );
    },
  );

  const linkRespond = async (
    token: string,
    body: ResponseBody | Record<string, unknown>,
    through: string | null,
    req: FastifyRequest,
  ) => {
    const o = await surveys.openLink(token);
    if (!o.ok) return { opened: o };
    const { workspaceId, survey, link, traits } = o.value;
    const lang = languageOf(survey, req, link.language, traits.locale, traits.language);
    const who: Respondent = { kind: 'link', link };
    const b = body as ResponseBody;
    const r = await surveys.respond(workspaceId, survey, who, {
      answers: 'answers' in b ? b.answers : body,
      through,
      language: lang,
      ...(b.responseId ? { responseId: b.responseId } : {}),
    });
    return { opened: o, r, lang, survey };
  };

  app.post<{ Params: { token: string }; Body: ResponseBody }>(
    '/s/t/:token/responses',
    {
      ...quiet,
      schema: {
        tags: ['surveys (public)'],
        summary: 'Save the answers given on a personal survey link so far',
        description:
          'Called by the hosted page after every question. Returns the next question (skip logic is decided here) or the end screen. One response per link unless the survey allows more (409 already_responded).',
        body: ResponseBody,
        response: { 200: ResponseSaved, '4xx': ErrorBody },
      },
    },
    async (req, res) => {
      const out = await linkRespond(req.params.token, req.body, req.body.through ?? null, req);
      if (!out.opened.ok)
        return sendError(res, out.opened.error.code === 'invalid_link' ? 404 : 410, out.opened.error);
      return sendSaved(res, out.r!, out.lang!);
    },
  );

  // The no-JS form post: every answer at once.
  app.post<{ Params: { token: string } }>(
    '/s/t/:token',
    { ...quiet, schema: { hide: true } },
    async (req, res) => {
      const out = await linkRespond(req.params.token, formAnswers(req.body), null, req);
      if (!out.opened.ok) return linkError(res, out.opened.error.code);
      const n = nonce();
      const r = out.r!;
      if (r.ok) return pageHeaders(res, n).send(renderEnd(out.lang!, r.value.end!, n));
      if (r.error.code === 'already_responded')
        return pageHeaders(res.code(409), n).send(renderMessage(out.lang!, UI[out.lang!].closed, n));
      return pageHeaders(res.code(400), n).send(
        renderSurveyPage(out.survey!, out.lang!, {
          action: `/s/t/${req.params.token}`,
          nonce: n,
          anonymous: false,
          errors: errorsByQuestion(r.error, out.lang!),
        }),
      );
    },
  );

  // ---- anonymous surveys
  app.get<{ Params: { surveyId: string }; Querystring: Static<typeof LangQuery> }>(
    '/s/:surveyId',
    { schema: { hide: true, querystring: LangQuery } },
    async (req, res) => {
      const o = await surveys.openAnonymous(req.params.surveyId);
      const n = nonce();
      if (!o.ok)
        return pageHeaders(res.code(404), n).send(
          renderMessage('en', (['fa', 'ar', 'en'] as const).map((l) => UI[l].notFound).join(' · '), n),
        );
      const lang = languageOf(o.value.survey, req, ...(req.headers['accept-language'] ?? '').split(','));
      const channel = channelOf(req);
      return pageHeaders(res, n).send(
        renderSurveyPage(o.value.survey, lang, {
          action: `/s/${o.value.survey.id}`,
          nonce: n,
          anonymous: true,
          ...(channel === 'web' ? {} : { query: `?channel=${channel}` }),
        }),
      );
    },
  );

  const anonymousRespond = async (
    surveyId: string,
    body: ResponseBody,
    through: string | null,
    req: FastifyRequest,
  ) => {
    const o = await surveys.openAnonymous(surveyId);
    if (!o.ok) return { opened: o };
    const { workspaceId, survey } = o.value;
    const lang = languageOf(
      survey,
      req,
      ...(req.headers['accept-language'] ?? '').split(','),
      defaultLanguageOf(survey.definition),
    );
    const r = await surveys.respond(
      workspaceId,
      survey,
      { kind: 'anonymous', anonymousId: body.anonymousId ?? null, userId: null },
      {
        answers: body.answers,
        through,
        language: lang,
        channel: channelOf(req),
        ...(body.responseId ? { responseId: body.responseId } : {}),
        ...(body.resumeKey ? { resumeKey: body.resumeKey } : {}),
      },
    );
    return { opened: o, r, lang, survey };
  };

  app.post<{ Params: { surveyId: string }; Body: ResponseBody }>(
    '/s/:surveyId/responses',
    {
      schema: {
        tags: ['surveys (public)'],
        summary: 'Save the answers given on an anonymous survey page so far',
        description:
          'For surveys with settings.anonymous. The first save returns a resumeKey; later saves of the same response send responseId and resumeKey.',
        body: ResponseBody,
        response: { 200: ResponseSaved, '4xx': ErrorBody },
      },
    },
    async (req, res) => {
      const out = await anonymousRespond(req.params.surveyId, req.body, req.body.through ?? null, req);
      if (!out.opened.ok) return sendError(res, 404, out.opened.error);
      return sendSaved(res, out.r!, out.lang!);
    },
  );

  app.post<{ Params: { surveyId: string } }>('/s/:surveyId', { schema: { hide: true } }, async (req, res) => {
    const answers = formAnswers(req.body);
    const out = await anonymousRespond(req.params.surveyId, { answers }, null, req);
    const n = nonce();
    if (!out.opened.ok) return pageHeaders(res.code(404), n).send(renderMessage('en', UI.en.notFound, n));
    const r = out.r!;
    if (r.ok) return pageHeaders(res, n).send(renderEnd(out.lang!, r.value.end!, n));
    return pageHeaders(res.code(400), n).send(
      renderSurveyPage(out.survey!, out.lang!, {
        action: `/s/${req.params.surveyId}`,
        nonce: n,
        anonymous: true,
        errors: errorsByQuestion(r.error, out.lang!),
      }),
    );
  });

  // ---- the on-site widget (write key; called cross-origin from the brand's site)
  app.get('/survey-widget.js', { schema: { hide: true } }, async (_req, res) =>
    res
      .header('content-type', 'application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(WIDGET_JS),
  );

  await app.register(async (widget) => {
    // analytics.js-style beacons send JSON as text/plain to avoid a CORS preflight.
    widget.removeContentTypeParser('text/plain');
    widget.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (e) {
        done(
          Object.assign(e as Error, { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }),
          undefined,
        );
      }
    });
    widget.addHook('onRequest', async (_req, res) => {
      res.header('access-control-allow-origin', '*');
      res.header('access-control-allow-headers', 'authorization, content-type');
      res.header('access-control-allow-methods', 'POST, OPTIONS');
      res.header('access-control-max-age', '600');
    });
    widget.options('/v1/surveys/*', { schema: { hide: true } }, async (_req, res) => res.code(204).send());
    const auth = requireKey({ keys: engine.keys, kinds: ['write', 'secret'], allowBodyKey: true });

    widget.post<{ Body: DecideBody }>(
      '/v1/surveys/decide',
      {
        preHandler: auth,
        schema: {
          tags: ['surveys (public)'],
          summary: 'On-site widget: which survey to show this visitor now',
          description:
            'Applies targeting (event or page trigger, segment, sampling) and fatigue rules (recontact days, max displays, the workspace cooldown). A shown survey is recorded as a display. `survey` is the survey in one language, or null; `skipped` says why other surveys were not shown.',
          security: INGEST_SECURITY,
          body: DecideBody,
          response: {
            200: Type.Object({
              survey: Type.Union([Type.Unknown(), Type.Null()]),
              displayId: Type.Union([Type.String(), Type.Null()]),
              skipped: Type.Array(Type.Object({ surveyId: Type.String(), reason: Type.String() })),
            }),
            '4xx': ErrorBody,
          },
        },
      },
      async (req, res) => {
        const b = req.body;
        if (b.type === 'page' && !b.url)
          return sendError(res, 400, {
            code: 'invalid_field',
            field: 'url',
            message: 'url is required when type is page',
          });
        if (b.type === 'event' && !b.event)
          return sendError(res, 400, {
            code: 'invalid_field',
            field: 'event',
            message: 'event is required when type is event',
          });
        const r = await surveys.decideWidget(req.principal!.workspaceId, {
          userId: b.userId ?? null,
          anonymousId: b.anonymousId ?? null,
          context: b.type === 'page' ? { type: 'page', url: b.url! } : { type: 'event', event: b.event! },
          lang: b.lang ?? null,
        });
        if (!r.ok) return sendError(res, statusFor(r.error.code), r.error);
        const { survey, language, displayId, skipped } = r.value;
        return { survey: survey && language ? publicSurvey(survey, language) : null, displayId, skipped };
      },
    );

    widget.post<{ Params: { surveyId: string }; Body: WidgetResponseBody }>(
      '/v1/surveys/:surveyId/responses',
      {
        preHandler: auth,
        schema: {
          tags: ['surveys (public)'],
          summary: 'On-site widget: save the answers so far',
          security: INGEST_SECURITY,
          body: WidgetResponseBody,
          response: { 200: ResponseSaved, '4xx': ErrorBody },
        },
      },
      async (req, res) => {
        const b = req.body;
        if (!b.anonymousId && !b.userId)
          return sendError(res, 400, {
            code: 'invalid_field',
            field: 'anonymousId',
            message: 'send anonymousId or userId',
          });
        const s = await surveys.openInWorkspace(req.principal!.workspaceId, req.params.surveyId);
        if (!s.ok) return sendError(res, 404, s.error);
        const lang = pickLanguage(s.value.definition, [b.lang]);
        const r = await surveys.respond(
          req.principal!.workspaceId,
          s.value,
          { kind: 'widget', anonymousId: b.anonymousId ?? null, userId: b.userId ?? null },
          {
            answers: b.answers,
            through: b.through ?? null,
            language: lang,
            channel: 'web',
            touchpoint: pathOf(b.url),
            ...(b.responseId ? { responseId: b.responseId } : {}),
            ...(b.resumeKey ? { resumeKey: b.resumeKey } : {}),
          },
        );
        return sendSaved(res, r, lang);
      },
    );
  });
}
