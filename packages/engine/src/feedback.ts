import {
  FEEDBACK_ALERT,
  defaultTextAnalyzer,
  feedbackAlerts,
  groupThemes,
  normalizeIdentifier,
  validateFeedbackRequest,
  type DomainError,
  type FeedbackInput,
  type Result,
  type TextAnalysis,
  type TextAnalyzer,
  type Theme,
} from '@omnicx/core';
import type { FeedbackFilter, FeedbackRecord, FollowupEntry, Store, TimeCursor } from '@omnicx/store';
import type { Clock } from './ports';
import type { Pipeline } from './pipeline';
import type { WorkspaceService } from './workspaces';
import type { SurveyService } from './surveys';
import { newId } from './ids';
import { systemTrack, type EventSubject } from './survey-events';

/** The event every stored feedback record appends to its profile (triggers and the timeline see it). */
export const FEEDBACK_RECEIVED = 'Feedback Received';

const fail = (code: string, message: string, field?: string, details?: unknown): Result<never> => ({
  ok: false,
  error: { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) } as DomainError,
});

/** The part of an analysis stored with a record: what themes and filters need (not the tokens). */
export function analysisToStore(analyzer: string, a: TextAnalysis): Record<string, unknown> {
  return { analyzer, keywords: a.keywords, aspects: a.aspects };
}

/** A stored analysis back in the shape `groupThemes` reads. */
function storedAnalysis(f: FeedbackRecord): TextAnalysis {
  const a = f.analysis as { keywords?: TextAnalysis['keywords']; aspects?: TextAnalysis['aspects'] };
  return {
    language: f.language as TextAnalysis['language'],
    normalized: f.text,
    tokens: [],
    sentiment: f.sentiment as TextAnalysis['sentiment'],
    keywords: a.keywords ?? [],
    aspects: a.aspects ?? [],
  };
}

/** The outcome of one submitted record. */
export interface FeedbackResult {
  id: string;
  /** True when (source, externalId) was already stored: nothing new was written. */
  duplicate: boolean;
  profileId: string | null;
  language: string;
  sentiment: { label: string; score: number };
}

/**
 * Feedback from every channel (issue 6): validated by core, analysed by the workspace's text analyzer
 * (language, sentiment, keywords, aspects), stored next to survey text answers, appended to the profile as
 * `Feedback Received` (and `Feedback Alert` when the workspace's alert rule matches), listed with filters and
 * grouped into themes.
 */
export class FeedbackService {
  constructor(
    private readonly store: Store,
    private readonly workspaces: WorkspaceService,
    private readonly surveys: SurveyService,
    private readonly pipeline: Pipeline,
    private readonly clock: Clock,
    private readonly analyzer: TextAnalyzer = defaultTextAnalyzer,
  ) {}

