import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  affectedBy,
  affects,
  dependentsOf,
  evaluateMany,
  mergeStates,
  percentBucket,
  pruneState,
  replayView,
  updateState,
  type Condition,
  type RuleNode,
} from '../../src/segments';
import { compile, DAY, HOUR, identify, makeEvent, MINUTE, Profile, T0, track } from './fixtures';

const one = (condition: Condition) => compile({ segments: [{ id: 's', rule: { condition } }] });
const PURCHASE = 'خرید';

describe('behaviour: performed within a rolling window', () => {
  const compiled = one({ type: 'performed', event: { name: PURCHASE }, window: { last: 7, unit: 'days' } });

  it('counts an event until exactly W after it: W - 1 ms later inside, W later outside', () => {
    const p = new Profile(compiled).feed([track(PURCHASE, T0)]);
    assert.deepEqual(p.at('s', T0), { id: 's', member: true, nextCheckAt: T0 + 7 * DAY });
    assert.deepEqual(p.at('s', T0 + 7 * DAY - 1), { id: 's', member: true, nextCheckAt: T0 + 7 * DAY });
    assert.deepEqual(p.at('s', T0 + 7 * DAY), { id: 's', member: false, nextCheckAt: null });
  });

  it('moves the check forward when a newer event arrives', () => {
    const p = new Profile(compiled).feed([track(PURCHASE, T0), track(PURCHASE, T0 + 3 * DAY)]);
    assert.equal(p.at('s', T0 + 5 * DAY).nextCheckAt, T0 + 10 * DAY);
  });

  it('counts an event stamped ahead of the clock from the moment it is processed', () => {
    const p = new Profile(compiled).feed([track(PURCHASE, T0 + HOUR)], T0);
    assert.deepEqual(p.at('s', T0), { id: 's', member: true, nextCheckAt: T0 + HOUR + 7 * DAY });
  });

  it('matches property filters (Persian values, folded Arabic letters) and the channel', () => {
    const c = one({
      type: 'performed',
      event: {
        name: PURCHASE,
        channel: 'store',
        where: [
          { property: 'amount', op: 'gte', value: 100 },
          { property: 'شهر', op: 'equals', value: 'كرج', fold: true },
        ],
      },
    });
    const p = new Profile(c).feed([
      track(PURCHASE, T0, { channel: 'web', properties: { amount: 500, شهر: 'کرج' } }),
      track(PURCHASE, T0 + 1, { channel: 'store', properties: { amount: '۵۰', شهر: 'کرج' } }),
    ]);
    assert.equal(p.at('s', T0 + 2).member, false);
    p.feed([track(PURCHASE, T0 + 3, { channel: 'store', properties: { amount: '۱۵۰', شهر: 'کرج' } })]);
    assert.equal(p.at('s', T0 + 4).member, true);
  });
});

