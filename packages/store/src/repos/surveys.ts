import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema';
import { chunks } from '../records';

/** A survey as stored: definition and settings are core's SurveyDefinition / SurveySettings (validated). */
export interface SurveyRecord {
  id: string;
  name: string;
  status: 'draft' | 'active' | 'closed';
  version: number;
  definition: unknown;
  settings: unknown;
  createdAt: number;
  updatedAt: number;
}

/** A personal survey link handed out for one profile. */
export interface SurveyLinkRecord {
  id: string;
  surveyId: string;
  profileId: string;
  language: string | null;
  channel: string;
  touchpoint: string | null;
  createdAt: number;
  expiresAt: number;
}

/** One step of a follow-up: who set which status when, with a note. */
export interface FollowupEntry {
  status: 'open' | 'contacted' | 'resolved';
  by: string;
  at: number;
  note?: string;
}

/** A survey response, partial or complete. */
export interface SurveyResponseRecord {
  id: string;
  surveyId: string;
  surveyVersion: number;
  linkId: string | null;
  profileId: string | null;
  anonymousId: string | null;
  userId: string | null;
  source: 'link' | 'anonymous' | 'widget';
  channel: string;
  touchpoint: string | null;
  language: string;
  /** Core's StoredAnswer by question id. */
  answers: Record<string, unknown>;
  completed: boolean;
  endScreen: string | null;
  nps: number | null;
  resumeHash: string | null;
  saves: number;
  followupStatus: FollowupEntry['status'] | null;
  followup: FollowupEntry[];
  startedAt: number;
  updatedAt: number;
  completedAt: number | null;
}

/** A feedback record from any channel (survey open-text answers included, source `survey`). */
export interface FeedbackRecord {
  id: string;
  source: string;
  channel: string;
  touchpoint: string | null;
  text: string;
  rating: number | null;
  ratingScale: { min: number; max: number } | null;
  language: string;
  profileId: string | null;
  identifier: { type: string; value: string } | null;
  externalId: string | null;
  surveyId: string | null;
  responseId: string | null;
  questionId: string | null;
  sentiment: { label: string; score: number };
  /** `{ analyzer, keywords, aspects }` from the text analyzer. */
  analysis: Record<string, unknown>;
  metadata: Record<string, unknown>;
  followupStatus: FollowupEntry['status'] | null;
  followup: FollowupEntry[];
  occurredAt: number;
  receivedAt: number;
}

/** Filters of a feedback listing. */
export interface FeedbackFilter {
  source?: string;
  channel?: string;
  touchpoint?: string;
  language?: string;
  sentiment?: string;
  profileId?: string;
  surveyId?: string;
  followupStatus?: string;
  from?: number;
  to?: number;
}

/** Filters of a response listing. */
export interface ResponseFilter {
  surveyId: string;
  from?: number;
  to?: number;
  completed?: boolean;
  followupStatus?: string;
}

/** Keyset position of a newest-first listing: strictly older than (time, id). */
export interface TimeCursor {
  at: number;
  id: string;
}

const json = <T>(s: string): T => JSON.parse(s) as T;

