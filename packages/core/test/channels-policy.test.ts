import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  capExceeded,
  consentDecision,
  quietHoursEnd,
  validateMessagingPolicy,
  type ConsentEntry,
} from '../src/index';

const row = (groupId: string, state: 'subscribed' | 'unsubscribed', reason: string): ConsentEntry => ({
  channel: 'email',
  groupId,
  state,
  reason,
  updatedAt: 0,
});
const offers = { id: 'offers', channel: 'email', mode: 'opt_out' as const };
const news = { id: 'news', channel: 'email', mode: 'opt_in' as const };

describe('consent decisions', () => {
  test('opt-out groups reach everyone until they leave; opt-in groups only those who joined', () => {
    assert.deepEqual(
      consentDecision({ channel: 'email', category: 'marketing', group: offers, consents: [] }),
      { ok: true },
    );
    assert.deepEqual(
      consentDecision({ channel: 'email', category: 'marketing', group: news, consents: [] }),
      {
        ok: false,
        reason: 'not_opted_in',
        groupId: 'news',
      },
    );
    assert.equal(
      consentDecision({
        channel: 'email',
        category: 'marketing',
        group: news,
        consents: [row('news', 'subscribed', 'opt_in')],
      }).ok,
      true,
    );
    assert.deepEqual(
      consentDecision({
        channel: 'email',
        category: 'marketing',
        group: offers,
        consents: [row('offers', 'unsubscribed', 'unsubscribed')],
      }),
      { ok: false, reason: 'unsubscribed', groupId: 'offers' },
    );
  });

  test('transactional ignores marketing opt-outs and complaints, never a hard bounce or a manual close', () => {
    for (const reason of ['unsubscribed', 'complaint']) {
      const consents = [row('', 'unsubscribed', reason)];
      assert.equal(
        consentDecision({ channel: 'email', category: 'transactional', consents }).ok,
        true,
        reason,
      );
      assert.equal(
        consentDecision({ channel: 'email', category: 'marketing', group: offers, consents }).ok,
        false,
        reason,
      );
    }
    for (const reason of ['hard_bounce', 'manual']) {
      const d = consentDecision({
        channel: 'email',
        category: 'transactional',
        consents: [row('', 'unsubscribed', reason)],
      });
      assert.deepEqual(d, { ok: false, reason, groupId: '' });
    }
    // Another channel's state does not matter.
    assert.equal(
      consentDecision({
        channel: 'sms',
        category: 'marketing',
        consents: [row('', 'unsubscribed', 'hard_bounce')],
      }).ok,
      true,
    );
  });
});

describe('frequency caps', () => {
  const H = 3_600_000;
  const caps = [{ channel: 'email', max: 3, windowHours: 168 }];
  test('at most 3 marketing emails a week; the slot frees when the oldest leaves the window', () => {
    const now = 1000 * H;
    assert.equal(capExceeded(caps, 'email', 'marketing', [now - 10 * H, now - 5 * H], now), undefined);
    const over = capExceeded(
      caps,
      'email',
      'marketing',
      [now - 200 * H, now - 100 * H, now - 50 * H, now - H],
      now,
    );
    assert.ok(over);
    assert.equal(over.count, 3);
    assert.equal(over.freesAt, now - 100 * H + 168 * H);
    assert.equal(
      capExceeded(caps, 'email', 'transactional', [now, now, now, now], now),
      undefined,
      'caps count marketing',
    );
    assert.equal(capExceeded(caps, 'sms', 'marketing', [now, now, now], now), undefined);
  });
  test('invalid policies are explained', () => {
    assert.deepEqual(
      validateMessagingPolicy({
        quietHours: { start: '25:00', end: '08:00' },
        caps: [{ channel: 'email', max: 0, windowHours: 0 }],
      }),
      [
        'quietHours.start must be a 24-hour time "HH:MM" (got "25:00")',
        'caps[0].max must be a whole number of at least 1',
        'caps[0].windowHours must be more than 0',
      ],
    );
  });
});

describe('quiet hours', () => {
  const q = { start: '21:00', end: '08:00' };
  test('a message at 23:00 in Tehran waits until 08:00 Tehran time; one at 10:00 goes', () => {
    const late = Date.parse('2026-11-23T19:30:00Z'); // 23:00 in Tehran (UTC+3:30)
    assert.equal(
      quietHoursEnd(q, 'email', 'marketing', 'Asia/Tehran', late),
      Date.parse('2026-11-24T04:30:00Z'),
    );
    const early = Date.parse('2026-11-24T01:00:00Z'); // 04:30 in Tehran: same night, same end
    assert.equal(
      quietHoursEnd(q, 'email', 'marketing', 'Asia/Tehran', early),
      Date.parse('2026-11-24T04:30:00Z'),
    );
    assert.equal(
      quietHoursEnd(q, 'email', 'marketing', 'Asia/Tehran', Date.parse('2026-11-24T06:30:00Z')),
      undefined,
    );
    // The same instant is 19:30 in London: no quiet hours there yet.
    assert.equal(quietHoursEnd(q, 'email', 'marketing', 'Europe/London', late), undefined);
    assert.equal(
      quietHoursEnd(q, 'email', 'marketing', 'Europe/London', Date.parse('2026-11-23T22:00:00Z')),
      Date.parse('2026-11-24T08:00:00Z'),
    );
  });
  test('transactional and other channels pass unless asked', () => {
    const late = Date.parse('2026-11-23T19:30:00Z');
    assert.equal(quietHoursEnd(q, 'email', 'transactional', 'Asia/Tehran', late), undefined);
    assert.ok(quietHoursEnd({ ...q, transactional: true }, 'email', 'transactional', 'Asia/Tehran', late));
    assert.equal(
      quietHoursEnd({ ...q, channels: ['sms'] }, 'email', 'marketing', 'Asia/Tehran', late),
      undefined,
    );
  });
  test('a window inside one day (13:00–14:00) works too', () => {
    const t = Date.parse('2026-06-01T13:30:00Z');
    assert.equal(
      quietHoursEnd({ start: '13:00', end: '14:00' }, 'sms', 'marketing', 'UTC', t),
      Date.parse('2026-06-01T14:00:00Z'),
    );
  });
});
