import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ANONYMOUS_ID,
  DEFAULT_WORKSPACE_SURVEY_SETTINGS,
  FEEDBACK_ALERT,
  SURVEY_RESPONDED,
  USER_ID,
  computeMetric,
  decideWidget,
  defaultTextAnalyzer,
  fnv1a32,
  metricBreakdown,
  metricSeries,
  npsAnswer,
  responseAlerts,
  responseEventProperties,
  responseRate,
  scaleObservations,
  pickLanguage,
  toCsv,
  toSurveyLanguage,
  validateSurvey,
  validateWorkspaceSurveySettings,
  walkSurvey,
  type BucketInterval,
  type DomainError,
  type EndScreen,
  type MetricKind,
  type MetricResult,
  type Result,
  type StoredAnswer,
  type Survey,
  type SurveyError,
  type SurveyLanguage,
  type TextAnalyzer,
  type WidgetContext,
  type WorkspaceSurveySettings,
} from '@omnicx/core';
import type {
  FollowupEntry,
  ResponseFilter,
  Store,
  StoreTx,
  SurveyLinkRecord,
  SurveyRecord,
  SurveyResponseRecord,
  TimeCursor,
} from '@omnicx/store';
import type { Clock } from './ports';
import type { Pipeline } from './pipeline';
import { newId } from './ids';
import { systemTrack, type EventSubject } from './survey-events';
import { analysisToStore } from './feedback';

const DAY = 86_400_000;

const fail = (code: string, message: string, field?: string, details?: unknown): Result<never> => ({
  ok: false,
  error: { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) } as DomainError,
});

/** Core's survey errors as one API error: the first one's code and message, all of them in details. */
export function surveyErrors(errors: SurveyError[]): Result<never> {
  const first = errors[0]!;
  return fail(first.code, first.message, first.field, errors);
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Input of a new survey (validated by core). */
export interface SurveyInput {
  name: string;
  status?: 'draft' | 'active' | 'closed';
  definition: unknown;
  settings?: unknown;
}

/** A personal link as handed out. The token is a bearer credential: never log it. */
export interface SurveyLink {
  linkId: string;
  token: string;
  /** Path on the omnicx server: `/s/t/<token>`. */
  path: string;
  expiresAt: number;
  language: SurveyLanguage;
}

/** Who is answering. */
export type Respondent =
  | { kind: 'link'; link: SurveyLinkRecord }
  | {
      kind: 'anonymous' | 'widget';
      anonymousId: string | null;
      userId: string | null;
      /** Set by the service for widget respondents it resolved to a profile. */
      profileId?: string | null;
    };

/** One save of a response: every answer so far and the last question the respondent finished. */
export interface ResponseInput {
  answers: unknown;
  /** Null: the respondent finished the survey (a one-shot form post). */
  through: string | null;
  language: SurveyLanguage;
  /** The response to continue (anonymous and widget respondents also present its resume key). */
  responseId?: string;
  resumeKey?: string;
  channel?: string;
  touchpoint?: string | null;
}

export interface ResponseResult {
  responseId: string;
  /** Only on the first save of an anonymous or widget response: the key to continue it. */
  resumeKey?: string;
  next: string | null;
  end: EndScreen | null;
  completed: boolean;
  /** Answers dropped because skip logic jumped over their questions. */
  dropped: string[];
}

/** Options of a metrics query. */
export interface MetricsQuery {
  question?: string;
  from?: number;
  to?: number;
  interval?: BucketInterval;
  by?: 'segment' | 'persona' | 'touchpoint' | 'channel';
  utcOffsetMinutes?: number;
  weekStart?: number;
  calendar?: 'gregorian' | 'persian';
}

export interface MetricsReport {
  surveyId: string;
  question: { id: string; type: string };
  metric: MetricKind;
  from: number;
  to: number;
  overall: MetricResult;
  responseRate: ReturnType<typeof responseRate>;
  series?: { start: number; result: MetricResult }[];
  breakdown?: { group: string; label: string; result: MetricResult }[];
}

const asSurvey = (r: SurveyRecord): Survey => ({
  id: r.id,
  name: r.name,
  status: r.status,
  version: r.version,
  definition: r.definition as Survey['definition'],
  settings: (r.settings ?? {}) as Survey['settings'],
});

/** The workspace's link-signing secret (created on first use). */
async function linkSecret(db: Pick<StoreTx, 'surveys'>, workspaceId: string, now: number): Promise<Buffer> {
  const s = await db.surveys.secret(workspaceId, randomBytes(32).toString('base64url'), now);
  return Buffer.from(s, 'base64url');
}

/**
 * The signature of a link: HMAC-SHA256 with the workspace's secret over workspace, survey, profile, link
 * and expiry, truncated to 128 bits. The token is `<linkId>.<signature>`: it binds all five without
 * carrying them in readable form (so a link reveals no ids) and stays short enough for a URL path segment.
 */
async function signSurveyLink(
  db: Pick<StoreTx, 'surveys'>,
  workspaceId: string,
  l: SurveyLinkRecord,
  now: number,
): Promise<string> {
  return createHmac('sha256', await linkSecret(db, workspaceId, now))
    .update(`omnicx-survey-link/1|${workspaceId}|${l.surveyId}|${l.profileId}|${l.id}|${l.expiresAt}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/**
 * Issues a signed personal link (SurveyService.linkFor; automation's `send_message` with a `survey`, inside
 * its transaction). The language is `lang`, else the profile's `locale` / `language` trait, else the
 * survey's default.
 */
export async function issueSurveyLink(
  db: Pick<StoreTx, 'surveys' | 'profiles'>,
  workspaceId: string,
  surveyId: string,
  profileId: string,
  now: number,
  opts: { lang?: string; channel?: string; touchpoint?: string | null; ttlDays?: number } = {},
): Promise<Result<SurveyLink>> {
  const rec = await db.surveys.get(workspaceId, surveyId);
  if (!rec) return fail('not_found', `survey ${surveyId} does not exist`);
  if (rec.status !== 'active')
    return fail('conflict', `survey ${surveyId} is ${rec.status}: activate it before sending links`);
  const survey = asSurvey(rec);
  const profile = await db.profiles.get(workspaceId, profileId);
  if (!profile) return fail('not_found', `profile ${profileId} does not exist`, 'profileId');
  let language: SurveyLanguage;
  if (opts.lang !== undefined) {
    const l = toSurveyLanguage(opts.lang);
    if (!l || !survey.definition.languages.includes(l))
      return fail(
        'invalid_field',
        `lang must be one of the survey's languages (${survey.definition.languages.join(', ')})`,
        'lang',
      );
    language = l;
  } else language = pickLanguage(survey.definition, [profile.traits.locale, profile.traits.language]);
  const ttl = opts.ttlDays ?? survey.settings.linkTtlDays ?? 30;
  const link: SurveyLinkRecord = {
    id: newId('slk'),
    surveyId,
    profileId: profile.id,
    language,
    channel: opts.channel ?? 'email',
    touchpoint: opts.touchpoint ?? null,
    createdAt: now,
    expiresAt: now + ttl * DAY,
  };
  await db.surveys.insertLink(workspaceId, link);
  const token = `${link.id}.${await signSurveyLink(db, workspaceId, link, now)}`;
  return {
    ok: true,
    value: { linkId: link.id, token, path: `/s/t/${token}`, expiresAt: link.expiresAt, language },
  };
}