  /**
   * Stores one record or a batch (`{ batch: [...] }`), all or nothing. A customer named by profile id must
   * exist; one named by an identifier no profile holds yet is kept with the identifier, and its
   * `Feedback Received` event carries the identifier so the pipeline creates or finds the profile.
   */
  async submit(workspaceId: string, raw: unknown): Promise<Result<FeedbackResult[]>> {
    const now = this.clock.now();
    const v = validateFeedbackRequest(raw, now);
    if (!v.ok) {
      const first = v.error[0]!;
      return fail(first.code, first.message, first.field, v.error);
    }
    const batch = typeof raw === 'object' && raw !== null && 'batch' in raw;
    const config = await this.workspaces.identityConfig(workspaceId);
    const subjects: EventSubject[] = [];
    const identifiers: ({ type: string; value: string } | null)[] = [];
    for (const [i, f] of v.value.entries()) {
      const at = (name: string) => (batch ? `batch[${i}].${name}` : name);
      if (!f.profile) {
        subjects.push({ profileId: null });
        identifiers.push(null);
      } else if ('profileId' in f.profile) {
        const p = await this.store.profiles.get(workspaceId, f.profile.profileId);
        if (!p)
          return fail(
            'unknown_profile',
            `${at('profileId')}: profile ${f.profile.profileId} does not exist`,
            at('profileId'),
          );
        subjects.push({ profileId: p.id });
        identifiers.push(null);
      } else {
        const n = normalizeIdentifier(f.profile.type, f.profile.value, config);
        const field = at(
          { user_id: 'userId', email: 'email', phone: 'phone', anonymous_id: 'anonymousId' }[f.profile.type],
        );
        if (!n.ok)
          return fail('invalid_identifier', `${field}: not usable as an identifier: ${n.detail}`, field);
        const [owner] = await this.store.identities.findOwners(workspaceId, [n.identifier]);
        const id = n.identifier;
        subjects.push({
          profileId: owner?.profileId ?? null,
          ...(id.type === 'user_id' ? { userId: id.value } : {}),
          ...(id.type === 'anonymous_id' ? { anonymousId: id.value } : {}),
          ...(id.type !== 'user_id' && id.type !== 'anonymous_id'
            ? { externalIds: [{ type: id.type, id: id.value }] }
            : {}),
        });
        identifiers.push(owner ? null : id);
      }
    }
    const analyses: TextAnalysis[] = [];
    for (const f of v.value) analyses.push(await this.analyze(f));
    const rule = (await this.surveys.workspaceSettings(workspaceId)).alerts;
    const out: FeedbackResult[] = await this.store.transaction(async (tx) => {
      const results: FeedbackResult[] = [];
      const events = [];
      const profileIds: (string | null)[] = [];
      for (const [i, f] of v.value.entries()) {
        const a = analyses[i]!;
        const subject = subjects[i]!;
        const reasons = feedbackAlerts(rule, {
          rating: f.rating,
          ratingScale: f.ratingScale,
          sentiment: a.sentiment.score,
        });
        const rec: FeedbackRecord = {
          id: newId('fbk'),
          source: f.source,
          channel: f.channel,
          touchpoint: f.touchpoint,
          text: f.text,
          rating: f.rating,
          ratingScale: f.ratingScale,
          language: a.language,
          profileId: subject.profileId,
          identifier: identifiers[i] ?? null,
          externalId: f.externalId,
          surveyId: null,
          responseId: null,
          questionId: null,
          sentiment: a.sentiment,
          analysis: analysisToStore(this.analyzer.name, a),
          metadata: f.metadata,
          followupStatus: reasons.length > 0 ? 'open' : null,
          followup:
            reasons.length > 0
              ? [{ status: 'open', by: 'system', at: now, note: reasons.map((r) => r.reason).join(', ') }]
              : [],
          occurredAt: f.occurredAt,
          receivedAt: now,
        };
        if (!(await tx.feedback.insert(workspaceId, rec))) {
          const prior = await tx.feedback.getByExternal(workspaceId, f.source, f.externalId!);
          results.push({
            id: prior!.id,
            duplicate: true,
            profileId: prior!.profileId,
            language: prior!.language,
            sentiment: prior!.sentiment,
          });
          continue;
        }
        results.push({
          id: rec.id,
          duplicate: false,
          profileId: rec.profileId,
          language: rec.language,
          sentiment: rec.sentiment,
        });
        if (!subject.profileId && !subject.userId && !subject.anonymousId && !subject.externalIds) continue; // nobody to tell
        const base = {
          subject,
          channel: f.channel,
          touchpoint: f.touchpoint,
          timestamp: f.occurredAt,
          receivedAt: now,
        };
        events.push(
          systemTrack(
            FEEDBACK_RECEIVED,
            {
              feedbackId: rec.id,
              source: f.source,
              text: f.text,
              ...(f.rating !== null
                ? { rating: f.rating, ratingMin: f.ratingScale!.min, ratingMax: f.ratingScale!.max }
                : {}),
              language: a.language,
              sentiment: a.sentiment.label,
              sentimentScore: a.sentiment.score,
              aspects: a.aspects.map((x) => x.aspect),
            },
            { ...base, messageId: `feedback:${rec.id}` },
          ),
        );
        profileIds.push(subject.profileId);
        for (const r of reasons) {
          events.push(
            systemTrack(
              FEEDBACK_ALERT,
              { ...r, feedbackId: rec.id, source: f.source, kind: 'feedback' },
              { ...base, timestamp: now, messageId: `feedback-alert:${rec.id}:${r.reason}` },
            ),
          );
          profileIds.push(subject.profileId);
        }
      }
      if (events.length > 0) await tx.events.append(workspaceId, events, profileIds);
      return results;
    });
    this.pipeline.notify();
    return { ok: true, value: out };
  }

