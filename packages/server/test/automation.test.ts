import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { verifyWebhook } from '@omnicx/channels';
import { testDialects } from '@omnicx/store/testing';
import { httpHarness, WK } from './harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOOK_SECRET = 'whsec_test_secret';

type Row = Record<string, unknown>;

// The stories of PRODUCT.md capability 4, through the HTTP API, with a clock the test moves.
for (const dialect of testDialects())
  describe(`automation processes over HTTP on ${dialect.name}`, () => {
    let hooks: Server;
    let hookUrl = '';
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    before(async () => {
      hooks = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
      hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
    });
    after(async () => {
      await new Promise((r) => hooks.close(r));
    });
    const h = httpHarness(dialect, {
      start: Date.parse('2026-11-23T10:00:00.000Z'),
      engine: { webhookSecret: HOOK_SECRET },
    });
    const { api, send } = h;
    /** What the running engine would do by now: due timers, then the log, then the outbox. */
    const settle = () => h.settle(1);
    const profileOf = async (userId: string): Promise<string> => {
      const r = await api('GET', `/api/v1/profiles/lookup?userId=${userId}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.id as string;
    };
    const publish = async (name: string, definition: unknown): Promise<string> => {
      const c = await api('POST', '/api/v1/processes', { name, definition });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      const p = await api('POST', `/api/v1/processes/${c.body.id}/publish`);
      assert.equal(p.status, 200, JSON.stringify(p.body));
      assert.equal(p.body.status, 'published');
      return c.body.id as string;
    };
    const instancesOf = async (profileId: string) =>
      (await api('GET', `/api/v1/profiles/${profileId}/instances`)).body.instances as Row[];
    const effectsOf = async (profileId: string) =>
      ((await api('GET', `/api/v1/outbox?profileId=${profileId}`)).body.effects as Row[]).reverse();

    const wishlist = {
      nodes: [
        { id: 'trigger', type: 'trigger', trigger: { kind: 'event', event: 'Product Added to Wishlist' } },
        { id: 'wait', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'hours' } },
        {
          id: 'bought',
          type: 'condition',
          branches: [{ id: 'yes', when: { performed: 'Order Completed' } }],
        },
        {
          id: 'offer',
          type: 'action',
          action: { kind: 'send_message', channel: 'email', template: 'wishlist-shipping-offer' },
        },
        { id: 'end', type: 'exit' },
      ],
      edges: [
        { from: 'trigger', to: 'wait' },
        { from: 'wait', to: 'bought' },
        { from: 'bought', port: 'yes', to: 'end' },
        { from: 'bought', port: 'else', to: 'offer' },
        { from: 'offer', to: 'end' },
      ],
    };

    test('write keys get 403; a refused definition names its node', async () => {
      assert.equal((await api('GET', '/api/v1/processes', undefined, WK)).status, 403);
      const bad = structuredClone(wishlist) as { edges: Row[] };
      bad.edges = bad.edges.filter((e) => e.port !== 'else');
      const v = await api('POST', '/api/v1/processes/validate', { definition: bad });
      assert.equal(v.status, 200);
      assert.equal(v.body.valid, false);
      assert.equal(v.body.errors[0].nodeId, 'bought');
      assert.equal(v.body.errors[0].code, 'missing_branch');
      const c = await api('POST', '/api/v1/processes', { name: 'broken', definition: bad });
      const p = await api('POST', `/api/v1/processes/${c.body.id}/publish`);
      assert.equal(p.status, 400);
      assert.equal(p.body.error.code, 'missing_branch');
      assert.equal(p.body.error.details[0].nodeId, 'bought');
      assert.equal((await api('DELETE', `/api/v1/processes/${c.body.id}`)).status, 200);
    });

    test('wishlist → wait 1 hour → not purchased → offer message; a buyer gets none', async () => {
      const id = await publish('Wishlist offer', wishlist);
      await send([
        {
          type: 'identify',
          userId: 'charlotte',
          traits: { email: 'charlotte@example.com', locale: 'fa-IR' },
        },
        {
          type: 'track',
          userId: 'charlotte',
          event: 'Product Added to Wishlist',
          properties: { sku: 'LAMP-7' },
        },
        { type: 'track', userId: 'omid', event: 'Product Added to Wishlist', properties: { sku: 'DESK-2' } },
      ]);
      const charlotte = await profileOf('charlotte');
      const omid = await profileOf('omid');
      let [inst] = await instancesOf(charlotte);
      assert.equal(inst!.status, 'waiting');
      assert.equal(inst!.node, 'wait');
      assert.equal(inst!.waitingUntil, new Date(h.now + HOUR).toISOString());
      // Omid buys within the hour.
      h.now += 20 * 60_000;
      await send([{ type: 'track', userId: 'omid', event: 'Order Completed', properties: { total: 120 } }]);
      h.now += 40 * 60_000;
      await settle();
      [inst] = await instancesOf(charlotte);
      assert.equal(inst!.status, 'completed');
      const fx = await effectsOf(charlotte);
      assert.deepEqual(
        fx.map((e) => [e.kind, e.node, e.status, (e.action as Row).template]),
        [['message.email', 'offer', 'dead', 'wishlist-shipping-offer']],
      );
      // No such template exists in this test: the email sender dead-letters it, saying what to fix.
      assert.match(
        fx[0]!.lastError as string,
        /^template_missing: template wishlist-shipping-offer does not exist/,
      );
      assert.match(fx[0]!.key as string, /^ins_.+:1$/);
      const [omidInst] = await instancesOf(omid);
      assert.equal(omidInst!.status, 'completed');
      assert.deepEqual(await effectsOf(omid), []);
      // History says which path, when and why; the timeline shows the instance.
      const detail = await api('GET', `/api/v1/instances/${inst!.id}`);
      assert.deepEqual(
        (detail.body.history as Row[]).map((h) => `${h.kind}:${h.node}:${h.detail ?? ''}`),
        [
          'started:trigger:event',
          `waiting:wait:until ${h.now}`,
          'resumed:wait:next',
          'branch:bought:else',
          'action:offer:send_message',
          'completed:end:exit node "end"',
        ],
      );
      const omidDetail = await api('GET', `/api/v1/instances/${omidInst!.id}`);
      assert.ok((omidDetail.body.history as Row[]).some((h) => h.kind === 'branch' && h.detail === 'yes'));
      const timeline = await api('GET', `/api/v1/profiles/${charlotte}/events?limit=50`);
      const names = (timeline.body.events as Row[]).map((e) => e.event);
      assert.ok(names.includes('Process Started'), names.join());
      assert.ok(names.includes('Process Ended'), names.join());
      // Per-node counts.
      const stats = await api('GET', `/api/v1/processes/${id}/stats`);
      assert.equal(stats.body.nodes.trigger.entered, 2);
      assert.equal(stats.body.nodes.bought['passed:else'], 1);
      assert.equal(stats.body.nodes.bought['passed:yes'], 1);
      assert.equal(stats.body.nodes.offer.entered, 1);
      assert.deepEqual(stats.body.instances, { total: 2, running: 0 });
    });

    test('order ready to ship → SMS effect at once; a signed webhook is delivered', async () => {
      await publish('Ready to ship', {
        nodes: [
          {
            id: 't',
            type: 'trigger',
            trigger: {
              kind: 'event',
              event: 'Order Ready To Ship',
              where: [{ property: 'carrier', op: 'exists' }],
            },
          },
          {
            id: 'sms',
            type: 'action',
            action: { kind: 'send_message', channel: 'sms', template: 'ready-to-ship' },
          },
          {
            id: 'hook',
            type: 'action',
            action: { kind: 'webhook', url: hookUrl, body: { topic: 'order.ready' } },
          },
        ],
        edges: [
          { from: 't', to: 'sms' },
          { from: 'sms', to: 'hook' },
        ],
      });
      await send([
        {
          type: 'track',
          userId: 'charlotte',
          event: 'Order Ready To Ship',
          properties: { orderId: 'A-1009', carrier: 'post' },
        },
      ]);
      const charlotte = await profileOf('charlotte');
      const fx = (await effectsOf(charlotte)).filter((e) => e.kind !== 'message.email');
      assert.deepEqual(
        fx.map((e) => [e.kind, e.status]),
        [
          ['message.sms', 'pending'],
          ['webhook', 'pending'],
        ],
      );
      await settle();
      assert.equal(received.length, 1);
      const hook = received[0]!;
      assert.ok(verifyWebhook(HOOK_SECRET, hook.headers as Record<string, string>, hook.body, h.now));
      const body = JSON.parse(hook.body) as Row;
      assert.equal(body.topic, 'order.ready');
      assert.equal(hook.headers['idempotency-key'], fx[1]!.key);
      const sent = (await effectsOf(charlotte)).find((e) => e.kind === 'webhook')!;
      assert.equal(sent.status, 'sent');
    });

    test('warranty expiring in 30 days → reminder, planned from the trait', async () => {
      await send([
        {
          type: 'identify',
          userId: 'bita',
          traits: { warranty_expires_at: '2027-01-20', timezone: 'Asia/Tehran' },
        },
      ]);
      const id = await publish('Warranty reminder', {
        nodes: [
          {
            id: 't',
            type: 'trigger',
            trigger: {
              kind: 'date',
              trait: 'warranty_expires_at',
              offset: { amount: 30, unit: 'days', direction: 'before' },
              at: '10:00',
            },
          },
          {
            id: 'remind',
            type: 'action',
            action: { kind: 'send_message', channel: 'email', template: 'warranty' },
          },
        ],
        edges: [{ from: 't', to: 'remind' }],
      });
      // Publishing plans every existing profile's date in the background.
      await settle();
      const bita = await profileOf('bita');
      assert.deepEqual(await instancesOf(bita), []);
      // A profile whose date is set after publishing is planned at ingest.
      await send([{ type: 'identify', userId: 'kian', traits: { warranty_expires_at: '2026-12-30' } }]);
      const kian = await profileOf('kian');
      // 2026-12-21 10:00 Tehran = 06:30Z; 2026-11-30 10:00 UTC.
      h.now = Date.parse('2026-11-30T10:00:00Z');
      await settle();
      assert.equal((await instancesOf(kian)).length, 1);
      assert.deepEqual(
        (await effectsOf(kian)).map((e) => (e.action as Row).template),
        ['warranty'],
      );
      assert.deepEqual(await instancesOf(bita), []);
      h.now = Date.parse('2026-12-21T06:30:00Z');
      await settle();
      const [b] = await instancesOf(bita);
      assert.equal(b!.status, 'completed');
      assert.equal(b!.processId, id);
    });

    test('cart abandoned → reminder after 4 hours unless an order arrives first', async () => {
      await publish('Abandoned cart', {
        nodes: [
          { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Cart Abandoned' } },
          {
            id: 'w',
            type: 'wait',
            wait: { kind: 'event', event: 'Order Completed', timeout: { amount: 4, unit: 'hours' } },
          },
          {
            id: 'remind',
            type: 'action',
            action: { kind: 'send_message', channel: 'sms', template: 'cart-reminder' },
          },
          { id: 'x', type: 'exit' },
        ],
        edges: [
          { from: 't', to: 'w' },
          { from: 'w', port: 'timeout', to: 'remind' },
          { from: 'w', port: 'matched', to: 'x' },
          { from: 'remind', to: 'x' },
        ],
      });
      await send([
        { type: 'track', userId: 'sara', event: 'Cart Abandoned' },
        { type: 'track', userId: 'reza', event: 'Cart Abandoned' },
      ]);
      const sara = await profileOf('sara');
      const reza = await profileOf('reza');
      h.now += 2 * HOUR;
      await send([{ type: 'track', userId: 'reza', event: 'Order Completed', properties: { total: 40 } }]);
      h.now += 2 * HOUR;
      await settle();
      assert.deepEqual(
        (await effectsOf(sara)).map((e) => (e.action as Row).template),
        ['cart-reminder'],
      );
      assert.deepEqual(await effectsOf(reza), []);
      const [r] = await instancesOf(reza);
      assert.equal(r!.status, 'completed');
    });

    test('manual start for a segment in bulk, pause holds before actions, entry rules refuse a second run', async () => {
      const list = await api('POST', '/api/v1/segments', { name: 'Call back', kind: 'list' });
      const ids = [await profileOf('sara'), await profileOf('reza'), await profileOf('omid')];
      assert.equal(
        (await api('POST', `/api/v1/segments/${list.body.id}/members`, { profileIds: ids })).status,
        200,
      );
      const pid = await publish('Callback', {
        nodes: [
          { id: 'm', type: 'trigger', trigger: { kind: 'manual' } },
          { id: 'w', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'days' } },
          {
            id: 'task',
            type: 'action',
            action: { kind: 'task', task: 'callback', title: 'Call about the delayed order' },
          },
          {
            id: 'tag',
            type: 'action',
            action: { kind: 'set_trait', trait: 'callback_planned', value: true },
          },
        ],
        edges: [
          { from: 'm', to: 'w' },
          { from: 'w', to: 'task' },
          { from: 'task', to: 'tag' },
        ],
        entry: { recurrence: 'once' },
      });
      const start = await api('POST', `/api/v1/processes/${pid}/start`, { segment: list.body.id });
      assert.equal(start.status, 202, JSON.stringify(start.body));
      await settle();
      const bulk = await api('GET', `/api/v1/processes/${pid}/bulk-starts/${start.body.bulk.id}`);
      assert.deepEqual([bulk.body.status, bulk.body.started, bulk.body.skipped], ['done', 3, 0]);
      // Once per profile.
      const again = await api('POST', `/api/v1/processes/${pid}/start`, { profileId: ids[0] });
      assert.equal(again.body.skipped.reason, 'already_entered');
      // Pause: the day passes, instances hold before the task.
      assert.equal((await api('POST', `/api/v1/processes/${pid}/pause`)).body.status, 'paused');
      h.now += DAY;
      await settle();
      let stats = await api('GET', `/api/v1/processes/${pid}/stats`);
      assert.equal(stats.body.nodes.task.held, 3);
      assert.equal((await api('GET', `/api/v1/tasks?status=open`)).body.tasks.length, 0);
      assert.equal((await api('POST', `/api/v1/processes/${pid}/resume`)).body.status, 'published');
      await settle();
      stats = await api('GET', `/api/v1/processes/${pid}/stats`);
      assert.equal(stats.body.instances.running, 0);
      const tasks = (await api('GET', `/api/v1/tasks?status=open`)).body.tasks as Row[];
      assert.equal(tasks.length, 3);
      assert.equal(tasks[0]!.kind, 'callback');
      // set_trait applied through the pipeline.
      const p = await api('GET', `/api/v1/profiles/${ids[0]}`);
      assert.equal(p.body.traits.callback_planned, true);
      const done = await api('PATCH', `/api/v1/tasks/${tasks[0]!.id}`, {
        status: 'done',
        assignee: 'agent-7',
      });
      assert.equal(done.body.status, 'done');
    });

    test('a new version does not disturb running instances; cancel; dry run', async () => {
      const c = await api('POST', '/api/v1/processes', {
        name: 'Versioned',
        definition: {
          nodes: [
            { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Signed Up' } },
            { id: 'w', type: 'wait', wait: { kind: 'duration', amount: 2, unit: 'days' } },
            {
              id: 'a',
              type: 'action',
              action: { kind: 'send_message', channel: 'email', template: 'welcome-v1' },
            },
          ],
          edges: [
            { from: 't', to: 'w' },
            { from: 'w', to: 'a' },
          ],
        },
      });
      const pid = c.body.id as string;
      await api('POST', `/api/v1/processes/${pid}/publish`);
      await send([
        { type: 'track', userId: 'nima', event: 'Signed Up' },
        { type: 'track', userId: 'leila', event: 'Signed Up' },
      ]);
      const def2 = structuredClone(c.body.draft) as { nodes: Row[] };
      (def2.nodes[2]!.action as Row).template = 'welcome-v2';
      await api('PATCH', `/api/v1/processes/${pid}`, { definition: def2 });
      const v2 = await api('POST', `/api/v1/processes/${pid}/publish`);
      assert.equal(v2.body.publishedVersion, 2);
      await send([{ type: 'track', userId: 'arash', event: 'Signed Up' }]);
      const leila = await profileOf('leila');
      const [li] = await instancesOf(leila);
      const cancelled = await api('POST', `/api/v1/instances/${li!.id}/cancel`, {
        reason: 'asked us to stop',
      });
      assert.equal(cancelled.body.status, 'cancelled');
      const twice = await api('POST', `/api/v1/instances/${li!.id}/cancel`);
      assert.equal(twice.status, 409, JSON.stringify(twice.body));
      h.now += 2 * DAY;
      await settle();
      const nima = await profileOf('nima');
      const arash = await profileOf('arash');
      assert.deepEqual(
        (await effectsOf(nima)).map((e) => (e.action as Row).template),
        ['welcome-v1'],
      );
      assert.deepEqual(
        (await effectsOf(arash)).map((e) => (e.action as Row).template),
        ['welcome-v2'],
      );
      assert.deepEqual(await effectsOf(leila), []);
      const dry = await api('POST', `/api/v1/processes/${pid}/dry-run`, { profileId: nima });
      assert.equal(dry.status, 200, JSON.stringify(dry.body));
      assert.equal(dry.body.status, 'completed');
      assert.deepEqual(
        (dry.body.effects as Row[]).map((e) => [e.node, e.at]),
        [['a', new Date(h.now + 2 * DAY).toISOString()]],
      );
      const v1 = await api('GET', `/api/v1/processes/${pid}/versions/1`);
      assert.equal(((v1.body.definition as { nodes: Row[] }).nodes[2]!.action as Row).template, 'welcome-v1');
    });
  });
