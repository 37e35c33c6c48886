// The on-site widget's decision: which survey (if any) to show a visitor on this page or after this event.
// Pure: the visitor's display and response history, their segments and the time are inputs.
import { percentBucket } from '../segments/hash';
import type { SurveySettings, WidgetTrigger } from './types';

/** What just happened in the browser. */
export type WidgetContext = { type: 'page'; url: string } | { type: 'event'; event: string };

/** A survey the widget could show. */
export interface WidgetCandidate {
  surveyId: string;
  settings: SurveySettings;
}

/** The visitor's survey history (all surveys of the workspace). */
export interface WidgetHistory {
  displays: readonly { surveyId: string; at: number }[];
  /** Responses, partial ones included: a visitor who started a survey is not asked again. */
  responses: readonly { surveyId: string; at: number }[];
}

export interface WidgetDecisionInput {
  candidates: readonly WidgetCandidate[];
  context: WidgetContext;
  /** A stable key of the visitor (profile id, else anonymous id): the sampling draw depends on it. */
  visitorKey: string;
  /** Segment and list ids the visitor is in. */
  memberships: ReadonlySet<string>;
  history: WidgetHistory;
  /** Workspace-wide: days after any widget display before another survey may be shown. */
  cooldownDays: number;
  now: number;
}

/** Why a candidate was not shown (the decision endpoint's `reasons`, for debugging targeting). */
export type SkipReason =
  | 'widget_disabled'
  | 'no_trigger_matched'
  | 'not_in_segment'
  | 'not_sampled'
  | 'already_responded'
  | 'max_displays'
  | 'recontact_wait'
  | 'workspace_cooldown';

export interface WidgetDecision {
  /** The survey to show, or null. */
  surveyId: string | null;
  /** Each candidate not chosen and why (in candidate priority order). */
  skipped: { surveyId: string; reason: SkipReason }[];
  /** When the workspace cooldown ends, if it is what blocks. */
  cooldownUntil?: number;
}

const DAY = 86_400_000;

/** Whether a trigger matches what happened. Page URLs are compared without query string and fragment. */
export function triggerMatches(t: WidgetTrigger, ctx: WidgetContext): boolean {
  if (t.type === 'event') return ctx.type === 'event' && ctx.event === t.event;
  if (ctx.type !== 'page') return false;
  const url = ctx.url.split(/[?#]/)[0]!;
  switch (t.match ?? 'contains') {
    case 'equals':
      return url === t.url || url === t.url.replace(/\/$/, '') || `${url}/` === t.url;
    case 'starts_with':
      return url.startsWith(t.url);
    default:
      return url.includes(t.url);
  }
}

/**
 * Decides which survey the widget shows. Candidates are tried by priority (higher first, then in the given
 * order); the first that passes targeting (trigger, segment, sampling) and fatigue (already responded, max
 * displays, recontact period, workspace cooldown) wins.
 *
 * Fatigue semantics: `recontactDays` N: not shown again while its last display is less than N days old;
 * `maxDisplays`: at most that many displays ever; the workspace cooldown C: no survey while the last display
 * of any survey is less than C days old. A visitor who responded (even partially) is not asked again unless
 * the survey allows multiple responses (then the recontact period counts from the response as well).
 */
export function decideWidget(input: WidgetDecisionInput): WidgetDecision {
  const { now, history } = input;
  const skipped: WidgetDecision['skipped'] = [];
  const ordered = input.candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (b.c.settings.widget?.priority ?? 0) - (a.c.settings.widget?.priority ?? 0) || a.i - b.i)
    .map((x) => x.c);
  const lastAny = history.displays.reduce((m, d) => Math.max(m, d.at), -Infinity);
  const cooldownUntil = lastAny + input.cooldownDays * DAY;
  for (const c of ordered) {
    const w = c.settings.widget;
    const skip = (reason: SkipReason) => skipped.push({ surveyId: c.surveyId, reason });
    if (!w || !w.enabled) {
      skip('widget_disabled');
      continue;
    }
    if (!w.triggers.some((t) => triggerMatches(t, input.context))) {
      skip('no_trigger_matched');
      continue;
    }
    if (w.segmentId !== undefined && !input.memberships.has(w.segmentId)) {
      skip('not_in_segment');
      continue;
    }
    const sample = w.samplePercent ?? 100;
    if (sample < 100 && percentBucket(input.visitorKey, `survey:${c.surveyId}`) >= sample) {
      skip('not_sampled');
      continue;
    }
    const responses = history.responses.filter((r) => r.surveyId === c.surveyId);
    if (responses.length > 0 && !c.settings.multipleResponses) {
      skip('already_responded');
      continue;
    }
    const displays = history.displays.filter((d) => d.surveyId === c.surveyId);
    if (displays.length >= (w.maxDisplays ?? 3)) {
      skip('max_displays');
      continue;
    }
    const last = Math.max(-Infinity, ...displays.map((d) => d.at), ...responses.map((r) => r.at));
    if (now < last + (w.recontactDays ?? 30) * DAY) {
      skip('recontact_wait');
      continue;
    }
    if (now < cooldownUntil) {
      skip('workspace_cooldown');
      return { surveyId: null, skipped, cooldownUntil };
    }
    return { surveyId: c.surveyId, skipped };
  }
  return { surveyId: null, skipped };
}
