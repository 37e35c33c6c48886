import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AUTOMATION_SCORE } from '@omnicx/engine';
import { testDialects } from '@omnicx/store/testing';
import { httpHarness } from './harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Row = Record<string, unknown>;

// Issue 4 gaps: `change_score` adds points to the model (and can cause a score-crossed trigger), and a
// crossing caused by decay alone is found by a durable re-check at the exact moment it happens.
for (const dialect of testDialects())
  describe(`automation and scores on ${dialect.name}`, () => {
    const h = httpHarness(dialect, { start: Date.parse('2026-11-23T10:00:00.000Z') });
    const { api, settle, profileOf, publish } = h;
    const track = (userId: string, event: string, properties: Row = {}) =>
      h.send([{ type: 'track', userId, event, properties }]);
    const instancesOf = async (profileId: string, processId: string) =>
      ((await api('GET', `/api/v1/profiles/${profileId}/instances`)).body.instances as Row[]).filter(
        (i) => i.processId === processId,
      );
    const scoreOf = async (profileId: string, model: string) =>
      (await api('GET', `/api/v1/profiles/${profileId}/values`)).body.scores[model] as number;
    const members = async (segmentId: string) =>
      ((await api('GET', `/api/v1/segments/${segmentId}/members`)).body.members as Row[]).map(
        (m) => m.profileId ?? m.id,
      );
    const messageEffects = async (profileId: string, template: string) =>
      ((await api('GET', `/api/v1/outbox?profileId=${profileId}`)).body.effects as Row[]).filter(
        (e) => (e.action as { template?: string }).template === template,
      );
    const crossed = (id: string, model: string, threshold: number, direction: 'up' | 'down') => ({
      nodes: [
        {
          id: 'trigger',
          type: 'trigger',
          trigger: { kind: 'score_crossed', model, threshold, direction },
        },
        { id: 'tell', type: 'action', action: { kind: 'send_message', channel: 'log', template: id } },
        { id: 'end', type: 'exit' },
      ],
      edges: [
        { from: 'trigger', to: 'tell' },
        { from: 'tell', to: 'end' },
      ],
    });

    test('change_score adds its points: scores, a score segment and a score-crossed trigger see them', async () => {
      const model = await api('POST', '/api/v1/score-models', {
        name: 'Engagement',
        definition: { rules: [{ points: 10, per: { name: 'Order Completed' } }] },
      });
      assert.equal(model.status, 201, JSON.stringify(model.body));
      const scm = model.body.id as string;
      const hot = await api('POST', '/api/v1/segments', {
        name: 'Engaged',
        rule: { condition: { type: 'score', model: scm, op: 'gte', value: 30 } },
      });
      assert.equal(hot.status, 201, JSON.stringify(hot.body));
      const reward = await publish('Webinar reward', {
        nodes: [
          { id: 'trigger', type: 'trigger', trigger: { kind: 'event', event: 'Webinar Attended' } },
          { id: 'points', type: 'action', action: { kind: 'change_score', model: scm, points: 25 } },
          { id: 'end', type: 'exit' },
        ],
        edges: [
          { from: 'trigger', to: 'points' },
          { from: 'points', to: 'end' },
        ],
      });
      const hotLead = await publish('Hot lead', crossed('hot-lead', scm, 30, 'up'));
      await settle();

      await track('lena', 'Order Completed');
      await settle();
      const lena = await profileOf('lena');
      assert.equal(await scoreOf(lena, scm), 10);
      assert.deepEqual(await instancesOf(lena, hotLead), []);

      await track('lena', 'Webinar Attended');
      await settle();
      const rewarded = await instancesOf(lena, reward);
      assert.equal(rewarded.length, 1);
      assert.equal(rewarded[0]!.status, 'completed');
      // 10 from the order + 25 from the process.
      assert.equal(await scoreOf(lena, scm), 35);
      assert.deepEqual(await members(hot.body.id as string), [lena]);
      const started = await instancesOf(lena, hotLead);
      assert.equal(started.length, 1, 'the adjustment crossed 30: the hot-lead process started');
      assert.equal((await messageEffects(lena, 'hot-lead')).length, 1);

      // Another adjustment above the threshold is no new crossing.
      h.now += HOUR;
      await track('lena', 'Webinar Attended');
      await settle();
      assert.equal(await scoreOf(lena, scm), 60);
      assert.equal((await instancesOf(lena, hotLead)).length, 1);
    });

    test('a score that decays below a watched threshold is noticed at that moment, with no event', async () => {
      const model = await api('POST', '/api/v1/score-models', {
        name: 'Heat',
        definition: {
          rules: [
            {
              points: 40,
              per: { name: 'Pricing Viewed' },
              decay: { halfLife: { amount: 1, unit: 'days' } },
            },
          ],
        },
      });
      assert.equal(model.status, 201, JSON.stringify(model.body));
      const scm = model.body.id as string;
      const warm = await api('POST', '/api/v1/segments', {
        name: 'Warm',
        rule: { condition: { type: 'score', model: scm, op: 'gte', value: 25 } },
      });
      assert.equal(warm.status, 201);
      const cooling = await publish('Cooling down', crossed('cooling', scm, 25, 'down'));
      await settle();

      const viewedAt = h.now; // 11:00 on the hour: the event's bucket starts at its own time
      await track('omid', 'Pricing Viewed');
      await settle();
      const omid = await profileOf('omid');
      assert.equal(await scoreOf(omid, scm), 40);
      assert.deepEqual(await members(warm.body.id as string), [omid]);
      // The re-check waits for the moment the score halves to 20, below 25.
      const job = await h.engine.store.jobs.get(
        (await h.engine.workspaces.list())[0]!.id,
        AUTOMATION_SCORE,
        omid,
      );
      assert.equal(job?.runAt, viewedAt + DAY);

      h.now = viewedAt + DAY - 1;
      await settle();
      assert.equal(await scoreOf(omid, scm), 40);
      assert.deepEqual(await instancesOf(omid, cooling), []);

      h.now = viewedAt + DAY;
      await settle();
      assert.equal(await scoreOf(omid, scm), 20);
      const started = await instancesOf(omid, cooling);
      assert.equal(started.length, 1, 'the decay crossed 25 downwards: the cooling process started');
      assert.equal((await messageEffects(omid, 'cooling')).length, 1);
      assert.deepEqual(await members(warm.body.id as string), []);

      // Nothing further to cross (10, 5, … stay below 25): no re-check left, no second start.
      h.now = viewedAt + 5 * DAY;
      await settle();
      assert.equal(await scoreOf(omid, scm), 1);
      assert.equal((await instancesOf(omid, cooling)).length, 1);
    });
  });
