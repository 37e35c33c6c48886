import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDialects } from '@omnicx/store/testing';
import { httpHarness, WK, type Body } from './harness';
import { npsSurvey } from '../../core/test/surveys/fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Issue 6 gaps: survey answers feed segments (incrementally and on rebuilds), anonymous responses follow the
// visitor's profile through identification and merges, and an automation step sends a personal survey link.
for (const dialect of testDialects())
  describe(`surveys in segments and automation on ${dialect.name}`, () => {
    const h = httpHarness(dialect, { start: Date.parse('2026-03-01T10:00:00.000Z') });
    const { api: call, settle } = h;
    const send = async (path: string, body: Body) => {
      const r = await call('POST', path, { timestamp: new Date(h.now).toISOString(), ...body }, WK);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await settle();
    };
    const lookup = async (userId: string) => {
      const p = await call('GET', `/api/v1/profiles/lookup?userId=${userId}`);
      assert.equal(p.status, 200, JSON.stringify(p.body));
      return p.body.id as string;
    };
    const identify = async (userId: string, traits: Body = {}) => {
      await send('/v1/identify', { userId, traits });
      return lookup(userId);
    };
    const members = async (segmentId: string) =>
      ((await call('GET', `/api/v1/segments/${segmentId}/members`)).body.members as Body[])
        .map((m) => m.profileId as string)
        .sort();
    const linkTo = async (surveyId: string, profileId: string) => {
      const l = await call('POST', `/api/v1/surveys/${surveyId}/links`, { profileId, lang: 'en' });
      assert.equal(l.status, 201, JSON.stringify(l.body));
      return l.body.token as string;
    };
    const answerNps = async (token: string, score: number) => {
      const r = await call(
        'POST',
        `/s/t/${token}/responses`,
        { answers: { nps: score }, through: 'nps' },
        null,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await settle();
    };
    const responsesOf = async (surveyId: string) =>
      (await call('GET', `/api/v1/surveys/${surveyId}/responses?limit=100`)).body.responses as Body[];

    let surveyId = '';
    let detractors = '';
    let ana = '';
    let ben = '';
    let cyrus = '';

    test('an "NPS detractors" segment gains exactly the detractors and follows their latest answer', async () => {
      const s = await call('POST', '/api/v1/surveys', {
        name: 'Relationship NPS',
        status: 'active',
        definition: npsSurvey,
        settings: { anonymous: true, multipleResponses: true },
      });
      assert.equal(s.status, 201, JSON.stringify(s.body));
      surveyId = s.body.id;
      const seg = await call('POST', '/api/v1/segments', {
        name: 'NPS detractors',
        rule: { condition: { type: 'nps', question: 'nps', group: 'detractor' } },
      });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      detractors = seg.body.id;
      ana = await identify('ana');
      ben = await identify('ben');
      cyrus = await identify('cyrus');
      await settle();
      assert.deepEqual(await members(detractors), []);

      await answerNps(await linkTo(surveyId, ana), 3);
      await answerNps(await linkTo(surveyId, ben), 9);
      await answerNps(await linkTo(surveyId, cyrus), 6);
      assert.deepEqual(await members(detractors), [ana, cyrus].sort());

      // Cyrus answers again, as a promoter: the latest answer counts.
      h.now += HOUR;
      await answerNps(await linkTo(surveyId, cyrus), 10);
      assert.deepEqual(await members(detractors), [ana]);
      const events = (await call('GET', `/api/v1/profiles/${cyrus}/events?limit=100`)).body.events as Body[];
      assert.ok(events.some((e) => e.event === 'Segment Exited'));
    });

    test('a new segment on survey answers is built from the history (replay)', async () => {
      const low = await call('POST', '/api/v1/segments', {
        name: 'Scored us 6 or less',
        rule: { condition: { type: 'survey_answer', question: `${surveyId}.nps`, op: 'lte', value: 6 } },
      });
      assert.equal(low.status, 201, JSON.stringify(low.body));
      await settle();
      assert.equal((await call('GET', `/api/v1/segments/${low.body.id}`)).body.status, 'ready');
      assert.deepEqual(await members(low.body.id), [ana]);
    });

    test('an anonymous response belongs to the profile its visitor is later identified as', async () => {
      const dina = await identify('dina');
      const anon = await call(
        'POST',
        `/s/${surveyId}/responses`,
        {
          answers: { nps: 2, why: 'The delivery was late and nobody answered' },
          through: 'why',
          anonymousId: 'anon-dina',
        },
        null,
      );
      assert.equal(anon.status, 200, JSON.stringify(anon.body));
      await settle();
      const responseId = anon.body.responseId as string;
      const before = (await responsesOf(surveyId)).find((r) => r.id === responseId)!;
      assert.ok(before.profileId, 'the anonymous visitor got a profile when the event was processed');
      assert.notEqual(before.profileId, dina);
      assert.deepEqual(await members(detractors), [ana, before.profileId].sort());

      // The visitor logs in as dina: the anonymous profile merges into hers.
      await send('/v1/identify', { userId: 'dina', anonymousId: 'anon-dina' });
      const survivor = await lookup('dina');
      assert.equal(survivor, dina);
      const after = (await responsesOf(surveyId)).find((r) => r.id === responseId)!;
      assert.equal(after.profileId, dina);
      const fb = await call('GET', `/api/v1/feedback?profileId=${dina}`);
      assert.equal(fb.status, 200, JSON.stringify(fb.body));
      assert.deepEqual(
        (fb.body.items as Body[]).map((f) => [f.source, f.responseId ?? null]),
        [['survey', responseId]],
      );
      assert.deepEqual(await members(detractors), [ana, dina].sort());
    });

    test('an automation step sends a personal survey link a day after the ticket closes', async () => {
      const csat = await call('POST', '/api/v1/surveys', {
        name: 'Support CSAT',
        status: 'active',
        definition: {
          languages: ['en', 'fa'],
          questions: [
            {
              id: 'csat',
              type: 'csat',
              required: true,
              title: { en: 'How satisfied are you with our support?', fa: 'از پشتیبانی چقدر راضی هستید؟' },
            },
          ],
          endScreens: [{ id: 'e', title: { en: 'Thanks', fa: 'ممنون' } }],
        },
      });
      assert.equal(csat.status, 201, JSON.stringify(csat.body));
      const definition = (survey: string) => ({
        nodes: [
          { id: 'closed', type: 'trigger', trigger: { kind: 'event', event: 'Ticket Closed' } },
          { id: 'day', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'days' } },
          {
            id: 'invite',
            type: 'action',
            action: { kind: 'send_message', channel: 'log', template: 'csat-invite', survey },
          },
          { id: 'end', type: 'exit' },
        ],
        edges: [
          { from: 'closed', to: 'day' },
          { from: 'day', to: 'invite' },
          { from: 'invite', to: 'end' },
        ],
      });
      const bad = await call('POST', '/api/v1/processes/validate', { definition: definition('srv_missing') });
      assert.equal(bad.status, 200);
      assert.equal(bad.body.valid, false, JSON.stringify(bad.body));
      assert.equal(bad.body.errors[0].nodeId, 'invite');
      assert.equal(bad.body.errors[0].field, 'nodes.invite.action.survey');
      const created = await call('POST', '/api/v1/processes', {
        name: 'CSAT after support',
        definition: definition(csat.body.id),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal((await call('POST', `/api/v1/processes/${created.body.id}/publish`)).status, 200);

      const tara = await identify('tara', { locale: 'fa-IR' });
      await send('/v1/track', { userId: 'tara', event: 'Ticket Closed', properties: { ticket: 'T-1' } });
      const ws = (await h.engine.workspaces.list())[0]!.id;
      const invites = async () =>
        (await h.engine.store.outbox.list(ws, { profileId: tara, limit: 50 })).filter(
          (e) => e.kind === 'message.log',
        );
      assert.deepEqual(await invites(), []);
      h.now += DAY;
      await settle();
      const [effect, ...more] = await invites();
      assert.ok(effect, 'the message was sent a day later');
      assert.deepEqual(more, []);
      const vars = effect.payload.variables as Body;
      assert.equal(vars.survey_id, csat.body.id);
      assert.match(vars.survey_path, /^\/s\/t\/slk_[0-9a-z]{26}\.[A-Za-z0-9_-]{22}$/);
      assert.equal(vars.survey_url, `http://localhost:8080${vars.survey_path}`);
      assert.ok(vars.survey_expires_at > h.now);

      // The link renders the survey for tara (in her language) and her answer lands on her profile.
      const page = await call('GET', vars.survey_path, undefined, null);
      assert.equal(page.status, 200);
      assert.match(page.raw.body, /<html lang="fa" dir="rtl">/);
      assert.match(page.raw.body, /از پشتیبانی چقدر راضی هستید؟/);
      const answered = await call(
        'POST',
        `${vars.survey_path}/responses`,
        { answers: { csat: 5 }, through: 'csat' },
        null,
      );
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
      assert.equal(answered.body.completed, true);
      await settle();
      const events = (await call('GET', `/api/v1/profiles/${tara}/events?limit=100`)).body.events as Body[];
      const responded = events.filter((e) => e.event === 'Survey Responded');
      assert.equal(responded.length, 1);
      assert.equal(responded[0]!.properties.surveyId, csat.body.id);
      assert.equal(responded[0]!.properties.answers.csat.value, 5);
    });
  });