describe('behaviour: counts', () => {
  it('at least N: holds until the N-th most recent event leaves the window, also with late events', () => {
    const c = one({
      type: 'performed',
      event: { name: 'view' },
      count: { op: 'at_least', value: 2 },
      window: { last: 1, unit: 'hours' },
    });
    const p = new Profile(c).feed([track('view', T0 + 30 * MINUTE)], T0 + 30 * MINUTE);
    assert.deepEqual(p.at('s', T0 + 30 * MINUTE), { id: 's', member: false, nextCheckAt: null });
    // A late event (stamped before the first) arrives afterwards.
    p.feed([track('view', T0 + 10 * MINUTE)], T0 + 31 * MINUTE);
    assert.deepEqual(p.at('s', T0 + 31 * MINUTE), { id: 's', member: true, nextCheckAt: T0 + 70 * MINUTE });
    assert.equal(p.at('s', T0 + 70 * MINUTE).member, false);
  });

  it('at most N: fails while more than N are inside, holds again when the (N+1)-th most recent leaves', () => {
    const c = one({
      type: 'performed',
      event: { name: 'call' },
      count: { op: 'at_most', value: 1 },
      window: { last: 1, unit: 'days' },
    });
    const p = new Profile(c).feed([
      track('call', T0),
      track('call', T0 + HOUR),
      track('call', T0 + 2 * HOUR),
    ]);
    assert.deepEqual(p.at('s', T0 + 3 * HOUR), { id: 's', member: false, nextCheckAt: T0 + HOUR + DAY });
    assert.deepEqual(p.at('s', T0 + HOUR + DAY), { id: 's', member: true, nextCheckAt: null });
  });

  it('exactly N: enters when the count falls to N and leaves when it falls below', () => {
    const c = one({
      type: 'performed',
      event: { name: 'call' },
      count: { op: 'exactly', value: 2 },
      window: { last: 1, unit: 'days' },
    });
    const p = new Profile(c).feed([
      track('call', T0),
      track('call', T0 + HOUR),
      track('call', T0 + 2 * HOUR),
    ]);
    assert.deepEqual(p.at('s', T0 + 3 * HOUR), { id: 's', member: false, nextCheckAt: T0 + DAY });
    assert.deepEqual(p.at('s', T0 + DAY), { id: 's', member: true, nextCheckAt: T0 + HOUR + DAY });
    assert.deepEqual(p.at('s', T0 + HOUR + DAY), { id: 's', member: false, nextCheckAt: null });
  });

  it('exactly N never holds when the N-th and (N+1)-th events leave together', () => {
    const c = one({
      type: 'performed',
      event: { name: 'call' },
      count: { op: 'exactly', value: 1 },
      window: { last: 1, unit: 'days' },
    });
    const p = new Profile(c).feed([track('call', T0), track('call', T0)]);
    assert.deepEqual(p.at('s', T0), { id: 's', member: false, nextCheckAt: null });
  });

  it('between two dates: from is included, to is not; ever counts everything', () => {
    const c = compile({
      segments: [
        {
          id: 'march',
          rule: {
            condition: {
              type: 'performed',
              event: { name: PURCHASE },
              window: { from: '2026-03-01', to: '2026-04-01' },
            },
          },
        },
        {
          id: 'loyal',
          rule: {
            condition: { type: 'performed', event: { name: PURCHASE }, count: { op: 'at_least', value: 2 } },
          },
        },
      ],
    });
    const april = Date.UTC(2026, 3, 1);
    const p = new Profile(c).feed([track(PURCHASE, april)]);
    assert.equal(p.at('march', april).member, false);
    p.feed([track(PURCHASE, T0)]);
    assert.deepEqual(p.at('march', april), { id: 'march', member: true, nextCheckAt: null });
    assert.deepEqual(p.at('loyal', april), { id: 'loyal', member: true, nextCheckAt: null });
  });

  it('has not performed: holds with no event, fails after one, holds again once it ages out', () => {
    const c = one({ type: 'not_performed', event: { name: 'login' }, window: { last: 30, unit: 'days' } });
    const p = new Profile(c);
    assert.deepEqual(p.at('s', T0), { id: 's', member: true, nextCheckAt: null });
    p.feed([track('login', T0)]);
    assert.deepEqual(p.at('s', T0), { id: 's', member: false, nextCheckAt: T0 + 30 * DAY });
    assert.equal(p.at('s', T0 + 30 * DAY).member, true);
  });
});