  /** Detects the language unless given; a text too short to detect is analysed in the given language. */
  async analyze(f: Pick<FeedbackInput, 'text' | 'language'>): Promise<TextAnalysis> {
    return this.analyzer.analyze(f.text, f.language ? { language: f.language } : undefined);
  }

  /** Links records that named an identifier no profile held yet to the profile that holds it now. */
  async #resolvePending(workspaceId: string): Promise<void> {
    const pending = await this.store.feedback.unresolved(workspaceId, 500);
    if (pending.length === 0) return;
    const owners = await this.store.identities.findOwners(
      workspaceId,
      pending.map((f) => f.identifier!),
    );
    const byKey = new Map(owners.map((o) => [`${o.type}\u0000${o.value}`, o.profileId]));
    for (const f of pending) {
      const p = byKey.get(`${f.identifier!.type}\u0000${f.identifier!.value}`);
      if (p) await this.store.feedback.setProfile(workspaceId, f.id, p);
    }
  }

  async get(workspaceId: string, id: string): Promise<Result<FeedbackRecord>> {
    await this.#resolvePending(workspaceId);
    const f = await this.store.feedback.get(workspaceId, id);
    return f ? { ok: true, value: f } : fail('not_found', `feedback ${id} does not exist`);
  }

  /** Records newest first with filters; `before` is the `next` of the previous page. */
  async list(
    workspaceId: string,
    filter: FeedbackFilter,
    page: { limit: number; before?: TimeCursor },
  ): Promise<{ items: FeedbackRecord[]; next: string | null }> {
    await this.#resolvePending(workspaceId);
    const items = await this.store.feedback.list(workspaceId, filter, page);
    const last = items[items.length - 1];
    return { items, next: items.length === page.limit && last ? `${last.occurredAt}_${last.id}` : null };
  }

  /** Themes over the filtered records (up to `max`, newest first), by core's `groupThemes`. */
  async themes(
    workspaceId: string,
    filter: FeedbackFilter,
    max = 5000,
  ): Promise<{ considered: number; themes: Theme[] }> {
    const items: FeedbackRecord[] = [];
    let before: TimeCursor | undefined;
    while (items.length < max) {
      const page = await this.store.feedback.list(workspaceId, filter, {
        limit: Math.min(1000, max - items.length),
        ...(before ? { before } : {}),
      });
      items.push(...page);
      if (page.length < 1000) break;
      const last = page[page.length - 1]!;
      before = { at: last.occurredAt, id: last.id };
    }
    return {
      considered: items.length,
      themes: groupThemes(items.map((f) => ({ id: f.id, analysis: storedAnalysis(f) }))),
    };
  }

  /** Records a follow-up step on a feedback record. */
  async followup(
    workspaceId: string,
    id: string,
    step: { status: FollowupEntry['status']; by: string; note?: string },
  ): Promise<Result<FeedbackRecord>> {
    const entry: FollowupEntry = {
      status: step.status,
      by: step.by,
      at: this.clock.now(),
      ...(step.note ? { note: step.note } : {}),
    };
    if (!(await this.store.feedback.setFollowup(workspaceId, id, entry)))
      return fail('not_found', `feedback ${id} does not exist`);
    return this.get(workspaceId, id);
  }
}