/**
 * Surveys (issue 6): definitions validated by core, signed personal links, anonymous and widget access,
 * responses saved after every question (partial ones kept) that become `Survey Responded` events on the
 * profile, closed-loop `Feedback Alert` events, follow-up status, metrics and exports.
 */
export class SurveyService {
  constructor(
    private readonly store: Store,
    private readonly pipeline: Pipeline,
    private readonly clock: Clock,
    private readonly analyzer: TextAnalyzer = defaultTextAnalyzer,
  ) {}

  // ---- definitions -------------------------------------------------------------------------------------

  list(workspaceId: string): Promise<SurveyRecord[]> {
    return this.store.surveys.list(workspaceId);
  }

  async get(workspaceId: string, id: string): Promise<Result<SurveyRecord>> {
    const s = await this.store.surveys.get(workspaceId, id);
    return s ? { ok: true, value: s } : fail('not_found', `survey ${id} does not exist`);
  }

  async create(workspaceId: string, input: SurveyInput): Promise<Result<SurveyRecord>> {
    const v = validateSurvey({ definition: input.definition, settings: input.settings ?? {} });
    if (!v.ok) return surveyErrors(v.error);
    const now = this.clock.now();
    const rec: SurveyRecord = {
      id: newId('srv'),
      name: input.name,
      status: input.status ?? 'draft',
      version: 1,
      definition: v.value.definition,
      settings: v.value.settings,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.surveys.put(workspaceId, rec);
    return { ok: true, value: rec };
  }

  /** Changes name, status, definition or settings; a changed definition is a new version. */
  async update(workspaceId: string, id: string, patch: Partial<SurveyInput>): Promise<Result<SurveyRecord>> {
    const cur = await this.store.surveys.get(workspaceId, id);
    if (!cur) return fail('not_found', `survey ${id} does not exist`);
    const definition = patch.definition ?? cur.definition;
    const settings = patch.settings ?? cur.settings;
    const v = validateSurvey({ definition, settings });
    if (!v.ok) return surveyErrors(v.error);
    const changed =
      patch.definition !== undefined && JSON.stringify(patch.definition) !== JSON.stringify(cur.definition);
    const rec: SurveyRecord = {
      ...cur,
      name: patch.name ?? cur.name,
      status: patch.status ?? cur.status,
      definition: v.value.definition,
      settings: v.value.settings,
      version: changed ? cur.version + 1 : cur.version,
      updatedAt: this.clock.now(),
    };
    await this.store.surveys.put(workspaceId, rec);
    return { ok: true, value: rec };
  }

  /** Deletes a survey without responses; one with responses is closed instead (409 tells so). */
  async delete(workspaceId: string, id: string): Promise<Result<{ deleted: string }>> {
    const cur = await this.store.surveys.get(workspaceId, id);
    if (!cur) return fail('not_found', `survey ${id} does not exist`);
    const n = await this.store.surveys.countResponses(workspaceId, id);
    if (n > 0)
      return fail(
        'in_use',
        `survey ${id} has ${n} responses; close it (PATCH status "closed") to stop collecting and keep its results`,
      );
    await this.store.surveys.delete(workspaceId, id);
    return { ok: true, value: { deleted: id } };
  }

  /** The workspace-wide rules (cooldown across surveys, default alert rule). */
  async workspaceSettings(
    workspaceId: string,
    reader: Pick<Store, 'workspaces'> = this.store,
  ): Promise<WorkspaceSurveySettings> {
    const w = await reader.workspaces.get(workspaceId);
    const raw = w?.settings.surveys;
    if (raw === undefined) return DEFAULT_WORKSPACE_SURVEY_SETTINGS;
    const r = validateWorkspaceSurveySettings(raw);
    return r.ok ? r.value : DEFAULT_WORKSPACE_SURVEY_SETTINGS;
  }

  async setWorkspaceSettings(workspaceId: string, input: unknown): Promise<Result<WorkspaceSurveySettings>> {
    const r = validateWorkspaceSurveySettings(input);
    if (!r.ok) return surveyErrors(r.error);
    const w = await this.store.workspaces.get(workspaceId);
    if (!w) return fail('not_found', `workspace ${workspaceId} does not exist`);
    await this.store.workspaces.updateSettings(workspaceId, { ...w.settings, surveys: r.value });
    return { ok: true, value: r.value };
  }

  // ---- personal links ------------------------------------------------------------------------------------

  /**
   * A signed personal link to a survey for one profile (for an email or SMS step). The language is `lang`,
   * else the profile's `locale` / `language` trait, else the survey's default.
   *
   * @example
   * const link = await engine.surveys.linkFor(ws, 'srv_…', 'prf_…');
   * // send `${publicBaseUrl}${link.value.path}`
   */
  linkFor(
    workspaceId: string,
    surveyId: string,
    profileId: string,
    lang?: string,
    opts: { channel?: string; touchpoint?: string | null; ttlDays?: number } = {},
  ): Promise<Result<SurveyLink>> {
    return issueSurveyLink(this.store, workspaceId, surveyId, profileId, this.clock.now(), {
      ...opts,
      ...(lang !== undefined ? { lang } : {}),
    });
  }

  async #sign(workspaceId: string, l: SurveyLinkRecord): Promise<string> {
    return signSurveyLink(this.store, workspaceId, l, this.clock.now());
  }