describe('behaviour: last performed, first and last seen', () => {
  it('last performed more than 30 days ago becomes true exactly 30 days after the last event', () => {
    const c = one({
      type: 'last_performed',
      event: { name: PURCHASE },
      op: 'not_within_last',
      value: 30,
      unit: 'days',
    });
    const p = new Profile(c);
    assert.equal(p.at('s', T0).member, false, 'never performed fails every test');
    p.feed([track(PURCHASE, T0 - DAY), track(PURCHASE, T0 - 5 * DAY)]);
    assert.deepEqual(p.at('s', T0), { id: 's', member: false, nextCheckAt: T0 + 29 * DAY });
    assert.deepEqual(p.at('s', T0 + 29 * DAY), { id: 's', member: true, nextCheckAt: null });
  });

  it('last performed before / after a date', () => {
    const c = compile({
      segments: [
        {
          id: 'b',
          rule: { condition: { type: 'last_performed', event: { name: 'x' }, op: 'before', value: T0 } },
        },
        {
          id: 'a',
          rule: {
            condition: { type: 'last_performed', event: { name: 'x' }, op: 'after', value: '2026-02-28' },
          },
        },
      ],
    });
    const p = new Profile(c).feed([track('x', T0 - 1)]);
    assert.equal(p.at('b', T0).member, true);
    assert.equal(p.at('a', T0).member, true);
    p.feed([track('x', T0)]);
    assert.equal(p.at('b', T0).member, false);
  });

  it('first seen within the last 7 days: new customers leave the segment a week after their first event', () => {
    const c = one({ type: 'first_seen', op: 'within_last', value: 7, unit: 'days' });
    const p = new Profile(c, 'prf_1', T0).feed([track('view', T0), track('view', T0 + DAY)]);
    assert.deepEqual(p.at('s', T0 + 2 * DAY), { id: 's', member: true, nextCheckAt: T0 + 7 * DAY });
  });

  it('last seen more than 14 days ago (dormant)', () => {
    const c = one({ type: 'last_seen', op: 'not_within_last', value: 2, unit: 'weeks' });
    const p = new Profile(c).feed([track('view', T0)]);
    assert.deepEqual(p.at('s', T0), { id: 's', member: false, nextCheckAt: T0 + 14 * DAY });
  });
});

describe('trait conditions', () => {
  const at = (condition: Condition, traits: Record<string, unknown>, now = T0) =>
    new Profile(one(condition)).feed([identify(traits, T0)]).at('s', now);

  it('compare strings exactly, or folded (Arabic and Persian letter forms, digits, case)', () => {
    assert.equal(
      at({ type: 'trait', trait: 'city', op: 'equals', value: 'تهران' }, { city: 'تهران' }).member,
      true,
    );
    assert.equal(
      at({ type: 'trait', trait: 'city', op: 'equals', value: 'كرج' }, { city: 'کرج' }).member,
      false,
    );
    assert.equal(
      at({ type: 'trait', trait: 'city', op: 'equals', value: 'كرج', fold: true }, { city: 'کرج' }).member,
      true,
    );
    assert.equal(
      at(
        { type: 'trait', trait: 'name', op: 'starts_with', value: 'ali', fold: true },
        { name: 'Ali Rezaei' },
      ).member,
      true,
    );
    assert.equal(
      at({ type: 'trait', trait: 'bio', op: 'contains', value: 'قهوه' }, { bio: 'عاشق قهوه و کتاب' }).member,
      true,
    );
  });

  it('a missing trait fails every test but not_exists (wrap equals in not to include it)', () => {
    const c: Condition = { type: 'trait', trait: 'city', op: 'not_equals', value: 'تهران' };
    assert.equal(at(c, {}).member, false);
    assert.equal(at(c, { city: 'مشهد' }).member, true);
    assert.equal(at({ type: 'trait', trait: 'city', op: 'not_exists' }, { city: null }).member, true);
    assert.equal(at({ type: 'trait', trait: 'city', op: 'exists' }, { city: 'مشهد' }).member, true);
  });

  it('in lists and arrays (tags)', () => {
    const c: Condition = { type: 'trait', trait: 'tags', op: 'in', value: ['vip', 'وفادار'] };
    assert.equal(at(c, { tags: ['new', 'وفادار'] }).member, true);
    assert.equal(at(c, { tags: 'vip' }).member, true);
    assert.equal(at(c, { tags: ['new'] }).member, false);
    assert.equal(
      at({ type: 'trait', trait: 'tags', op: 'contains', value: 'vip' }, { tags: ['vip', 'x'] }).member,
      true,
    );
  });

  it('compare numbers, reading Persian and Arabic-Indic digits', () => {
    const c: Condition = { type: 'trait', trait: 'age', op: 'between', value: [18, 35] };
    assert.equal(at(c, { age: 35 }).member, true, 'between is inclusive');
    assert.equal(at(c, { age: '۳۶' }).member, false);
    assert.equal(at(c, { age: '٢٠' }).member, true);
    assert.equal(at(c, { age: 'بیست' }).member, false);
    assert.equal(at({ type: 'trait', trait: 'score', op: 'gt', value: 1.5 }, { score: '۱٫۷' }).member, true);
  });

  it('compare dates: before and after are strict, date_between is [from, to)', () => {
    const c: Condition = {
      type: 'trait',
      trait: 'd',
      op: 'date_between',
      value: ['2026-01-01', '2026-02-01'],
    };
    assert.equal(at(c, { d: '2026-01-01' }).member, true);
    assert.equal(at(c, { d: '2026-02-01T00:00:00Z' }).member, false);
    assert.equal(at(c, { d: '2026-01-31T23:59:59+03:30' }).member, true);
    assert.equal(at({ type: 'trait', trait: 'd', op: 'before', value: T0 }, { d: T0 }).member, false);
    assert.equal(at({ type: 'trait', trait: 'd', op: 'after', value: '2026-02-28' }, { d: T0 }).member, true);
  });
});

