import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_RETRY_POLICY, nextAttempt, permanent, temporary } from '../src/index';

const NOW = 1_700_000_000_000;
const busy = temporary('server_error', 'HTTP 503');

describe('retry policy', () => {
  test('a success is sent; a permanent error is dead at once', () => {
    assert.deepEqual(
      nextAttempt({ ok: true }, 1, NOW, () => 0.5),
      { action: 'sent' },
    );
    const d = nextAttempt(permanent('invalid_number', '21211'), 1, NOW, () => 0.5);
    assert.equal(d.action, 'dead');
    assert.match(d.action === 'dead' ? d.reason : '', /permanent error invalid_number/);
  });

  test('backs off exponentially with jitter from the injected random', () => {
    const delays = [1, 2, 3, 4].map((n) => {
      const d = nextAttempt(busy, n, NOW, () => 1);
      assert.equal(d.action, 'retry');
      return d.action === 'retry' ? d.delayMs : -1;
    });
    assert.deepEqual(delays, [30_000, 60_000, 120_000, 240_000]);
    const low = nextAttempt(busy, 1, NOW, () => 0);
    assert.deepEqual(low, { action: 'retry', atMs: NOW + 15_000, delayMs: 15_000 });
    const mid = nextAttempt(busy, 1, NOW, () => 0.5);
    assert.equal(mid.action === 'retry' && mid.delayMs, 22_500);
  });

  test('the delay is capped', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 100, maxDelayMs: 300_000 };
    const d = nextAttempt(busy, 40, NOW, () => 1, policy);
    assert.equal(d.action === 'retry' && d.delayMs, 300_000);
  });

  test('Retry-After is honoured when longer than the backoff, even above the cap', () => {
    const d = nextAttempt(temporary('rate_limited', '429', 90 * 60_000), 1, NOW, () => 0);
    assert.deepEqual(d, { action: 'retry', atMs: NOW + 90 * 60_000, delayMs: 90 * 60_000 });
    const short = nextAttempt(temporary('rate_limited', '429', 1000), 1, NOW, () => 1);
    assert.equal(short.action === 'retry' && short.delayMs, 30_000);
    const absurd = nextAttempt(temporary('rate_limited', '429', 3 * 86_400_000), 1, NOW, () => 1);
    assert.equal(absurd.action, 'dead');
  });

  test('dead after maxAttempts, saying why', () => {
    assert.equal(nextAttempt(busy, 7, NOW, () => 0.5).action, 'retry');
    const d = nextAttempt(busy, 8, NOW, () => 0.5);
    assert.deepEqual(d, {
      action: 'dead',
      reason: 'gave up after 8 attempts; last error server_error: HTTP 503',
    });
  });

  test('a whole retry sequence stays within its budget', () => {
    let at = NOW;
    let attempts = 0;
    for (;;) {
      attempts++;
      const d = nextAttempt(busy, attempts, at, Math.random);
      if (d.action !== 'retry') break;
      assert.ok(d.atMs > at);
      at = d.atMs;
    }
    assert.equal(attempts, DEFAULT_RETRY_POLICY.maxAttempts);
    assert.ok(at - NOW <= (30 + 60 + 120 + 240 + 480 + 960 + 1920) * 1000);
  });
});