const toSurvey = (r: Selectable<Database['surveys']>): SurveyRecord => ({
  id: r.id,
  name: r.name,
  status: r.status,
  version: Number(r.version),
  definition: json(r.definition),
  settings: json(r.settings),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toLink = (r: Selectable<Database['survey_links']>): SurveyLinkRecord => ({
  id: r.id,
  surveyId: r.survey_id,
  profileId: r.profile_id,
  language: r.language,
  channel: r.channel,
  touchpoint: r.touchpoint,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
});

const toResponse = (r: Selectable<Database['survey_responses']>): SurveyResponseRecord => ({
  id: r.id,
  surveyId: r.survey_id,
  surveyVersion: Number(r.survey_version),
  linkId: r.link_id,
  profileId: r.profile_id,
  anonymousId: r.anonymous_id,
  userId: r.user_id,
  source: r.source as SurveyResponseRecord['source'],
  channel: r.channel,
  touchpoint: r.touchpoint,
  language: r.language,
  answers: json(r.answers),
  completed: Number(r.completed) === 1,
  endScreen: r.end_screen,
  nps: r.nps === null ? null : Number(r.nps),
  resumeHash: r.resume_hash,
  saves: Number(r.saves),
  followupStatus: r.followup_status as SurveyResponseRecord['followupStatus'],
  followup: json(r.followup),
  startedAt: Number(r.started_at),
  updatedAt: Number(r.updated_at),
  completedAt: r.completed_at === null ? null : Number(r.completed_at),
});

const fromResponse = (workspaceId: string, r: SurveyResponseRecord): Database['survey_responses'] => ({
  workspace_id: workspaceId,
  id: r.id,
  survey_id: r.surveyId,
  survey_version: r.surveyVersion,
  link_id: r.linkId,
  profile_id: r.profileId,
  anonymous_id: r.anonymousId,
  user_id: r.userId,
  source: r.source,
  channel: r.channel,
  touchpoint: r.touchpoint,
  language: r.language,
  answers: JSON.stringify(r.answers),
  completed: r.completed ? 1 : 0,
  end_screen: r.endScreen,
  nps: r.nps,
  resume_hash: r.resumeHash,
  saves: r.saves,
  followup_status: r.followupStatus,
  followup: JSON.stringify(r.followup),
  started_at: r.startedAt,
  updated_at: r.updatedAt,
  completed_at: r.completedAt,
});

const toFeedback = (r: Selectable<Database['feedback']>): FeedbackRecord => ({
  id: r.id,
  source: r.source,
  channel: r.channel,
  touchpoint: r.touchpoint,
  text: r.text,
  rating: r.rating === null ? null : Number(r.rating),
  ratingScale:
    r.rating_min === null || r.rating_max === null
      ? null
      : { min: Number(r.rating_min), max: Number(r.rating_max) },
  language: r.language,
  profileId: r.profile_id,
  identifier:
    r.identifier_type === null || r.identifier_value === null
      ? null
      : { type: r.identifier_type, value: r.identifier_value },
  externalId: r.external_id,
  surveyId: r.survey_id,
  responseId: r.response_id,
  questionId: r.question_id,
  sentiment: { label: r.sentiment_label, score: Number(r.sentiment_score) },
  analysis: json(r.analysis),
  metadata: json(r.metadata),
  followupStatus: r.followup_status as FeedbackRecord['followupStatus'],
  followup: json(r.followup),
  occurredAt: Number(r.occurred_at),
  receivedAt: Number(r.received_at),
});

const fromFeedback = (workspaceId: string, f: FeedbackRecord): Database['feedback'] => ({
  workspace_id: workspaceId,
  id: f.id,
  source: f.source,
  channel: f.channel,
  touchpoint: f.touchpoint,
  text: f.text,
  rating: f.rating,
  rating_min: f.ratingScale?.min ?? null,
  rating_max: f.ratingScale?.max ?? null,
  language: f.language,
  profile_id: f.profileId,
  identifier_type: f.identifier?.type ?? null,
  identifier_value: f.identifier?.value ?? null,
  external_id: f.externalId,
  survey_id: f.surveyId,
  response_id: f.responseId,
  question_id: f.questionId,
  sentiment_label: f.sentiment.label,
  sentiment_score: f.sentiment.score,
  analysis: JSON.stringify(f.analysis),
  metadata: JSON.stringify(f.metadata),
  followup_status: f.followupStatus,
  followup: JSON.stringify(f.followup),
  occurred_at: f.occurredAt,
  received_at: f.receivedAt,
});

/** Surveys, their signing secret, links, displays and responses. */
export function surveysRepo(db: Kysely<Database>) {
  return {
    async list(workspaceId: string): Promise<SurveyRecord[]> {
      const rows = await db
        .selectFrom('surveys')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toSurvey);
    },

    async get(workspaceId: string, id: string): Promise<SurveyRecord | undefined> {
      const r = await db
        .selectFrom('surveys')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toSurvey(r) : undefined;
    },

    /** Finds a survey by id alone (public anonymous pages carry no workspace); ids are globally unique ULIDs. */
    async locate(id: string): Promise<{ workspaceId: string; survey: SurveyRecord } | undefined> {
      const r = await db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? { workspaceId: r.workspace_id, survey: toSurvey(r) } : undefined;
    },

    /** Inserts or replaces a survey. */
    async put(workspaceId: string, s: SurveyRecord): Promise<void> {
      const row = {
        workspace_id: workspaceId,
        id: s.id,
        name: s.name,
        status: s.status,
        version: s.version,
        definition: JSON.stringify(s.definition),
        settings: JSON.stringify(s.settings),
        created_at: s.createdAt,
        updated_at: s.updatedAt,
      };
      await db
        .insertInto('surveys')
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet({ ...row }))
        .execute();
    },

    /** Deletes a survey with its links and displays (responses are refused by the service first). */
    async delete(workspaceId: string, id: string): Promise<void> {
      for (const table of ['survey_links', 'survey_displays'] as const)
        await db
          .deleteFrom(table)
          .where('workspace_id', '=', workspaceId)
          .where('survey_id', '=', id)
          .execute();
      await db.deleteFrom('surveys').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    },

    /** The workspace's link-signing secret, creating it with `fresh` on first use (first writer wins). */
    async secret(workspaceId: string, fresh: string, now: number): Promise<string> {
      await db
        .insertInto('survey_secrets')
        .values({ workspace_id: workspaceId, secret: fresh, created_at: now })
        .onConflict((oc) => oc.column('workspace_id').doNothing())
        .execute();
      const r = await db
        .selectFrom('survey_secrets')
        .select('secret')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow();
      return r.secret;
    },

    /** The workspace's link-signing secret if it has one (verifying never creates one). */
    async findSecret(workspaceId: string): Promise<string | undefined> {
      const r = await db
        .selectFrom('survey_secrets')
        .select('secret')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      return r?.secret;
    },

    async insertLink(workspaceId: string, l: SurveyLinkRecord): Promise<void> {
      await db
        .insertInto('survey_links')
        .values({
          workspace_id: workspaceId,
          id: l.id,
          survey_id: l.surveyId,
          profile_id: l.profileId,
          language: l.language,
          channel: l.channel,
          touchpoint: l.touchpoint,
          created_at: l.createdAt,
          expires_at: l.expiresAt,
        })
        .execute();
    },

    async getLink(workspaceId: string, id: string): Promise<SurveyLinkRecord | undefined> {
      const r = await db
        .selectFrom('survey_links')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toLink(r) : undefined;
    },

    /** Finds a link by id alone (opening a personal link); link ids are globally unique ULIDs. */
    async locateLink(id: string): Promise<{ workspaceId: string; link: SurveyLinkRecord } | undefined> {
      const r = await db.selectFrom('survey_links').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? { workspaceId: r.workspace_id, link: toLink(r) } : undefined;
    },

    /** Links created and widget displays of a survey in [from, to): the response rate's denominator. */
    async distributed(
      workspaceId: string,
      surveyId: string,
      from: number,
      to: number,
    ): Promise<{ links: number; displays: number }> {
      const links = await db
        .selectFrom('survey_links')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('survey_id', '=', surveyId)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .executeTakeFirstOrThrow();
      const displays = await db
        .selectFrom('survey_displays')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('survey_id', '=', surveyId)
        .where('shown_at', '>=', from)
        .where('shown_at', '<', to)
        .executeTakeFirstOrThrow();
      return { links: Number(links.n), displays: Number(displays.n) };
    },

    async insertDisplay(
      workspaceId: string,
      d: { id: string; surveyId: string; visitorKey: string; shownAt: number },
    ): Promise<void> {
      await db
        .insertInto('survey_displays')
        .values({
          workspace_id: workspaceId,
          id: d.id,
          survey_id: d.surveyId,
          visitor_key: d.visitorKey,
          shown_at: d.shownAt,
        })
        .execute();
    },

    /** Widget displays to any of a visitor's keys (profile id and anonymous key), newest first, at most 500. */
    async displaysOf(
      workspaceId: string,
      visitorKeys: readonly string[],
    ): Promise<{ surveyId: string; at: number }[]> {
      if (visitorKeys.length === 0) return [];
      const rows = await db
        .selectFrom('survey_displays')
        .select(['survey_id', 'shown_at'])
        .where('workspace_id', '=', workspaceId)
        .where('visitor_key', 'in', [...visitorKeys])
        .orderBy('shown_at', 'desc')
        .limit(500)
        .execute();
      return rows.map((r) => ({ surveyId: r.survey_id, at: Number(r.shown_at) }));
    },

    async getResponse(workspaceId: string, id: string): Promise<SurveyResponseRecord | undefined> {
      const r = await db
        .selectFrom('survey_responses')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toResponse(r) : undefined;
    },

    /** The responses given through one personal link, oldest first. */
    async responsesOfLink(workspaceId: string, linkId: string): Promise<SurveyResponseRecord[]> {
      const rows = await db
        .selectFrom('survey_responses')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('link_id', '=', linkId)
        .orderBy('started_at')
        .orderBy('id')
        .execute();
      return rows.map(toResponse);
    },

    /** Survey ids and start times of responses by a visitor (profile id or anonymous id), for fatigue rules. */
    async responsesOfVisitor(
      workspaceId: string,
      v: { profileIds: readonly string[]; anonymousId: string | null },
    ): Promise<{ surveyId: string; at: number }[]> {
      if (v.profileIds.length === 0 && !v.anonymousId) return [];
      const rows = await db
        .selectFrom('survey_responses')
        .select(['survey_id', 'started_at'])
        .where('workspace_id', '=', workspaceId)
        .where((eb) =>
          eb.or([
            ...(v.profileIds.length > 0 ? [eb('profile_id', 'in', [...v.profileIds])] : []),
            ...(v.anonymousId ? [eb('anonymous_id', '=', v.anonymousId)] : []),
          ]),
        )
        .limit(1000)
        .execute();
      return rows.map((r) => ({ surveyId: r.survey_id, at: Number(r.started_at) }));
    },

    /** Inserts or replaces a response. */
    async putResponse(workspaceId: string, r: SurveyResponseRecord): Promise<void> {
      const row = fromResponse(workspaceId, r);
      await db
        .insertInto('survey_responses')
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet({ ...row }))
        .execute();
    },

    /** Responses newest first (keyset paging by start time and id). */
    async listResponses(
      workspaceId: string,
      f: ResponseFilter,
      page: { limit: number; before?: TimeCursor },
    ): Promise<SurveyResponseRecord[]> {
      let q = db
        .selectFrom('survey_responses')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('survey_id', '=', f.surveyId);
      if (f.from !== undefined) q = q.where('started_at', '>=', f.from);
      if (f.to !== undefined) q = q.where('started_at', '<', f.to);
      if (f.completed !== undefined) q = q.where('completed', '=', f.completed ? 1 : 0);
      if (f.followupStatus !== undefined) q = q.where('followup_status', '=', f.followupStatus);
      const b = page.before;
      if (b)
        q = q.where((eb) =>
          eb.or([eb('started_at', '<', b.at), eb.and([eb('started_at', '=', b.at), eb('id', '<', b.id)])]),
        );
      const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map(toResponse);
    },

    /** How many responses a survey has (any state). */
    async countResponses(workspaceId: string, surveyId: string): Promise<number> {
      const r = await db
        .selectFrom('survey_responses')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('survey_id', '=', surveyId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /**
     * Erasure: deletes the survey responses and personal links of profiles, and their widget displays.
     * Returns the number of responses deleted.
     */
    async deleteForProfiles(workspaceId: string, profileIds: readonly string[]): Promise<number> {
      let n = 0;
      for (const part of chunks([...new Set(profileIds)], 1000)) {
        const r = await db
          .deleteFrom('survey_responses')
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', part)
          .executeTakeFirst();
        n += Number(r.numDeletedRows);
        await db
          .deleteFrom('survey_links')
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', part)
          .execute();
        await db
          .deleteFrom('survey_displays')
          .where('workspace_id', '=', workspaceId)
          .where('visitor_key', 'in', part)
          .execute();
      }
      return n;
    },

    /**
     * Identity merge: responses, widget displays and feedback records (survey text answers and every other
     * channel) of the merged-away profiles move to the survivor, like their events. Personal links keep
     * their profile (it is signed into the token); opening one follows the merge.
     */
    async reassignProfiles(workspaceId: string, from: readonly string[], to: string): Promise<void> {
      for (const part of chunks([...new Set(from)], 1000)) {
        await db
          .updateTable('survey_responses')
          .set({ profile_id: to })
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', part)
          .execute();
        await db
          .updateTable('survey_displays')
          .set({ visitor_key: to })
          .where('workspace_id', '=', workspaceId)
          .where('visitor_key', 'in', part)
          .execute();
        await db
          .updateTable('feedback')
          .set({ profile_id: to })
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', part)
          .execute();
      }
    },

    /**
     * Anonymous responses saved before any profile held their visitor: the pipeline resolved their
     * `Survey Responded` event to `profileId`, so the response and its text answers belong to it now.
     */
    async linkResponses(
      workspaceId: string,
      links: readonly { responseId: string; profileId: string }[],
    ): Promise<void> {
      for (const l of links) {
        await db
          .updateTable('survey_responses')
          .set({ profile_id: l.profileId })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', l.responseId)
          .where('profile_id', 'is', null)
          .execute();
        await db
          .updateTable('feedback')
          .set({ profile_id: l.profileId })
          .where('workspace_id', '=', workspaceId)
          .where('response_id', '=', l.responseId)
          .where('profile_id', 'is', null)
          .execute();
      }
    },

    /** Segment and list ids per profile (from segment_members), for breakdowns. */
    async membershipsOf(workspaceId: string, profileIds: readonly string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      for (const part of chunks([...new Set(profileIds)], 1000)) {
        const rows = await db
          .selectFrom('segment_members')
          .select(['profile_id', 'segment_id'])
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', part)
          .execute();
        for (const r of rows) {
          const list = out.get(r.profile_id);
          if (list) list.push(r.segment_id);
          else out.set(r.profile_id, [r.segment_id]);
        }
      }
      return out;
    },
  };
}

/** Feedback records from every channel, with their analysis and follow-up. */
export function feedbackRepo(db: Kysely<Database>) {
  return {
    /** Inserts a record; false when (source, externalId) is already stored (the record is then ignored). */
    async insert(workspaceId: string, f: FeedbackRecord): Promise<boolean> {
      const r = await db
        .insertInto('feedback')
        .values(fromFeedback(workspaceId, f))
        .onConflict((oc) => oc.columns(['workspace_id', 'source', 'external_id']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    /** Inserts or replaces by (source, externalId): a survey's text answer edited on a later save. */
    async upsert(workspaceId: string, f: FeedbackRecord): Promise<void> {
      const row = fromFeedback(workspaceId, f);
      const { id: _id, workspace_id: _w, followup: _f, followup_status: _s, ...changed } = row;
      await db
        .insertInto('feedback')
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'source', 'external_id']).doUpdateSet(changed))
        .execute();
    },

    async get(workspaceId: string, id: string): Promise<FeedbackRecord | undefined> {
      const r = await db
        .selectFrom('feedback')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toFeedback(r) : undefined;
    },

    async getByExternal(
      workspaceId: string,
      source: string,
      externalId: string,
    ): Promise<FeedbackRecord | undefined> {
      const r = await db
        .selectFrom('feedback')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('source', '=', source)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
      return r ? toFeedback(r) : undefined;
    },

    /** Records newest first (keyset paging by occurrence time and id). */
    async list(
      workspaceId: string,
      f: FeedbackFilter,
      page: { limit: number; before?: TimeCursor },
    ): Promise<FeedbackRecord[]> {
      let q = db.selectFrom('feedback').selectAll().where('workspace_id', '=', workspaceId);
      if (f.source !== undefined) q = q.where('source', '=', f.source);
      if (f.channel !== undefined) q = q.where('channel', '=', f.channel);
      if (f.touchpoint !== undefined) q = q.where('touchpoint', '=', f.touchpoint);
      if (f.language !== undefined) q = q.where('language', '=', f.language);
      if (f.sentiment !== undefined) q = q.where('sentiment_label', '=', f.sentiment);
      if (f.profileId !== undefined) q = q.where('profile_id', '=', f.profileId);
      if (f.surveyId !== undefined) q = q.where('survey_id', '=', f.surveyId);
      if (f.followupStatus !== undefined) q = q.where('followup_status', '=', f.followupStatus);
      if (f.from !== undefined) q = q.where('occurred_at', '>=', f.from);
      if (f.to !== undefined) q = q.where('occurred_at', '<', f.to);
      const b = page.before;
      if (b)
        q = q.where((eb) =>
          eb.or([eb('occurred_at', '<', b.at), eb.and([eb('occurred_at', '=', b.at), eb('id', '<', b.id)])]),
        );
      const rows = await q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map(toFeedback);
    },

    /** Records naming the customer by an identifier no profile held when they arrived. */
    async unresolved(workspaceId: string, limit: number): Promise<FeedbackRecord[]> {
      const rows = await db
        .selectFrom('feedback')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'is', null)
        .where('identifier_type', 'is not', null)
        .limit(limit)
        .execute();
      return rows.map(toFeedback);
    },

    async setProfile(workspaceId: string, id: string, profileId: string): Promise<void> {
      await db
        .updateTable('feedback')
        .set({ profile_id: profileId })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
    },

    /** Erasure: deletes the feedback records of profiles (survey text answers included). */
    async deleteForProfiles(workspaceId: string, profileIds: readonly string[]): Promise<number> {
      let n = 0;
      for (const part of chunks([...new Set(profileIds)], 1000)) {
        const r = await db
          .deleteFrom('feedback')
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', part)
          .executeTakeFirst();
        n += Number(r.numDeletedRows);
      }
      return n;
    },

    /** Records a follow-up step; false when the record does not exist. */
    async setFollowup(workspaceId: string, id: string, entry: FollowupEntry): Promise<boolean> {
      const cur = await this.get(workspaceId, id);
      if (!cur) return false;
      await db
        .updateTable('feedback')
        .set({ followup_status: entry.status, followup: JSON.stringify([...cur.followup, entry]) })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
      return true;
    },
  };
}
