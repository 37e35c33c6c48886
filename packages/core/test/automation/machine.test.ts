import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  dateTriggerMoment,
  dryRun,
  entryDecision,
  newInstance,
  nextScheduled,
  step,
  untilMoment,
  validateProcess,
  type CompiledProcess,
  type EventRef,
  type MachineContext,
  type ProcessDefinition,
  type ProcessInstance,
  type StepResult,
} from '../../src/index';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function compile(def: unknown, scope?: Parameters<typeof validateProcess>[1]): CompiledProcess {
  const r = validateProcess(def, scope);
  if (!r.ok) throw new Error(r.error.map((e) => e.message).join('\n'));
  return r.value;
}

const ev = (name: string, properties: Record<string, unknown> = {}, timestamp = T0): EventRef => ({
  name,
  type: 'track',
  properties,
  timestamp,
});

const ctx = (now: number, over: Partial<MachineContext['profile']> = {}, paused = false): MachineContext => ({
  now,
  paused,
  profile: { traits: {}, segments: new Set(), ...over },
});

/** The wishlist story from the source article: wishlist → wait 1 h → not purchased → offer email. */
const WISHLIST: ProcessDefinition = {
  nodes: [
    { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Product Added to Wishlist' } },
    { id: 'w', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'hours' } },
    { id: 'c', type: 'condition', branches: [{ id: 'bought', when: { performed: 'Order Completed' } }] },
    {
      id: 'offer',
      type: 'action',
      action: { kind: 'send_message', channel: 'email', template: 'wishlist-offer' },
    },
    { id: 'done', type: 'exit' },
    { id: 'g', type: 'goal', event: 'Order Completed' },
  ],
  edges: [
    { from: 't', to: 'w' },
    { from: 'w', to: 'c' },
    { from: 'c', port: 'bought', to: 'done' },
    { from: 'c', port: 'else', to: 'offer' },
    { from: 'offer', to: 'done' },
  ],
};

function start(proc: CompiledProcess, id = 'ins_1', now = T0, c = ctx(now)): StepResult {
  const t = proc.triggers[0]!;
  const inst = newInstance({
    id,
    processId: 'p1',
    version: 1,
    profileId: 'prf_1',
    trigger: { kind: t.trigger.kind, node: t.id, event: ev('Product Added to Wishlist', { sku: 'A1' }) },
    now,
  });
  return step(proc, inst, { kind: 'start', trigger: t.id }, c);
}

