import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FeedbackRecord, Store, SurveyResponseRecord } from '../src/index';
import { testDialects } from '../src/testing';

const WS = 'ws_1';

const response = (
  id: string,
  startedAt: number,
  over: Partial<SurveyResponseRecord> = {},
): SurveyResponseRecord => ({
  id,
  surveyId: 'srv_1',
  surveyVersion: 1,
  linkId: 'slk_1',
  profileId: 'prf_1',
  anonymousId: null,
  userId: null,
  source: 'link',
  channel: 'email',
  touchpoint: null,
  language: 'fa',
  answers: { nps: { type: 'nps', value: 9, scale: { min: 0, max: 10, points: 11, direction: 'ascending' } } },
  completed: false,
  endScreen: null,
  nps: 9,
  resumeHash: null,
  saves: 1,
  followupStatus: null,
  followup: [],
  startedAt,
  updatedAt: startedAt,
  completedAt: null,
  ...over,
});

const feedback = (id: string, over: Partial<FeedbackRecord> = {}): FeedbackRecord => ({
  id,
  source: 'review',
  channel: 'web',
  touchpoint: null,
  text: 'ارسال خیلی دیر بود',
  rating: 1.5,
  ratingScale: { min: 1, max: 5 },
  language: 'fa',
  profileId: null,
  identifier: { type: 'email', value: 'a@example.com' },
  externalId: 'r-1',
  surveyId: null,
  responseId: null,
  questionId: null,
  sentiment: { label: 'negative', score: -0.62 },
  analysis: { analyzer: 'x', keywords: [], aspects: [] },
  metadata: { author: 'سارا' },
  followupStatus: null,
  followup: [],
  occurredAt: 1000,
  receivedAt: 2000,
  ...over,
});

