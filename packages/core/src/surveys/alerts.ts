// Closing the loop: which responses and feedback records raise a `Feedback Alert` event, so an automation can
// create a callback task or alert a manager.
import { npsGroup } from './answers';
import { scalePosition } from './metrics';
import type { AlertRule, StoredAnswer, SurveyDefinition } from './types';

/** The event a matching response or feedback record appends to the profile. */
export const FEEDBACK_ALERT = 'Feedback Alert';

/** Why an alert was raised. */
export interface AlertReason {
  reason: 'detractor' | 'low_score' | 'negative_sentiment';
  questionId?: string;
  /** The score given (detractor, low_score). */
  score?: number;
  /** The sentiment score of the text (negative_sentiment), in [-1, 1]. */
  sentiment?: number;
}

/**
 * The alert reasons of a survey response: an NPS answer 0–6 (`detractor`), a CSAT / rating / CES answer on
 * the unfavourable quarter of its scale (`lowScore`), an open-text answer with sentiment below the threshold.
 * `sentiments` holds the analysed sentiment score of each open-text answer by question id.
 */
export function responseAlerts(
  def: SurveyDefinition,
  answers: Readonly<Record<string, StoredAnswer>>,
  rule: AlertRule,
  sentiments: Readonly<Record<string, number>>,
): AlertReason[] {
  const out: AlertReason[] = [];
  for (const q of def.questions) {
    const a = answers[q.id];
    if (!a) continue;
    if (
      q.type === 'nps' &&
      rule.detractor &&
      typeof a.value === 'number' &&
      npsGroup(a.value) === 'detractor'
    )
      out.push({ reason: 'detractor', questionId: q.id, score: a.value });
    else if (
      rule.lowScore &&
      a.scale &&
      q.type !== 'nps' &&
      typeof a.value === 'number' &&
      scalePosition({ value: a.value, scale: a.scale }) <= 0.25 + 1e-9
    )
      out.push({ reason: 'low_score', questionId: q.id, score: a.value });
    else if (q.type === 'open_text' && rule.sentimentBelow !== undefined) {
      const s = sentiments[q.id];
      if (s !== undefined && s < rule.sentimentBelow)
        out.push({ reason: 'negative_sentiment', questionId: q.id, sentiment: s });
    }
  }
  return out;
}

/** The alert reasons of a feedback record from another channel (a review's low rating, an angry message). */
export function feedbackAlerts(
  rule: AlertRule,
  f: { rating: number | null; ratingScale: { min: number; max: number } | null; sentiment: number | null },
): AlertReason[] {
  const out: AlertReason[] = [];
  if (f.rating !== null && f.ratingScale) {
    const position = scalePosition({ value: f.rating, scale: { ...f.ratingScale, direction: 'ascending' } });
    const nps = f.ratingScale.min === 0 && f.ratingScale.max === 10;
    if (nps && rule.detractor && npsGroup(f.rating) === 'detractor')
      out.push({ reason: 'detractor', score: f.rating });
    else if (!nps && rule.lowScore && position <= 0.25 + 1e-9)
      out.push({ reason: 'low_score', score: f.rating });
  }
  if (f.sentiment !== null && rule.sentimentBelow !== undefined && f.sentiment < rule.sentimentBelow)
    out.push({ reason: 'negative_sentiment', sentiment: f.sentiment });
  return out;
}