  /**
   * Opens a personal link: checks the signature with the workspace's secret, the expiry, and that its profile
   * and an active survey exist. Errors distinguish only invalid, expired and closed, so a forged token learns
   * nothing.
   */
  async openLink(
    token: string,
  ): Promise<
    Result<{ workspaceId: string; survey: Survey; link: SurveyLinkRecord; traits: Record<string, unknown> }>
  > {
    const invalid = fail('invalid_link', 'this survey link is not valid');
    const m = /^(slk_[0-9a-z]{26})\.([A-Za-z0-9_-]{22})$/.exec(token);
    if (!m) return invalid;
    const found = await this.store.surveys.locateLink(m[1]!);
    if (!found) return invalid;
    const { workspaceId, link } = found;
    if (!(await this.store.surveys.findSecret(workspaceId))) return invalid;
    // Compared as text, not decoded bytes: base64url's last character carries padding bits, so decoding
    // would accept several spellings of one signature.
    const expected = Buffer.from(await this.#sign(workspaceId, link), 'ascii');
    const given = Buffer.from(m[2]!, 'ascii');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
    if (this.clock.now() >= link.expiresAt) return fail('link_expired', 'this survey link has expired');
    const rec = await this.store.surveys.get(workspaceId, link.surveyId);
    if (!rec) return invalid;
    if (rec.status !== 'active') return fail('survey_closed', 'this survey is not open for responses');
    const profile = await this.store.profiles.get(workspaceId, link.profileId);
    if (!profile) return invalid; // erased
    return { ok: true, value: { workspaceId, survey: asSurvey(rec), link, traits: profile.traits } };
  }

  /** An active survey that may be answered anonymously, by id alone (the public `/s/:surveyId` page). */
  async openAnonymous(surveyId: string): Promise<Result<{ workspaceId: string; survey: Survey }>> {
    const found = await this.store.surveys.locate(surveyId);
    const s = found && asSurvey(found.survey);
    if (!found || !s || s.status !== 'active' || !s.settings.anonymous)
      return fail('not_found', 'there is no open survey at this address');
    return { ok: true, value: { workspaceId: found.workspaceId, survey: s } };
  }

  /** An active survey of a workspace (widget routes, which know the workspace from the write key). */
  async openInWorkspace(workspaceId: string, surveyId: string): Promise<Result<Survey>> {
    const rec = await this.store.surveys.get(workspaceId, surveyId);
    if (!rec || rec.status !== 'active') return fail('not_found', 'there is no open survey with this id');
    return { ok: true, value: asSurvey(rec) };
  }

  // ---- responses -----------------------------------------------------------------------------------------

  /**
   * Saves a response after a question (or the whole form): validates the answers and walks skip logic (core),
   * keeps partial responses, stores open-text answers as feedback with their analysis, and appends a
   * `Survey Responded` event (plus `Feedback Alert` events when the alert rule matches) to the profile in
   * the same transaction. Event message ids derive from the response's state, so a retried save appends
   * nothing new. A personal link gives one response unless the survey allows more; a completed response
   * cannot be changed.
   */
  async respond(
    workspaceId: string,
    survey: Survey,
    who: Respondent,
    input: ResponseInput,
  ): Promise<Result<ResponseResult>> {
    const def = survey.definition;
    const walk = walkSurvey(def, input.answers, input.through);
    if (!walk.ok) return surveyErrors(walk.error);
    const pos = walk.value;
    const ws = await this.workspaceSettings(workspaceId);
    const rule = survey.settings.alerts ?? ws.alerts;
    let subject: EventSubject;
    if (who.kind === 'link') {
      // The link names the profile it was sent to; after an identity merge that is the survivor.
      const p = await this.store.profiles.get(workspaceId, who.link.profileId);
      subject = { profileId: p?.id ?? who.link.profileId };
    } else {
      const profileId = who.profileId ?? (await this.#profileOf(workspaceId, who.userId, who.anonymousId));
      subject = { profileId, userId: who.userId, anonymousId: who.anonymousId };
    }
    // Analysis before the transaction (it is CPU work; SQLite has one connection).
    const sentiments: Record<string, number> = {};
    const analyses = new Map<string, Awaited<ReturnType<TextAnalyzer['analyze']>>>();
    for (const q of def.questions) {
      const a = pos.answers[q.id];
      if (q.type !== 'open_text' || !a || typeof a.value !== 'string') continue;
      let analysis = await this.analyzer.analyze(a.value);
      if (analysis.language === 'unknown')
        analysis = await this.analyzer.analyze(a.value, { language: input.language });
      analyses.set(q.id, analysis);
      sentiments[q.id] = analysis.sentiment.score;
    }
    const result = await this.store.transaction(async (tx): Promise<Result<ResponseResult>> => {
      const found = await this.#existing(tx, workspaceId, survey, who, subject, input);
      if (!found.ok) return found;
      const existing = found.value;
      const now = this.clock.now();
      const id = existing?.id ?? newId('rsp');
      let resumeKey: string | undefined;
      if (!existing && who.kind !== 'link') resumeKey = randomBytes(18).toString('base64url');
      const completed = pos.end !== null;
      const channel = who.kind === 'link' ? who.link.channel : (input.channel ?? 'web');
      const touchpoint = who.kind === 'link' ? who.link.touchpoint : (input.touchpoint ?? null);
      const rec: SurveyResponseRecord = {
        id,
        surveyId: survey.id,
        surveyVersion: survey.version,
        linkId: who.kind === 'link' ? who.link.id : null,
        profileId: subject.profileId,
        anonymousId: subject.anonymousId ?? null,
        userId: subject.userId ?? null,
        source: who.kind === 'link' ? 'link' : who.kind,
        channel,
        touchpoint,
        language: input.language,
        answers: pos.answers,
        completed,
        endScreen: pos.end?.id ?? null,
        nps: npsAnswer(def, pos.answers)?.score ?? null,
        resumeHash: existing?.resumeHash ?? (resumeKey ? sha256(resumeKey) : null),
        saves: (existing?.saves ?? 0) + 1,
        followupStatus: existing?.followupStatus ?? null,
        followup: existing?.followup ?? [],
        startedAt: existing?.startedAt ?? now,
        updatedAt: now,
        completedAt: completed ? now : null,
      };
      const reasons = responseAlerts(def, pos.answers, rule, sentiments);
      if (reasons.length > 0 && rec.followupStatus === null) {
        rec.followupStatus = 'open';
        rec.followup = [
          ...rec.followup,
          { status: 'open', by: 'system', at: now, note: reasons.map((r) => r.reason).join(', ') },
        ];
      }
      await tx.surveys.putResponse(workspaceId, rec);
      for (const [qid, analysis] of analyses) {
        await tx.feedback.upsert(workspaceId, {
          id: newId('fbk'),
          source: 'survey',
          channel,
          touchpoint,
          text: pos.answers[qid]!.value as string,
          rating: null,
          ratingScale: null,
          language: analysis.language,
          profileId: subject.profileId,
          identifier: null,
          externalId: `${id}:${qid}`,
          surveyId: survey.id,
          responseId: id,
          questionId: qid,
          sentiment: analysis.sentiment,
          analysis: analysisToStore(this.analyzer.name, analysis),
          metadata: {},
          followupStatus: null,
          followup: [],
          occurredAt: now,
          receivedAt: now,
        });
      }
      const state = fnv1a32(
        JSON.stringify([completed, def.questions.map((q) => pos.answers[q.id]?.value ?? null)]),
      );
      const props = responseEventProperties(def, {
        surveyId: survey.id,
        surveyName: survey.name,
        surveyVersion: survey.version,
        responseId: id,
        language: input.language,
        answers: pos.answers,
        partial: !completed,
        endScreen: pos.end?.id ?? null,
        source: rec.source,
      });
      const base = { subject, channel, touchpoint, timestamp: now, receivedAt: now };
      const events = [
        systemTrack(SURVEY_RESPONDED, props, {
          ...base,
          messageId: `survey-response:${id}:${state.toString(36)}`,
        }),
        ...reasons.map((r) =>
          systemTrack(
            FEEDBACK_ALERT,
            { ...r, surveyId: survey.id, surveyName: survey.name, responseId: id, kind: 'survey_response' },
            { ...base, messageId: `feedback-alert:${id}:${r.reason}:${r.questionId ?? ''}` },
          ),
        ),
      ];
      await tx.events.append(
        workspaceId,
        events,
        events.map(() => subject.profileId),
      );
      return {
        ok: true,
        value: {
          responseId: id,
          ...(resumeKey ? { resumeKey } : {}),
          next: pos.next,
          end: pos.end,
          completed,
          dropped: pos.dropped,
        },
      };
    });
    if (result.ok) this.pipeline.notify();
    return result;
  }

  /** The response a save continues, or undefined for a new one; refusals for used links and bad resume keys. */
  async #existing(
    tx: StoreTx,
    workspaceId: string,
    survey: Survey,
    who: Respondent,
    subject: EventSubject,
    input: ResponseInput,
  ): Promise<Result<SurveyResponseRecord | undefined>> {
    const many = survey.settings.multipleResponses === true;
    let existing: SurveyResponseRecord | undefined;
    if (who.kind === 'link') {
      const list = await tx.surveys.responsesOfLink(workspaceId, who.link.id);
      if (input.responseId !== undefined) {
        existing = list.find((r) => r.id === input.responseId);
        if (!existing) return fail('not_found', 'no such response for this link', 'responseId');
      } else existing = list.find((r) => !r.completed);
      if (!existing && !many && list.length > 0)
        return fail('already_responded', 'this link has already been used to answer the survey');
    } else if (input.responseId !== undefined) {
      const r = await tx.surveys.getResponse(workspaceId, input.responseId);
      if (!r || r.surveyId !== survey.id || !input.resumeKey || r.resumeHash !== sha256(input.resumeKey))
        return fail('not_found', 'no such response, or the resume key does not match', 'responseId');
      existing = r;
    } else if (who.kind === 'widget' && !many) {
      const prior = await tx.surveys.responsesOfVisitor(workspaceId, {
        profileIds: subject.profileId ? [subject.profileId] : [],
        anonymousId: subject.anonymousId ?? null,
      });
      if (prior.some((p) => p.surveyId === survey.id))
        return fail('already_responded', 'this visitor has already answered this survey');
    }
    if (existing?.completed)
      return fail('already_responded', 'this response is complete and can no longer change');
    return { ok: true, value: existing };
  }

  /** The profile holding a user id or anonymous id, if any. */
  async #profileOf(
    workspaceId: string,
    userId: string | null,
    anonymousId: string | null,
  ): Promise<string | null> {
    const ids = [
      ...(userId ? [{ type: USER_ID, value: userId }] : []),
      ...(anonymousId ? [{ type: ANONYMOUS_ID, value: anonymousId }] : []),
    ];
    if (ids.length === 0) return null;
    const owners = await this.store.identities.findOwners(workspaceId, ids);
    return owners.find((o) => o.type === USER_ID)?.profileId ?? owners[0]?.profileId ?? null;
  }