describe('relative dates: within the next / last N days', () => {
  const c = (extra: Partial<Condition>) =>
    compile({
      segments: [
        {
          id: 's',
          rule: {
            condition: {
              type: 'trait',
              trait: 'birthday',
              op: 'within_next_days',
              value: 7,
              ...extra,
            } as Condition,
          },
        },
      ],
    });

  it('a yearly birthday enters 7 days before at midnight and leaves the day after', () => {
    const p = new Profile(c({ recurring: 'yearly' })).feed([identify({ birthday: '1990-03-20' }, T0)]);
    // 2026-03-01: the birthday (2026-03-20) is 19 days away; it enters on 2026-03-13.
    assert.deepEqual(p.at('s', T0), { id: 's', member: false, nextCheckAt: Date.UTC(2026, 2, 13) });
    assert.deepEqual(p.at('s', Date.UTC(2026, 2, 13)), {
      id: 's',
      member: true,
      nextCheckAt: Date.UTC(2026, 2, 21),
    });
    assert.equal(p.at('s', Date.UTC(2026, 2, 20, 23, 59)).member, true, 'on the birthday itself');
    assert.deepEqual(p.at('s', Date.UTC(2026, 2, 21)), {
      id: 's',
      member: false,
      nextCheckAt: Date.UTC(2027, 2, 13),
    });
  });

  it('counts days at the workspace offset (Tehran, +03:30)', () => {
    const p = new Profile(c({ recurring: 'yearly', utcOffsetMinutes: 210 })).feed([
      identify({ birthday: '1990-03-20' }, T0),
    ]);
    assert.equal(p.at('s', T0).nextCheckAt, Date.UTC(2026, 2, 13) - 210 * MINUTE);
  });

  it('a 29 February birthday falls on 28 February in other years', () => {
    const p = new Profile(c({ recurring: 'yearly', value: 0 })).feed([
      identify({ birthday: '2000-02-29' }, T0),
    ]);
    assert.equal(p.at('s', Date.UTC(2027, 1, 28, 12)).member, true);
    assert.equal(p.at('s', Date.UTC(2028, 1, 28, 12)).member, false);
    assert.equal(p.at('s', Date.UTC(2028, 1, 29, 12)).member, true);
  });

  it('a one-off date (warranty expiry) enters once and never again', () => {
    const p = new Profile(c({})).feed([identify({ birthday: '2026-03-20T15:00:00Z' }, T0)]);
    assert.equal(p.at('s', T0).nextCheckAt, Date.UTC(2026, 2, 13));
    assert.deepEqual(p.at('s', Date.UTC(2026, 2, 21)), { id: 's', member: false, nextCheckAt: null });
  });

  it('within the last N days counts today and the N days before', () => {
    const comp = one({ type: 'trait', trait: 'joined', op: 'within_last_days', value: 2 });
    const p = new Profile(comp).feed([identify({ joined: '2026-03-01' }, T0)]);
    assert.deepEqual(p.at('s', T0 + 2 * DAY + HOUR), { id: 's', member: true, nextCheckAt: T0 + 3 * DAY });
    assert.equal(p.at('s', T0 - 1).nextCheckAt, T0);
  });
});

