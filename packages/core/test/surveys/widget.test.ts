import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decideWidget,
  type WidgetCandidate,
  type WidgetDecisionInput,
  type WidgetHistory,
} from '../../src/surveys';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T10:00:00Z');

const checkout: WidgetCandidate = {
  surveyId: 'srv_checkout',
  settings: {
    widget: {
      enabled: true,
      triggers: [{ type: 'page', url: '/checkout/done' }],
      recontactDays: 10,
      maxDisplays: 2,
    },
  },
};
const support: WidgetCandidate = {
  surveyId: 'srv_support',
  settings: {
    widget: { enabled: true, triggers: [{ type: 'event', event: 'Ticket Closed' }], segmentId: 'seg_vip' },
  },
};

/** A visitor moving through time: the clock is an input, displays accumulate as the widget shows surveys. */
class Visitor {
  history: { displays: { surveyId: string; at: number }[]; responses: { surveyId: string; at: number }[] } = {
    displays: [],
    responses: [],
  };
  constructor(readonly base: Omit<WidgetDecisionInput, 'history' | 'now' | 'context'>) {}
  visit(now: number, context: WidgetDecisionInput['context']) {
    const d = decideWidget({ ...this.base, history: this.history as WidgetHistory, now, context });
    if (d.surveyId) this.history.displays.push({ surveyId: d.surveyId, at: now });
    return d;
  }
}

const page = { type: 'page' as const, url: 'https://shop.example/checkout/done?order=42' };

describe('widget decision and fatigue (moved clock)', () => {
  it('shows on a matching page, then waits recontactDays, then stops at maxDisplays', () => {
    const v = new Visitor({
      candidates: [checkout],
      visitorKey: 'prf_1',
      memberships: new Set(),
      cooldownDays: 0,
    });
    assert.equal(v.visit(T0, page).surveyId, 'srv_checkout');
    // 9 days 23 hours later: still within the 10-day recontact period.
    const early = v.visit(T0 + 10 * DAY - 3_600_000, page);
    assert.equal(early.surveyId, null);
    assert.deepEqual(early.skipped, [{ surveyId: 'srv_checkout', reason: 'recontact_wait' }]);
    // Exactly 10 days after the display: shown again (second display).
    assert.equal(v.visit(T0 + 10 * DAY, page).surveyId, 'srv_checkout');
    // Far later: max 2 displays reached.
    assert.deepEqual(v.visit(T0 + 100 * DAY, page).skipped, [
      { surveyId: 'srv_checkout', reason: 'max_displays' },
    ]);
  });

  it('applies the workspace cooldown across surveys', () => {
    const v = new Visitor({
      candidates: [checkout, support],
      visitorKey: 'prf_2',
      memberships: new Set(['seg_vip']),
      cooldownDays: 7,
    });
    assert.equal(v.visit(T0, page).surveyId, 'srv_checkout');
    const blocked = v.visit(T0 + 3 * DAY, { type: 'event', event: 'Ticket Closed' });
    assert.equal(blocked.surveyId, null);
    assert.equal(blocked.cooldownUntil, T0 + 7 * DAY);
    assert.deepEqual(blocked.skipped.at(-1), { surveyId: 'srv_support', reason: 'workspace_cooldown' });
    assert.equal(v.visit(T0 + 7 * DAY, { type: 'event', event: 'Ticket Closed' }).surveyId, 'srv_support');
  });

  it('never asks again after a response unless multiple responses are allowed', () => {
    const v = new Visitor({
      candidates: [checkout],
      visitorKey: 'prf_3',
      memberships: new Set(),
      cooldownDays: 0,
    });
    v.history.responses.push({ surveyId: 'srv_checkout', at: T0 });
    assert.deepEqual(v.visit(T0 + 365 * DAY, page).skipped, [
      { surveyId: 'srv_checkout', reason: 'already_responded' },
    ]);
    const again = new Visitor({
      candidates: [{ ...checkout, settings: { ...checkout.settings, multipleResponses: true } }],
      visitorKey: 'prf_3',
      memberships: new Set(),
      cooldownDays: 0,
    });
    again.history.responses.push({ surveyId: 'srv_checkout', at: T0 });
    assert.equal(again.visit(T0 + 5 * DAY, page).surveyId, null); // recontact counts from the response
    assert.equal(again.visit(T0 + 10 * DAY, page).surveyId, 'srv_checkout');
  });

  it('targets by trigger and segment, and samples a stable share of visitors', () => {
    const v = new Visitor({
      candidates: [support],
      visitorKey: 'prf_4',
      memberships: new Set(),
      cooldownDays: 0,
    });
    assert.deepEqual(
      v.visit(T0, { type: 'event', event: 'Ticket Closed' }).skipped[0]?.reason,
      'not_in_segment',
    );
    assert.deepEqual(v.visit(T0, page).skipped[0]?.reason, 'no_trigger_matched');
    const sampled: WidgetCandidate = {
      surveyId: 's',
      settings: { widget: { enabled: true, triggers: [{ type: 'page', url: '/' }], samplePercent: 30 } },
    };
    let shown = 0;
    for (let i = 0; i < 2000; i++) {
      const input = {
        candidates: [sampled],
        visitorKey: `anon_${i}`,
        memberships: new Set<string>(),
        cooldownDays: 0,
        history: { displays: [], responses: [] },
        context: page,
      };
      const first = decideWidget({ ...input, now: T0 }).surveyId;
      // The same visitor gets the same draw at any time.
      assert.equal(decideWidget({ ...input, now: T0 + 50 * DAY }).surveyId, first);
      if (first) shown++;
    }
    assert.ok(shown > 2000 * 0.26 && shown < 2000 * 0.34, `shown ${shown} of 2000`);
  });

  it('prefers the higher priority when several surveys match', () => {
    const low: WidgetCandidate = {
      surveyId: 'low',
      settings: { widget: { enabled: true, triggers: [{ type: 'page', url: '/' }] } },
    };
    const high: WidgetCandidate = {
      surveyId: 'high',
      settings: { widget: { enabled: true, triggers: [{ type: 'page', url: '/' }], priority: 5 } },
    };
    const d = decideWidget({
      candidates: [low, high],
      visitorKey: 'x',
      memberships: new Set(),
      cooldownDays: 0,
      history: { displays: [], responses: [] },
      now: T0,
      context: page,
    });
    assert.equal(d.surveyId, 'high');
  });
});