  // ---- reading, follow-up --------------------------------------------------------------------------------

  /** Responses newest first; `before` is the `next` of the previous page. */
  async responses(
    workspaceId: string,
    filter: ResponseFilter,
    page: { limit: number; before?: string },
  ): Promise<Result<{ responses: SurveyResponseRecord[]; next: string | null }>> {
    if (!(await this.store.surveys.get(workspaceId, filter.surveyId)))
      return fail('not_found', `survey ${filter.surveyId} does not exist`);
    const before = page.before === undefined ? undefined : parseCursor(page.before);
    if (before === null)
      return fail('invalid_field', 'before must be the `next` of a previous page', 'before');
    const list = await this.store.surveys.listResponses(workspaceId, filter, {
      limit: page.limit,
      ...(before ? { before } : {}),
    });
    const last = list[list.length - 1];
    return {
      ok: true,
      value: {
        responses: list,
        next: list.length === page.limit && last ? `${last.startedAt}_${last.id}` : null,
      },
    };
  }

  async response(
    workspaceId: string,
    surveyId: string,
    responseId: string,
  ): Promise<Result<SurveyResponseRecord>> {
    const r = await this.store.surveys.getResponse(workspaceId, responseId);
    if (!r || r.surveyId !== surveyId)
      return fail('not_found', `response ${responseId} of survey ${surveyId} does not exist`);
    return { ok: true, value: r };
  }