describe('channels and touchpoints', () => {
  const c = compile({
    segments: [
      {
        id: 'store',
        rule: { condition: { type: 'channel', channel: 'store', window: { last: 30, unit: 'days' } } },
      },
      { id: 'ivr', rule: { condition: { type: 'touchpoint', touchpoint: 'ivr-main' } } },
      {
        id: 'store12',
        rule: { condition: { type: 'touchpoint', touchpoint: 'store-12', channel: 'store' } },
      },
    ],
  });

  it('used a channel within a window, came through a touchpoint (of a channel)', () => {
    const p = new Profile(c).feed([
      track('visit', T0, { channel: 'store', touchpoint: 'store-12' }),
      track('call', T0 + HOUR, { channel: 'phone', touchpoint: 'ivr-main' }),
    ]);
    assert.deepEqual(p.at('store', T0 + DAY), { id: 'store', member: true, nextCheckAt: T0 + 30 * DAY });
    assert.equal(p.at('ivr', T0 + DAY).member, true);
    assert.equal(p.at('store12', T0 + DAY).member, true);
    assert.equal(p.at('store', T0 + 30 * DAY).member, false);
  });
});

describe('consent, surveys, buckets', () => {
  const c = compile({
    segments: [
      { id: 'sms', rule: { condition: { type: 'consent', channel: 'sms', state: 'subscribed' } } },
      { id: 'detractors', rule: { condition: { type: 'nps', question: 'nps', group: 'detractor' } } },
      { id: 'promoters', rule: { condition: { type: 'nps', question: 'nps', group: 'promoter' } } },
      {
        id: 'happy',
        rule: { condition: { type: 'survey_answer', question: 'q1', op: 'contains', value: 'راضی' } },
      },
      { id: 'a', rule: { condition: { type: 'bucket', from: 0, to: 50, salt: 'exp-1' } } },
      { id: 'b', rule: { condition: { type: 'bucket', from: 50, to: 100, salt: 'exp-1' } } },
      { id: 'holdout', rule: { condition: { type: 'bucket', from: 0, to: 10 } } },
    ],
  });

  it('reads consent and survey answers from the view (absent: no member)', () => {
    const p = new Profile(c);
    assert.equal(p.at('sms', T0).member, false);
    p.consent = { sms: { state: 'subscribed', updatedAt: T0 } };
    p.surveys = { nps: { value: '۶', answeredAt: T0 }, q1: { value: 'خیلی راضی هستم', answeredAt: T0 } };
    assert.equal(p.at('sms', T0).member, true);
    assert.equal(p.at('detractors', T0).member, true);
    assert.equal(p.at('promoters', T0).member, false);
    assert.equal(p.at('happy', T0).member, true);
    p.surveys = { nps: { value: 9, answeredAt: T0 } };
    assert.equal(p.at('promoters', T0).member, true);
  });

  it('buckets are stable, split a population by salt, and default the salt to the segment id', () => {
    let a = 0;
    let holdout = 0;
    for (let i = 0; i < 2000; i++) {
      const p = new Profile(c, `prf_${i}`);
      const [ra, rb, rh] = evaluateMany(c, ['a', 'b', 'holdout'], p.view, T0);
      assert.notEqual(ra!.member, rb!.member, 'the same salt splits without overlap');
      if (ra!.member) a++;
      if (rh!.member) holdout++;
      assert.equal(rh!.member, percentBucket(`prf_${i}`, 'holdout') < 10);
    }
    assert.ok(a > 900 && a < 1100, `about half in A (${a})`);
    assert.ok(holdout > 140 && holdout < 260, `about 10% held out (${holdout})`);
    assert.equal(percentBucket('prf_1', 'exp-1'), percentBucket('prf_1', 'exp-1'));
  });
});