describe('process validation', () => {
  test('accepts the wishlist story', () => {
    const p = compile(WISHLIST);
    assert.deepEqual([...p.watched].sort(), ['Order Completed']);
  });

  test('names unreachable nodes, missing branches and loops without a wait', () => {
    const r = validateProcess({
      nodes: [
        { id: 't', type: 'trigger', trigger: { kind: 'manual' } },
        {
          id: 'c',
          type: 'condition',
          branches: [{ id: 'vip', when: { trait: 'tier', op: 'equals', value: 'gold' } }],
        },
        { id: 'a', type: 'action', action: { kind: 'set_trait', trait: 'x', value: 1 } },
        { id: 'orphan', type: 'exit' },
      ],
      edges: [
        { from: 't', to: 'c' },
        { from: 'c', port: 'vip', to: 'a' },
        { from: 'a', to: 'c' },
      ],
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const byCode = (code: string) => r.error.filter((e) => e.code === code);
    assert.deepEqual(
      byCode('missing_branch').map((e) => e.nodeId),
      ['c'],
    );
    assert.match(byCode('missing_branch')[0]!.message, /port "else"/);
    assert.deepEqual(
      byCode('unreachable').map((e) => e.nodeId),
      ['orphan'],
    );
    assert.equal(byCode('loop_without_wait').length, 1);
    assert.match(byCode('loop_without_wait')[0]!.message, /c → a → c|a → c → a/);
  });

  test('rejects bad fields with the node and path named', () => {
    const r = validateProcess({
      nodes: [
        {
          id: 't',
          type: 'trigger',
          trigger: { kind: 'event', event: 'X', where: [{ property: 'total', op: 'gtx', value: 1 }] },
        },
        { id: 'w', type: 'wait', wait: { kind: 'duration', amount: 0, unit: 'fortnights' } },
        { id: 'a', type: 'action', action: { kind: 'webhook', url: 'ftp://x' }, colour: 'red' },
      ],
      edges: [
        { from: 't', to: 'w' },
        { from: 'w', to: 'a' },
        { from: 'a', port: 'nope', to: 't' },
      ],
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const fields = r.error.map((e) => `${e.nodeId}:${e.code}:${e.field}`);
    assert.ok(fields.includes('t:unknown_operator:nodes[0].trigger.where[0].op'), fields.join('\n'));
    assert.ok(fields.includes('w:invalid_value:nodes[1].wait.amount'), fields.join('\n'));
    assert.ok(fields.includes('w:unknown_unit:nodes[1].wait.unit'), fields.join('\n'));
    assert.ok(fields.includes('a:invalid_value:nodes[2].action.url'), fields.join('\n'));
    assert.ok(fields.includes('a:unknown_field:nodes[2].colour'), fields.join('\n'));
  });

  test('edges must not lead into triggers, ports must exist, unknown segments are named', () => {
    const r = validateProcess(
      {
        nodes: [
          { id: 't', type: 'trigger', trigger: { kind: 'segment_entered', segment: 'seg_missing' } },
          { id: 'x', type: 'exit' },
        ],
        edges: [
          { from: 't', to: 'x' },
          { from: 'x', to: 't' },
        ],
      },
      { segments: ['seg_vip'] },
    );
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.ok(r.error.some((e) => e.code === 'unknown_segment' && e.nodeId === 't'));
    assert.ok(r.error.some((e) => e.code === 'invalid_port' && e.nodeId === 'x'));
  });
});

describe('the step machine', () => {
  const proc = compile(WISHLIST);

  test('wishlist: waits an hour, then sends the offer when nothing was bought', () => {
    const s1 = start(proc);
    assert.equal(s1.instance.status, 'waiting');
    assert.deepEqual(s1.timer, { at: T0 + HOUR, token: 1 });
    assert.equal(s1.effects.length, 0);
    // A stale token does nothing.
    assert.equal(step(proc, s1.instance, { kind: 'timer', token: 0 }, ctx(T0 + HOUR)).unchanged, true);
    const s2 = step(proc, s1.instance, { kind: 'timer', token: 1 }, ctx(T0 + HOUR));
    assert.equal(s2.instance.status, 'completed');
    assert.deepEqual(
      s2.effects.map((e) => [e.key, e.node, e.action.kind]),
      [['ins_1:1', 'offer', 'send_message']],
    );
    assert.deepEqual(
      s2.counts.map((c) => `${c.node}:${c.counter}`),
      ['w:passed:next', 'c:entered', 'c:passed:else', 'offer:entered', 'offer:passed:next', 'done:entered'],
    );
    // Replaying the same input on the same state gives the same effect key: exactly-once downstream.
    const again = step(proc, s1.instance, { kind: 'timer', token: 1 }, ctx(T0 + HOUR));
    assert.deepEqual(
      again.effects.map((e) => e.key),
      ['ins_1:1'],
    );
  });

  test('wishlist: an order during the wait converts (goal) and cancels the timer', () => {
    const s1 = start(proc);
    const s2 = step(
      proc,
      s1.instance,
      { kind: 'event', event: ev('Order Completed', {}, T0 + 10) },
      ctx(T0 + 10),
    );
    assert.equal(s2.instance.status, 'converted');
    assert.equal(s2.timer, null);
    assert.equal(s2.effects.length, 0);
    // Ended instances ignore everything.
    assert.equal(step(proc, s2.instance, { kind: 'timer', token: 1 }, ctx(T0 + HOUR)).unchanged, true);
  });

  test('unwatched events leave the instance unchanged', () => {
    const s1 = start(proc);
    assert.equal(
      step(proc, s1.instance, { kind: 'event', event: ev('Page Viewed') }, ctx(T0 + 5)).unchanged,
      true,
    );
  });

  test('performed condition counts events seen since the start (goal-less variant)', () => {
    const def = structuredClone(WISHLIST);
    def.nodes = def.nodes.filter((n) => n.type !== 'goal');
    const p = compile(def);
    const s1 = start(p);
    const s2 = step(p, s1.instance, { kind: 'event', event: ev('Order Completed') }, ctx(T0 + 10));
    assert.equal(s2.instance.status, 'waiting');
    assert.deepEqual(s2.instance.seen['Order Completed'], [T0]);
    const s3 = step(p, s2.instance, { kind: 'timer', token: 1 }, ctx(T0 + HOUR));
    assert.equal(s3.instance.status, 'completed');
    assert.equal(s3.effects.length, 0);
    assert.ok(s3.history.some((h) => h.kind === 'branch' && h.detail === 'bought'));
  });

  test('cart abandoned: wait for an order with a 4 h timeout', () => {
    const p = compile({
      nodes: [
        { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Cart Abandoned' } },
        {
          id: 'w',
          type: 'wait',
          wait: { kind: 'event', event: 'Order Completed', timeout: { amount: 4, unit: 'hours' } },
        },
        { id: 'remind', type: 'action', action: { kind: 'send_message', channel: 'sms', template: 'cart' } },
        { id: 'x', type: 'exit' },
      ],
      edges: [
        { from: 't', to: 'w' },
        { from: 'w', port: 'timeout', to: 'remind' },
        { from: 'w', port: 'matched', to: 'x' },
        { from: 'remind', to: 'x' },
      ],
    });
    const s1 = start(p);
    assert.equal(s1.timer?.at, T0 + 4 * HOUR);
    const ordered = step(p, s1.instance, { kind: 'event', event: ev('Order Completed') }, ctx(T0 + HOUR));
    assert.equal(ordered.instance.status, 'completed');
    assert.equal(ordered.effects.length, 0);
    assert.equal(ordered.timer, null);
    const timedOut = step(p, s1.instance, { kind: 'timer', token: 1 }, ctx(T0 + 4 * HOUR));
    assert.deepEqual(
      timedOut.effects.map((e) => e.node),
      ['remind'],
    );
  });

  test('exit criteria end a waiting instance', () => {
    const p = compile({
      ...WISHLIST,
      nodes: WISHLIST.nodes.filter((n) => n.type !== 'goal'),
      exitWhen: { trait: 'unsubscribed', op: 'equals', value: true },
    });
    assert.equal(p.watchAll, true);
    const s1 = start(p);
    const s2 = step(
      p,
      s1.instance,
      { kind: 'event', event: { ...ev('x'), name: null, type: 'identify' } },
      ctx(T0 + 1, { traits: { unsubscribed: true } }),
    );
    assert.equal(s2.instance.status, 'exited');
  });

  test('pausing holds before the next action; resuming runs it', () => {
    const s1 = start(proc);
    const held = step(proc, s1.instance, { kind: 'timer', token: 1 }, ctx(T0 + HOUR, {}, true));
    assert.equal(held.instance.status, 'held');
    assert.equal(held.instance.node, 'offer');
    assert.equal(held.effects.length, 0);
    assert.equal(step(proc, held.instance, { kind: 'resume' }, ctx(T0 + 2 * HOUR, {}, true)).unchanged, true);
    const resumed = step(proc, held.instance, { kind: 'resume' }, ctx(T0 + 2 * HOUR));
    assert.equal(resumed.instance.status, 'completed');
    assert.deepEqual(
      resumed.effects.map((e) => e.key),
      ['ins_1:1'],
    );
  });

  test('random split is deterministic per instance and follows the weights', () => {
    const p = compile({
      nodes: [
        { id: 't', type: 'trigger', trigger: { kind: 'manual' } },
        {
          id: 's',
          type: 'split',
          variants: [
            { id: 'a', weight: 80 },
            { id: 'b', weight: 20 },
          ],
        },
        { id: 'x', type: 'exit' },
        { id: 'y', type: 'exit' },
      ],
      edges: [
        { from: 't', to: 's' },
        { from: 's', port: 'a', to: 'x' },
        { from: 's', port: 'b', to: 'y' },
      ],
    });
    let a = 0;
    for (let i = 0; i < 2000; i++) {
      const r = start(p, `ins_${i}`);
      if (r.instance.variants.s === 'a') a++;
      assert.equal(start(p, `ins_${i}`).instance.variants.s, r.instance.variants.s);
    }
    assert.ok(a > 1500 && a < 1700, `80% expected, got ${a / 20}%`);
  });

  test('A/B test counts a conversion per variant once', () => {
    const p = compile({
      nodes: [
        { id: 't', type: 'trigger', trigger: { kind: 'manual' } },
        {
          id: 'ab',
          type: 'ab_test',
          variants: [
            { id: 'a', weight: 1 },
            { id: 'b', weight: 1 },
          ],
          goal: { event: 'Order Completed' },
        },
        { id: 'w', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'days' } },
        { id: 'w2', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'days' } },
        { id: 'x', type: 'exit' },
      ],
      edges: [
        { from: 'w', to: 'x' },
        { from: 'w2', to: 'x' },
        { from: 't', to: 'ab' },
        { from: 'ab', port: 'a', to: 'w' },
        { from: 'ab', port: 'b', to: 'w2' },
      ],
    });
    const s1 = start(p);
    const v = s1.instance.variants.ab!;
    const s2 = step(p, s1.instance, { kind: 'event', event: ev('Order Completed') }, ctx(T0 + 1));
    assert.deepEqual(s2.counts, [{ node: 'ab', counter: `converted:${v}` }]);
    const s3 = step(p, s2.instance, { kind: 'event', event: ev('Order Completed') }, ctx(T0 + 2));
    assert.equal(s3.counts.length, 0);
  });

  test('message outcomes feed step conditions', () => {
    const p = compile({
      nodes: [
        { id: 't', type: 'trigger', trigger: { kind: 'manual' } },
        { id: 'mail', type: 'action', action: { kind: 'send_message', channel: 'email', template: 'offer' } },
        { id: 'w', type: 'wait', wait: { kind: 'duration', amount: 2, unit: 'days' } },
        {
          id: 'c',
          type: 'condition',
          branches: [{ id: 'clicked', when: { step: 'mail', outcome: 'clicked' } }],
        },
        { id: 'sms', type: 'action', action: { kind: 'send_message', channel: 'sms', template: 'nudge' } },
        { id: 'x', type: 'exit' },
      ],
      edges: [
        { from: 't', to: 'mail' },
        { from: 'mail', to: 'w' },
        { from: 'w', to: 'c' },
        { from: 'c', port: 'clicked', to: 'x' },
        { from: 'c', port: 'else', to: 'sms' },
      ],
    });
    const s1 = start(p);
    const click = ev('Message Clicked', { process_instance_id: 'ins_1', process_node_id: 'mail' });
    const s2 = step(p, s1.instance, { kind: 'event', event: click }, ctx(T0 + HOUR));
    assert.deepEqual(s2.instance.outcomes, { mail: ['clicked'] });
    const s3 = step(p, s2.instance, { kind: 'timer', token: 1 }, ctx(T0 + 2 * DAY));
    assert.equal(s3.effects.length, 0);
    assert.equal(s3.instance.endReason, 'exit node "x"');
    const other = step(p, s1.instance, { kind: 'timer', token: 1 }, ctx(T0 + 2 * DAY));
    assert.deepEqual(
      other.effects.map((e) => e.key),
      ['ins_1:2'],
    );
  });

  test('wait until: next weekday morning in the profile time zone', () => {
    // Monday 2026-11-23 22:00 Tehran (+03:30) → Tuesday 09:00 Tehran (05:30Z) with weekdays Mon-Fri 9-17.
    const now = Date.parse('2026-11-23T18:30:00Z');
    const t = untilMoment(
      { kind: 'until', weekdays: [1, 2, 3, 4, 5], hours: { from: 9, to: 17 } },
      now,
      'Asia/Tehran',
      {},
    );
    assert.equal(new Date(t!).toISOString(), '2026-11-24T05:30:00.000Z');
    // Friday evening → Monday 09:00.
    const fri = Date.parse('2026-11-27T16:00:00Z');
    const t2 = untilMoment(
      { kind: 'until', weekdays: [1, 2, 3, 4, 5], hours: { from: 9, to: 17 } },
      fri,
      'Europe/Berlin',
      {},
    );
    assert.equal(new Date(t2!).toISOString(), '2026-11-30T08:00:00.000Z');
    // Inside the window: no wait.
    const inside = Date.parse('2026-11-24T10:00:00Z');
    assert.equal(untilMoment({ kind: 'until', hours: { from: 9, to: 17 } }, inside, 'UTC', {}), inside);
    // A date trait at a time.
    const t3 = untilMoment({ kind: 'until', trait: 'appointment', at: '08:00' }, now, 'Asia/Tehran', {
      appointment: '2026-12-01',
    });
    assert.equal(new Date(t3!).toISOString(), '2026-12-01T04:30:00.000Z');
    assert.equal(untilMoment({ kind: 'until', trait: 'appointment' }, now, 'UTC', {}), null);
  });

  test('schedules: daily, weekly and cron in a time zone, across DST', () => {
    const now = Date.parse('2026-11-23T10:00:00Z'); // Monday
    assert.equal(
      new Date(nextScheduled({ every: 'day', at: '09:00' }, now, 'UTC')!).toISOString(),
      '2026-11-24T09:00:00.000Z',
    );
    assert.equal(
      new Date(nextScheduled({ every: 'week', weekday: 5, at: '18:30' }, now, 'Asia/Tehran')!).toISOString(),
      '2026-11-27T15:00:00.000Z',
    );
    assert.equal(
      new Date(nextScheduled({ every: 'cron', cron: '*/15 9-17 * * mon-fri' }, now, 'UTC')!).toISOString(),
      '2026-11-23T10:15:00.000Z',
    );
    assert.equal(
      new Date(nextScheduled({ every: 'cron', cron: '0 0 1 1 *' }, now, 'UTC')!).toISOString(),
      '2027-01-01T00:00:00.000Z',
    );
    // Berlin switches to summer time on 2027-03-28: 09:00 local is 08:00Z before, 07:00Z after.
    const before = Date.parse('2027-03-27T10:00:00Z');
    assert.equal(
      new Date(nextScheduled({ every: 'day', at: '09:00' }, before, 'Europe/Berlin')!).toISOString(),
      '2027-03-28T07:00:00.000Z',
    );
  });

  test('date triggers: 30 days before a date, and yearly birthdays at 10:00 local', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    const warranty = dateTriggerMoment(
      {
        kind: 'date',
        trait: 'warranty_expires_at',
        offset: { amount: 30, unit: 'days', direction: 'before' },
      },
      '2027-01-15',
      now,
      'UTC',
    );
    assert.equal(new Date(warranty!).toISOString(), '2026-12-16T09:00:00.000Z');
    assert.equal(
      dateTriggerMoment(
        { kind: 'date', trait: 'w', offset: { amount: 30, unit: 'days', direction: 'before' } },
        '2026-12-01',
        now,
        'UTC',
      ),
      null,
    );
    const bday = dateTriggerMoment(
      { kind: 'date', trait: 'birthday', at: '10:00', recurring: 'yearly' },
      '1990-03-21',
      now,
      'Asia/Tehran',
    );
    assert.equal(new Date(bday!).toISOString(), '2027-03-21T06:30:00.000Z');
    const leap = dateTriggerMoment(
      { kind: 'date', trait: 'birthday', recurring: 'yearly' },
      '2000-02-29',
      now,
      'UTC',
    );
    assert.equal(new Date(leap!).toISOString(), '2027-02-28T09:00:00.000Z');
  });

  test('entry rules: once, if not running, frequency', () => {
    assert.equal(entryDecision({ recurrence: 'once' }, { running: 0, total: 1, recent: [] }, T0).ok, false);
    assert.equal(entryDecision(undefined, { running: 1, total: 1, recent: [] }, T0).ok, false);
    assert.equal(entryDecision({ recurrence: 'always' }, { running: 1, total: 1, recent: [] }, T0).ok, true);
    const f = {
      recurrence: 'always' as const,
      frequency: { max: 2, per: { amount: 7, unit: 'days' as const } },
    };
    assert.equal(entryDecision(f, { running: 0, total: 2, recent: [T0 - DAY, T0 - 2 * DAY] }, T0).ok, false);
    assert.equal(entryDecision(f, { running: 0, total: 2, recent: [T0 - DAY, T0 - 8 * DAY] }, T0).ok, true);
  });

  test('dry run walks every wait to its end', () => {
    const r = dryRun(proc, { profileId: 'prf_1', profile: { traits: {}, segments: new Set() }, now: T0 });
    assert.equal(r.instance.status, 'completed');
    assert.deepEqual(
      r.effects.map((e) => [e.node, e.at]),
      [['offer', T0 + HOUR]],
    );
  });

  test('an instance on an old version keeps its graph', () => {
    const inst: ProcessInstance = start(proc).instance;
    const v2 = compile({
      ...WISHLIST,
      nodes: WISHLIST.nodes.map((n) =>
        n.id === 'offer' ? { ...n, action: { kind: 'send_message', channel: 'sms', template: 'x' } } : n,
      ),
    } as ProcessDefinition);
    // The engine passes the instance's own version; v2 would send an SMS instead.
    const s = step(proc, inst, { kind: 'timer', token: 1 }, ctx(T0 + HOUR));
    assert.equal((s.effects[0]!.action as { channel: string }).channel, 'email');
    assert.equal(
      (step(v2, inst, { kind: 'timer', token: 1 }, ctx(T0 + HOUR)).effects[0]!.action as { channel: string })
        .channel,
      'sms',
    );
  });
});