  /** Records a follow-up step (open → contacted → resolved, in any order) with who did it and a note. */
  async followup(
    workspaceId: string,
    surveyId: string,
    responseId: string,
    step: { status: FollowupEntry['status']; by: string; note?: string },
  ): Promise<Result<SurveyResponseRecord>> {
    return this.store.transaction(async (tx) => {
      const r = await tx.surveys.getResponse(workspaceId, responseId);
      if (!r || r.surveyId !== surveyId)
        return fail('not_found', `response ${responseId} of survey ${surveyId} does not exist`);
      const entry: FollowupEntry = {
        status: step.status,
        by: step.by,
        at: this.clock.now(),
        ...(step.note ? { note: step.note } : {}),
      };
      const next = { ...r, followupStatus: step.status, followup: [...r.followup, entry] };
      await tx.surveys.putResponse(workspaceId, next);
      return { ok: true as const, value: next };
    });
  }

  // ---- metrics and export ---------------------------------------------------------------------------------

  async #allResponses(
    workspaceId: string,
    surveyId: string,
    from: number,
    to: number,
  ): Promise<SurveyResponseRecord[]> {
    const out: SurveyResponseRecord[] = [];
    let before: TimeCursor | undefined;
    // Bounded: 200k responses per query (a larger export should page the responses API).
    while (out.length < 200_000) {
      const page = await this.store.surveys.listResponses(
        workspaceId,
        { surveyId, from, to },
        { limit: 2000, ...(before ? { before } : {}) },
      );
      out.push(...page);
      if (page.length < 2000) break;
      const last = page[page.length - 1]!;
      before = { at: last.startedAt, id: last.id };
    }
    return out;
  }

  /**
   * NPS / CSAT / CES / rating of one question (default: the first NPS, else CSAT, CES, rating question) over
   * responses started in [from, to) (default: the last 90 days), partial responses included (their answers
   * were given); with the response rate, and optionally a series and a breakdown.
   */
  async metrics(workspaceId: string, surveyId: string, q: MetricsQuery): Promise<Result<MetricsReport>> {
    const rec = await this.store.surveys.get(workspaceId, surveyId);
    if (!rec) return fail('not_found', `survey ${surveyId} does not exist`);
    const survey = asSurvey(rec);
    const scaleTypes = ['nps', 'csat', 'ces', 'rating'];
    const question =
      q.question !== undefined
        ? survey.definition.questions.find((x) => x.id === q.question)
        : (['nps', 'csat', 'ces', 'rating'] as const)
            .map((t) => survey.definition.questions.find((x) => x.type === t))
            .find((x) => x !== undefined);
    if (!question)
      return q.question !== undefined
        ? fail('invalid_field', `survey ${surveyId} has no question "${q.question}"`, 'question')
        : fail('invalid_field', `survey ${surveyId} has no NPS, CSAT, CES or rating question`, 'question');
    if (!scaleTypes.includes(question.type))
      return fail(
        'invalid_field',
        `question "${question.id}" is ${question.type}: metrics need an NPS, CSAT, CES or rating question`,
        'question',
      );
    // `to` is exclusive: by default include what happened up to this very millisecond.
    const to = q.to ?? this.clock.now() + 1;
    const from = q.from ?? to - 90 * DAY;
    if (from > to) return fail('invalid_field', 'from must not be after to', 'from');
    const responses = await this.#allResponses(workspaceId, surveyId, from, to);
    const groups = await this.#groups(workspaceId, responses, q.by);
    const obs = scaleObservations(
      responses.map((r) => ({
        answers: r.answers as Record<string, StoredAnswer>,
        at: r.startedAt,
        ...(groups ? { groups: groups.of.get(r.id) ?? [] } : {}),
      })),
      question.id,
    );
    const metric = question.type as MetricKind;
    const dist = await this.store.surveys.distributed(workspaceId, surveyId, from, to);
    const report: MetricsReport = {
      surveyId,
      question: { id: question.id, type: question.type },
      metric,
      from,
      to,
      overall: computeMetric(metric, obs),
      responseRate: responseRate(
        responses.filter((r) => r.completed && r.source !== 'anonymous').length,
        dist.links + dist.displays,
      ),
    };
    if (q.interval)
      report.series = metricSeries(metric, obs, {
        interval: q.interval,
        from,
        to,
        ...(q.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: q.utcOffsetMinutes } : {}),
        ...(q.weekStart !== undefined ? { weekStart: q.weekStart } : {}),
        ...(q.calendar ? { calendar: q.calendar } : {}),
      });
    if (groups)
      report.breakdown = metricBreakdown(metric, obs).map((b) => ({
        ...b,
        label: groups.labels.get(b.group) ?? b.group,
      }));
    return { ok: true, value: report };
  }

  /** Group keys per response id for a breakdown, and their labels (segment and persona names). */
  async #groups(
    workspaceId: string,
    responses: readonly SurveyResponseRecord[],
    by: MetricsQuery['by'],
  ): Promise<{ of: Map<string, string[]>; labels: Map<string, string> } | null> {
    if (!by) return null;
    const of = new Map<string, string[]>();
    const labels = new Map<string, string>();
    if (by === 'touchpoint' || by === 'channel') {
      for (const r of responses) of.set(r.id, [by === 'channel' ? r.channel : (r.touchpoint ?? '(none)')]);
      return { of, labels };
    }
    // Segment membership now (segment_members), not at the time of the response: memberships are not
    // historized; a response of a profile that left a segment counts where the profile is today.
    const members = await this.store.surveys.membershipsOf(
      workspaceId,
      responses.flatMap((r) => (r.profileId ? [r.profileId] : [])),
    );
    if (by === 'segment') {
      for (const s of await this.store.segments.list(workspaceId)) labels.set(s.id, s.name);
      for (const r of responses) of.set(r.id, r.profileId ? (members.get(r.profileId) ?? []) : []);
      return { of, labels };
    }
    const personas = await this.store.personas.list(workspaceId);
    for (const p of personas) labels.set(p.id, p.name);
    for (const r of responses) {
      const segs = new Set(r.profileId ? (members.get(r.profileId) ?? []) : []);
      of.set(
        r.id,
        personas.filter((p) => segs.has(p.segmentId)).map((p) => p.id),
      );
    }
    return { of, labels };
  }

  /** Every response of a survey in [from, to) as CSV: one row per response, one column per question. */
  async exportCsv(
    workspaceId: string,
    surveyId: string,
    range: { from?: number; to?: number },
  ): Promise<Result<string>> {
    const rec = await this.store.surveys.get(workspaceId, surveyId);
    if (!rec) return fail('not_found', `survey ${surveyId} does not exist`);
    const survey = asSurvey(rec);
    const to = range.to ?? this.clock.now() + 1;
    const from = range.from ?? 0;
    const responses = await this.#allResponses(workspaceId, surveyId, from, to);
    const qs = survey.definition.questions;
    const header = [
      'response_id',
      'started_at',
      'completed_at',
      'completed',
      'source',
      'channel',
      'touchpoint',
      'language',
      'profile_id',
      ...qs.map((q) => q.id),
      'nps_group',
      'followup_status',
    ];
    const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
    const rows = responses
      .slice()
      .reverse()
      .map((r) => {
        const answers = r.answers as Record<string, StoredAnswer>;
        return [
          r.id,
          iso(r.startedAt),
          iso(r.completedAt),
          r.completed,
          r.source,
          r.channel,
          r.touchpoint,
          r.language,
          r.profileId,
          ...qs.map((q) => {
            const v = answers[q.id]?.value;
            return Array.isArray(v) ? v.join(';') : v;
          }),
          r.nps === null ? '' : r.nps >= 9 ? 'promoter' : r.nps >= 7 ? 'passive' : 'detractor',
          r.followupStatus,
        ];
      });
    return { ok: true, value: toCsv(header, rows) };
  }

  // ---- on-site widget -----------------------------------------------------------------------------------

  /**
   * Which survey the widget shows a visitor now (targeting and fatigue decided by core's `decideWidget`),
   * recording the display. The visitor is its profile when a user id or anonymous id resolves to one.
   */
  async decideWidget(
    workspaceId: string,
    v: { userId: string | null; anonymousId: string | null; context: WidgetContext; lang?: string | null },
  ): Promise<
    Result<{
      survey: Survey | null;
      displayId: string | null;
      language: SurveyLanguage | null;
      skipped: { surveyId: string; reason: string }[];
    }>
  > {
    if (!v.userId && !v.anonymousId)
      return fail('invalid_field', 'send userId or anonymousId', 'anonymousId');
    const profileId = await this.#profileOf(workspaceId, v.userId, v.anonymousId);
    const profile = profileId ? await this.store.profiles.get(workspaceId, profileId) : undefined;
    const visitorKeys = [
      ...(profileId ? [profileId] : []),
      ...(v.anonymousId ? [`anon:${v.anonymousId}`] : []),
    ];
    const surveys = (await this.store.surveys.list(workspaceId))
      .filter((s) => s.status === 'active')
      .map(asSurvey)
      .filter((s) => s.settings.widget?.enabled);
    const empty = { survey: null, displayId: null, language: null, skipped: [] };
    if (surveys.length === 0) return { ok: true, value: empty };
    const memberships = new Set(
      profileId ? (await this.store.segments.ofProfile(workspaceId, profileId)).map((m) => m.segmentId) : [],
    );
    const ws = await this.workspaceSettings(workspaceId);
    const now = this.clock.now();
    const decision = decideWidget({
      candidates: surveys.map((s) => ({ surveyId: s.id, settings: s.settings })),
      context: v.context,
      visitorKey: profileId ?? `anon:${v.anonymousId}`,
      memberships,
      history: {
        displays: await this.store.surveys.displaysOf(workspaceId, visitorKeys),
        responses: await this.store.surveys.responsesOfVisitor(workspaceId, {
          profileIds: profileId ? [profileId] : [],
          anonymousId: v.anonymousId,
        }),
      },
      cooldownDays: ws.cooldownDays,
      now,
    });
    const survey = surveys.find((s) => s.id === decision.surveyId) ?? null;
    if (!survey) return { ok: true, value: { ...empty, skipped: decision.skipped } };
    const displayId = newId('sdp');
    await this.store.surveys.insertDisplay(workspaceId, {
      id: displayId,
      surveyId: survey.id,
      visitorKey: profileId ?? `anon:${v.anonymousId}`,
      shownAt: now,
    });
    const language = pickLanguage(survey.definition, [
      v.lang,
      profile?.traits.locale,
      profile?.traits.language,
    ]);
    return { ok: true, value: { survey, displayId, language, skipped: decision.skipped } };
  }
}

/** Reads a `<time>_<id>` paging cursor. */
export function parseCursor(s: string): TimeCursor | null {
  const m = /^(\d{1,15})_([A-Za-z0-9_]{1,128})$/.exec(s);
  return m ? { at: Number(m[1]), id: m[2]! } : null;
}