describe('segments referring to segments', () => {
  const rule = (condition: Condition): RuleNode => ({ condition });
  const c = compile({
    segments: [
      {
        id: 'recent',
        rule: rule({ type: 'performed', event: { name: PURCHASE }, window: { last: 1, unit: 'days' } }),
      },
      { id: 'tehran', rule: rule({ type: 'trait', trait: 'city', op: 'equals', value: 'تهران' }) },
      {
        id: 'both',
        rule: {
          and: [rule({ type: 'segment', segment: 'recent' }), rule({ type: 'segment', segment: 'tehran' })],
        },
      },
      {
        id: 'vip-or-both',
        rule: { or: [rule({ type: 'segment', segment: 'vip' }), rule({ type: 'segment', segment: 'both' })] },
      },
    ],
    externalSegments: ['vip'],
  });

  it('evaluates referenced segments with their time dependence; external ones through the lookup', () => {
    const p = new Profile(c).feed([identify({ city: 'تهران' }, T0), track(PURCHASE, T0)]);
    assert.deepEqual(p.at('both', T0 + HOUR), { id: 'both', member: true, nextCheckAt: T0 + DAY });
    assert.deepEqual(p.at('vip-or-both', T0 + DAY), { id: 'vip-or-both', member: false, nextCheckAt: null });
    assert.equal(p.at('vip-or-both', T0 + DAY, (id) => id === 'vip').member, true);
  });

  it('orders segments after the ones they refer to', () => {
    const order = c.order;
    assert.ok(order.indexOf('both') > order.indexOf('recent'));
    assert.ok(order.indexOf('vip-or-both') > order.indexOf('both'));
  });

  it('re-evaluates only what an event can change, with everything referring to it', () => {
    assert.deepEqual(affects(c, track(PURCHASE, T0)), ['recent', 'both', 'vip-or-both']);
    assert.deepEqual(affects(c, track('view', T0)), []);
    assert.deepEqual(affects(c, identify({ city: 'مشهد' }, T0)), ['tehran', 'both', 'vip-or-both']);
    assert.deepEqual(
      affects(c, makeEvent({ type: 'track', name: 'x', context: { traits: { city: 'x' } } })),
      ['tehran', 'both', 'vip-or-both'],
    );
    assert.deepEqual(affectedBy(c, { kind: 'segment', segmentId: 'vip' }), ['vip-or-both']);
    assert.deepEqual(dependentsOf(c, ['tehran']), ['both', 'vip-or-both']);
  });
});

describe('affects by channel, consent and survey', () => {
  it('routes channel, touchpoint, seen, consent and survey inputs', () => {
    const c = compile({
      segments: [
        { id: 'store', rule: { condition: { type: 'channel', channel: 'store' } } },
        { id: 'ivr', rule: { condition: { type: 'touchpoint', touchpoint: 'ivr-main' } } },
        { id: 'seen', rule: { condition: { type: 'last_seen', op: 'within_last', value: 1, unit: 'days' } } },
        { id: 'sms', rule: { condition: { type: 'consent', channel: 'sms', state: 'unsubscribed' } } },
        { id: 'nps', rule: { condition: { type: 'nps', question: 'nps', group: 'passive' } } },
      ],
    });
    assert.deepEqual(affects(c, track('x', T0, { channel: 'store' })), ['store', 'seen']);
    assert.deepEqual(affects(c, track('x', T0, { channel: 'phone', touchpoint: 'ivr-main' })), [
      'ivr',
      'seen',
    ]);
    assert.deepEqual(affectedBy(c, { kind: 'consent', channel: 'sms' }), ['sms']);
    assert.deepEqual(affectedBy(c, { kind: 'survey', question: 'nps' }), ['nps']);
  });
});