for (const dialect of testDialects())
  describe(`survey and feedback repositories on ${dialect.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      const o = await dialect.open();
      store = o.store;
      cleanup = o.cleanup;
    });
    after(() => cleanup());

    test('surveys round-trip, are found by id alone, and the secret is created once', async () => {
      await store.surveys.put(WS, {
        id: 'srv_1',
        name: 'NPS',
        status: 'active',
        version: 1,
        definition: { languages: ['fa'], questions: [], endScreens: [] },
        settings: { anonymous: true },
        createdAt: 1,
        updatedAt: 1,
      });
      assert.equal((await store.surveys.get(WS, 'srv_1'))?.name, 'NPS');
      assert.equal((await store.surveys.locate('srv_1'))?.workspaceId, WS);
      assert.equal(await store.surveys.findSecret(WS), undefined);
      const s1 = await store.surveys.secret(WS, 'first', 5);
      const s2 = await store.surveys.secret(WS, 'second', 6);
      assert.deepEqual([s1, s2], ['first', 'first']);
    });

    test('responses upsert, page newest first, and count towards the visitor history', async () => {
      await store.surveys.putResponse(WS, response('rsp_a', 100));
      await store.surveys.putResponse(
        WS,
        response('rsp_b', 200, { linkId: null, profileId: null, anonymousId: 'anon-9' }),
      );
      await store.surveys.putResponse(
        WS,
        response('rsp_a', 100, { completed: true, completedAt: 150, saves: 2 }),
      );
      const a = await store.surveys.getResponse(WS, 'rsp_a');
      assert.equal(a?.completed, true);
      assert.equal(a?.saves, 2);
      assert.deepEqual(a?.answers, response('x', 0).answers);
      const page1 = await store.surveys.listResponses(WS, { surveyId: 'srv_1' }, { limit: 1 });
      assert.deepEqual(
        page1.map((r) => r.id),
        ['rsp_b'],
      );
      const page2 = await store.surveys.listResponses(
        WS,
        { surveyId: 'srv_1' },
        { limit: 5, before: { at: 200, id: 'rsp_b' } },
      );
      assert.deepEqual(
        page2.map((r) => r.id),
        ['rsp_a'],
      );
      assert.deepEqual(
        (await store.surveys.listResponses(WS, { surveyId: 'srv_1', completed: true }, { limit: 5 })).map(
          (r) => r.id,
        ),
        ['rsp_a'],
      );
      assert.deepEqual(
        (await store.surveys.responsesOfLink(WS, 'slk_1')).map((r) => r.id),
        ['rsp_a'],
      );
      const history = await store.surveys.responsesOfVisitor(WS, {
        profileIds: ['prf_1'],
        anonymousId: 'anon-9',
      });
      assert.equal(history.length, 2);
      assert.equal(await store.surveys.countResponses(WS, 'srv_1'), 2);
    });

    test('links and displays count as distributed in a time range', async () => {
      await store.surveys.insertLink(WS, {
        id: 'slk_1',
        surveyId: 'srv_1',
        profileId: 'prf_1',
        language: 'fa',
        channel: 'sms',
        touchpoint: null,
        createdAt: 10,
        expiresAt: 99,
      });
      await store.surveys.insertDisplay(WS, {
        id: 'sdp_1',
        surveyId: 'srv_1',
        visitorKey: 'anon:x',
        shownAt: 20,
      });
      await store.surveys.insertDisplay(WS, {
        id: 'sdp_2',
        surveyId: 'srv_1',
        visitorKey: 'prf_1',
        shownAt: 30,
      });
      assert.deepEqual(await store.surveys.distributed(WS, 'srv_1', 0, 25), { links: 1, displays: 1 });
      assert.deepEqual(await store.surveys.displaysOf(WS, ['prf_1', 'anon:x']), [
        { surveyId: 'srv_1', at: 30 },
        { surveyId: 'srv_1', at: 20 },
      ]);
      assert.equal((await store.surveys.getLink(WS, 'slk_1'))?.channel, 'sms');
    });

    test('feedback dedupes by (source, externalId), filters, resolves, and keeps follow-up history', async () => {
      assert.equal(await store.feedback.insert(WS, feedback('fbk_1')), true);
      assert.equal(await store.feedback.insert(WS, feedback('fbk_2')), false);
      assert.equal(
        await store.feedback.insert(
          WS,
          feedback('fbk_3', {
            externalId: null,
            source: 'chat',
            sentiment: { label: 'positive', score: 0.5 },
            occurredAt: 3000,
          }),
        ),
        true,
      );
      assert.equal(
        await store.feedback.insert(
          WS,
          feedback('fbk_4', { externalId: null, source: 'chat', occurredAt: 3000 }),
        ),
        true,
      );
      const f = await store.feedback.get(WS, 'fbk_1');
      assert.equal(f?.rating, 1.5);
      assert.equal(f?.sentiment.score, -0.62);
      assert.deepEqual(f?.metadata, { author: 'سارا' });
      assert.deepEqual(
        (await store.feedback.list(WS, { sentiment: 'negative' }, { limit: 10 })).map((x) => x.id),
        ['fbk_4', 'fbk_1'],
      );
      assert.deepEqual(
        (await store.feedback.list(WS, { source: 'chat', from: 2000 }, { limit: 10 })).map((x) => x.id),
        ['fbk_4', 'fbk_3'],
      );
      assert.equal((await store.feedback.unresolved(WS, 10)).length, 3);
      await store.feedback.setProfile(WS, 'fbk_1', 'prf_1');
      assert.deepEqual(
        (await store.feedback.list(WS, { profileId: 'prf_1' }, { limit: 10 })).map((x) => x.id),
        ['fbk_1'],
      );
      await store.feedback.setFollowup(WS, 'fbk_1', { status: 'contacted', by: 'agent-7', at: 5 });
      await store.feedback.setFollowup(WS, 'fbk_1', {
        status: 'resolved',
        by: 'agent-7',
        at: 6,
        note: 'refunded',
      });
      const g = await store.feedback.get(WS, 'fbk_1');
      assert.equal(g?.followupStatus, 'resolved');
      assert.equal(g?.followup.length, 2);
      // A survey text answer edited on a later save replaces the stored text, keeping follow-up.
      const s = feedback('fbk_5', {
        source: 'survey',
        externalId: 'rsp_a:why',
        text: 'کند',
        identifier: null,
      });
      await store.feedback.upsert(WS, s);
      await store.feedback.upsert(WS, { ...s, id: 'fbk_6', text: 'خیلی کند' });
      const list = await store.feedback.list(WS, { source: 'survey' }, { limit: 10 });
      assert.deepEqual(
        list.map((x) => [x.id, x.text]),
        [['fbk_5', 'خیلی کند']],
      );
    });
  });