describe('and / or / not with time', () => {
  it('reports the exact moment a combination changes, skipping changes of parts that do not matter', () => {
    const c = compile({
      segments: [
        {
          id: 's',
          rule: {
            and: [
              {
                condition: { type: 'performed', event: { name: 'view' }, window: { last: 1, unit: 'hours' } },
              },
              {
                not: {
                  condition: {
                    type: 'performed',
                    event: { name: PURCHASE },
                    window: { last: 30, unit: 'minutes' },
                  },
                },
              },
            ],
          },
        },
      ],
    });
    // Viewed at T0, bought at T0 + 10 min: out until the purchase is 30 minutes old (T0 + 40 min), then in
    // until the view is an hour old (T0 + 60 min).
    const p = new Profile(c).feed([track('view', T0), track(PURCHASE, T0 + 10 * MINUTE)]);
    assert.deepEqual(p.at('s', T0 + 15 * MINUTE), { id: 's', member: false, nextCheckAt: T0 + 40 * MINUTE });
    assert.deepEqual(p.at('s', T0 + 40 * MINUTE), { id: 's', member: true, nextCheckAt: T0 + HOUR });
    // Bought long enough after the view that the view leaves first: never in again.
    const q = new Profile(c).feed([track('view', T0), track(PURCHASE, T0 + 50 * MINUTE)]);
    assert.deepEqual(q.at('s', T0 + 55 * MINUTE), { id: 's', member: false, nextCheckAt: null });
  });
});

describe('aggregate state', () => {
  const c = compile({
    segments: [
      {
        id: 's',
        rule: {
          condition: {
            type: 'performed',
            event: { name: PURCHASE },
            count: { op: 'at_least', value: 3 },
            window: { last: 7, unit: 'days' },
          },
        },
      },
    ],
    computedTraits: [
      {
        id: 'spend',
        type: 'sum',
        event: { name: PURCHASE },
        property: 'amount',
        window: { last: 30, unit: 'days' },
      },
    ],
  });
  const events = [0, 1, 2, 3, 4, 5].map((d) =>
    track(PURCHASE, T0 + d * DAY, { properties: { amount: 10 * d } }),
  );

  it('is unchanged (same object) by events no aggregate reads, and JSON round-trips', () => {
    const s = updateState(c, {}, events[0]!, T0);
    assert.equal(updateState(c, s, track('view', T0), T0), s);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  });

  it('keeps N timestamps and one row per bucket, whatever the history length', () => {
    let s = {};
    for (let i = 0; i < 500; i++)
      s = updateState(c, s, track(PURCHASE, T0 + i * HOUR, { properties: { amount: 1 } }), T0 + i * HOUR);
    const sizes = Object.values(s).map((v) => (Array.isArray(v) ? v.length : 0));
    // 3 timestamps; one [bucket, n, sum, min, max] row per day (21 days of hourly events).
    assert.deepEqual(
      sizes.sort((a, b) => a - b),
      [3, 21 * 5],
    );
  });

  it('merges two profiles exactly like replaying both histories', () => {
    const a = new Profile(c, 'a').feed(events.slice(0, 3));
    const b = new Profile(c, 'b').feed(events.slice(3));
    const merged = mergeStates(c, a.aggregates, b.aggregates);
    const replayed = replayView(c, 'a', events, T0 + 6 * DAY);
    assert.deepEqual(pruneState(c, merged, T0 + 6 * DAY), pruneState(c, replayed.aggregates, T0 + 6 * DAY));
  });

  it('prunes what can no longer count and what the set no longer uses', () => {
    const s = replayView(c, 'a', events, T0 + 6 * DAY).aggregates;
    const later = pruneState(c, { ...s, old: 1 }, T0 + 60 * DAY);
    assert.equal(Object.hasOwn(later, 'old'), false);
    assert.ok(Object.values(later).every((v) => !Array.isArray(v) || v.length <= 3));
  });
});
