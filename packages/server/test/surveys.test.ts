import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDialects } from '@omnicx/store/testing';
import { httpHarness, WK, type Body } from './harness';
import { npsSurvey } from '../../core/test/surveys/fixtures';

const DAY = 86_400_000;

for (const dialect of testDialects())
  describe(`surveys and feedback over HTTP on ${dialect.name}`, () => {
    const h = httpHarness(dialect, { start: Date.parse('2026-03-01T10:00:00.000Z') });
    const { api: call } = h;
    const identify = async (userId: string, traits: Record<string, unknown>) => {
      const r = await call('POST', '/v1/identify', { userId, traits }, WK);
      assert.equal(r.status, 200);
      const p = await call('GET', `/api/v1/profiles/lookup?userId=${userId}`);
      return p.body.id as string;
    };
    const timeline = async (profileId: string, event: string) => {
      await h.engine.pipeline.drain();
      const r = await call('GET', `/api/v1/profiles/${profileId}/events?limit=100`);
      assert.equal(r.status, 200);
      return (r.body.events as Body[]).filter((e) => e.event === event);
    };

    let surveyId = '';
    let sara = '';
    let token = '';

    test('a survey is validated by core: a 400 names the question and the field', async () => {
      const bad = structuredClone(npsSurvey) as unknown as Body;
      delete bad.questions[1].title.fa;
      const r = await call('POST', '/api/v1/surveys', { name: 'NPS', definition: bad });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'missing_translation');
      assert.equal(r.body.error.field, 'definition.questions[1].title.fa');
      assert.equal(r.body.error.details[0].questionId, 'why');
      const w = await call('GET', '/api/v1/surveys', undefined, WK);
      assert.equal(w.status, 403);
    });

    test('create, activate, and link a profile; the link speaks the profile language', async () => {
      const r = await call('POST', '/api/v1/surveys', {
        name: 'Post-delivery NPS',
        definition: npsSurvey,
        settings: { anonymous: true, alerts: { detractor: true, sentimentBelow: -0.3 } },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      surveyId = r.body.id;
      assert.equal(r.body.status, 'draft');
      sara = await identify('sara', { locale: 'fa-IR', email: 'sara@example.com' });
      const draft = await call('POST', `/api/v1/surveys/${surveyId}/links`, { profileId: sara });
      assert.equal(draft.status, 409);
      assert.equal(
        (await call('PATCH', `/api/v1/surveys/${surveyId}`, { status: 'active' })).body.status,
        'active',
      );
      const l = await call('POST', `/api/v1/surveys/${surveyId}/links`, { profileId: sara, channel: 'sms' });
      assert.equal(l.status, 201);
      assert.equal(l.body.language, 'fa');
      token = l.body.token;
      assert.equal(l.body.path, `/s/t/${token}`);
      const missing = await call('POST', `/api/v1/surveys/${surveyId}/links`, { profileId: 'prf_nobody' });
      assert.equal(missing.status, 404);
    });

    test('the hosted page is right-to-left Persian with Persian digits and reveals nothing else', async () => {
      const r = await call('GET', `/s/t/${token}`, undefined, null);
      assert.equal(r.status, 200);
      const html = r.raw.body;
      assert.match(html, /<html lang="fa" dir="rtl">/);
      assert.match(html, /چقدر احتمال دارد/);
      assert.match(html, /<span>۱۰<\/span>/);
      assert.match(html, /<fieldset aria-describedby=[^>]*><legend>/);
      assert.doesNotMatch(html, new RegExp(`${sara}|sara@example|Post-delivery`));
      assert.equal(r.raw.headers['referrer-policy'], 'no-referrer');
      assert.match(String(r.raw.headers['content-security-policy']), /script-src 'nonce-/);
      const en = await call('GET', `/s/t/${token}?lang=en`, undefined, null);
      assert.match(en.raw.body, /<html lang="en" dir="ltr">/);
      const forged = await call('GET', `/s/t/${token.slice(0, -4)}AAAA`, undefined, null);
      assert.equal(forged.status, 404);
    });

    test('a detractor answer is saved as a partial response, an event and a closed-loop alert', async () => {
      const r = await call('POST', `/s/t/${token}/responses`, { answers: { nps: 3 }, through: 'nps' }, null);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.next, 'why');
      assert.equal(r.body.completed, false);
      const rid = r.body.responseId;
      // A retry of the same save appends nothing new.
      assert.equal(
        (await call('POST', `/s/t/${token}/responses`, { answers: { nps: 3 }, through: 'nps' }, null)).body
          .responseId,
        rid,
      );
      const responded = await timeline(sara, 'Survey Responded');
      assert.equal(responded.length, 1);
      assert.equal(responded[0]!.properties.nps, 3);
      assert.equal(responded[0]!.properties.npsGroup, 'detractor');
      assert.equal(responded[0]!.properties.partial, true);
      assert.equal(responded[0]!.channel, 'sms');
      const alerts = await timeline(sara, 'Feedback Alert');
      assert.deepEqual(
        alerts.map((a) => [a.properties.reason, a.properties.responseId]),
        [['detractor', rid]],
      );
      const one = await call('GET', `/api/v1/surveys/${surveyId}/responses/${rid}`);
      assert.equal(one.body.followupStatus, 'open');
      assert.equal(one.body.completed, false);
    });

    test('finishing goes to the end screen; the text answer is analysed feedback; the link is then used up', async () => {
      const answers = {
        nps: 3,
        why: 'ارسال خیلی دیر بود و پشتیبانی جواب نداد',
        topics: ['delivery', 'support'],
        effort: 6,
      };
      const r = await call('POST', `/s/t/${token}/responses`, { answers, through: 'effort' }, null);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.end, { id: 'thanks', title: 'ممنون از شما', body: null });
      assert.equal(r.body.completed, true);
      const again = await call(
        'POST',
        `/s/t/${token}/responses`,
        { answers: { nps: 10 }, through: 'nps' },
        null,
      );
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'already_responded');
      const fb = await call('GET', `/api/v1/feedback?surveyId=${surveyId}`);
      assert.equal(fb.body.items.length, 1);
      assert.equal(fb.body.items[0].source, 'survey');
      assert.equal(fb.body.items[0].language, 'fa');
      assert.equal(fb.body.items[0].sentiment.label, 'negative');
      assert.equal(fb.body.items[0].profileId, sara);
      const done = (await timeline(sara, 'Survey Responded')).find((e) => e.properties.partial === false);
      assert.deepEqual(done?.properties.answers.effort, {
        type: 'ces',
        value: 6,
        points: 7,
        min: 1,
        direction: 'descending',
      });
    });

    test('bad answers are refused naming the question', async () => {
      const bob = await identify('bob', { language: 'en' });
      const l = await call('POST', `/api/v1/surveys/${surveyId}/links`, { profileId: bob });
      const r = await call(
        'POST',
        `/s/t/${l.body.token}/responses`,
        { answers: { nps: 12 }, through: 'nps' },
        null,
      );
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'answers.nps');
      assert.equal(r.body.error.details[0].questionId, 'nps');
      const ok = await call(
        'POST',
        `/s/t/${l.body.token}/responses`,
        { answers: { nps: 9 }, through: 'nps' },
        null,
      );
      assert.equal(ok.body.end.title, 'We are glad!');
    });

    test('anonymous responses: a resume key protects continuing, the form post works without JS', async () => {
      const page = await call('GET', `/s/${surveyId}?lang=ar`, undefined, null);
      assert.match(page.raw.body, /<html lang="ar" dir="rtl">/);
      const first = await call(
        'POST',
        `/s/${surveyId}/responses`,
        { answers: { nps: 8 }, through: 'nps', anonymousId: 'anon-77' },
        null,
      );
      assert.equal(first.status, 200);
      assert.ok(first.body.resumeKey);
      const hijack = await call(
        'POST',
        `/s/${surveyId}/responses`,
        { answers: { nps: 0 }, through: 'nps', responseId: first.body.responseId, resumeKey: 'nope' },
        null,
      );
      assert.equal(hijack.status, 404);
      const form = await h.app.inject({
        method: 'POST',
        url: `/s/${surveyId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
        payload: 'nps=6&why=too+slow&topics=price&topics=delivery&effort=2',
      });
      assert.equal(form.statusCode, 200, form.body);
      assert.match(form.body, /Thank you/);
      const refused = await h.app.inject({
        method: 'POST',
        url: `/s/${surveyId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
        payload: 'why=hello',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Please answer this question/);
    });

    test('metrics: NPS with interval, response rate, by channel, over time, and CSV', async () => {
      const m = await call('GET', `/api/v1/surveys/${surveyId}/metrics?by=channel&interval=day`);
      assert.equal(m.status, 200, JSON.stringify(m.body));
      // Answers: 3 (sara, sms), 9 (bob, email), 8 and 6 (anonymous, web) → 1 promoter, 1 passive, 2 detractors.
      assert.deepEqual(m.body.overall.counts, { promoters: 1, passives: 1, detractors: 2 });
      assert.equal(m.body.overall.value, -25);
      assert.equal(m.body.overall.smallSample, true);
      assert.deepEqual(m.body.responseRate, {
        responses: 2,
        distributed: 2,
        smallSample: true,
        value: 100,
        low: 34.2,
        high: 100,
        marginOfError: 65.8,
      });
      assert.deepEqual(
        m.body.breakdown.map((b: Body) => [b.group, b.result.n]),
        [
          ['web', 2],
          ['email', 1],
          ['sms', 1],
        ],
      );
      assert.equal(m.body.series.at(-1).result.n, 4);
      const ces = await call('GET', `/api/v1/surveys/${surveyId}/metrics?question=effort`);
      // sara 6 and the form 2 on a descending scale → 2 and 6 → mean 4.
      assert.equal(ces.body.metric, 'ces');
      assert.equal(ces.body.overall.value, 4);
      const bad = await call('GET', `/api/v1/surveys/${surveyId}/metrics?question=why`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'question');
      const csv = await call('GET', `/api/v1/surveys/${surveyId}/responses/export`);
      assert.equal(csv.status, 200);
      assert.match(csv.raw.headers['content-type'] as string, /text\/csv/);
      const lines = csv.raw.body.trim().split('\r\n');
      assert.equal(lines.length, 5);
      assert.match(lines[0]!, /response_id,.*,nps,why,topics,effort,nps_group,followup_status/);
      assert.match(csv.raw.body, /delivery;support/);
      const mcsv = await call('GET', `/api/v1/surveys/${surveyId}/metrics?format=csv`);
      assert.match(mcsv.raw.body, /^\uFEFFkind,key,metric/);
    });

    test('follow-up status moves with who and when', async () => {
      const list = await call('GET', `/api/v1/surveys/${surveyId}/responses?followupStatus=open`);
      const rid = list.body.responses[0].id;
      const r = await call('POST', `/api/v1/surveys/${surveyId}/responses/${rid}/followup`, {
        status: 'contacted',
        by: 'agent-7',
        note: 'called back',
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.followupStatus, 'contacted');
      assert.deepEqual(r.body.followup.at(-1), {
        status: 'contacted',
        by: 'agent-7',
        at: new Date(h.now).toISOString(),
        note: 'called back',
      });
      const bad = await call('POST', `/api/v1/surveys/${surveyId}/responses/${rid}/followup`, {
        status: 'done',
        by: 'x',
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'body.status');
    });

    test('feedback from other channels: single, batch (atomic), dedupe, analysis, alert, themes', async () => {
      const one = await call('POST', '/api/v1/feedback', {
        source: 'call_center',
        text: 'مشتری از تاخیر ارسال خیلی عصبانی بود و گفت دیگر خرید نمی‌کند',
        userId: 'sara',
        externalId: 'call-1',
      });
      assert.equal(one.status, 201, JSON.stringify(one.body));
      assert.equal(one.body.items[0].profileId, sara);
      assert.equal(one.body.items[0].sentiment.label, 'negative');
      const dup = await call('POST', '/api/v1/feedback', {
        source: 'call_center',
        text: 'x',
        userId: 'sara',
        externalId: 'call-1',
      });
      assert.deepEqual([dup.body.items[0].id, dup.body.items[0].duplicate], [one.body.items[0].id, true]);
      const bad = await call('POST', '/api/v1/feedback', {
        batch: [
          { source: 'review', text: 'great' },
          { source: 'review', text: 'ok', rating: 7 },
        ],
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'batch[1].rating');
      assert.equal((await call('GET', '/api/v1/feedback?source=review')).body.items.length, 0);
      const batch = await call('POST', '/api/v1/feedback', {
        batch: [
          {
            source: 'app_review',
            text: 'The app keeps crashing, terrible update',
            rating: 1,
            email: 'new@example.com',
          },
          { source: 'social', text: 'التوصيل كان سريعا جدا، شكرا لكم', language: 'ar' },
          { source: 'chat', text: 'Delivery was late again and nobody answered', profileId: sara },
        ],
      });
      assert.equal(batch.status, 201, JSON.stringify(batch.body));
      assert.deepEqual(
        batch.body.items.map((i: Body) => i.language),
        ['en', 'ar', 'en'],
      );
      assert.equal(batch.body.items[1].sentiment.label, 'positive');
      const received = await timeline(sara, 'Feedback Received');
      assert.equal(received.length, 2);
      // The app review named an email no profile held: the pipeline made the profile; reads link it.
      const created = await call('GET', '/api/v1/profiles/lookup?email=new@example.com');
      assert.equal(created.status, 200);
      const review = await call('GET', `/api/v1/feedback/${batch.body.items[0].id}`);
      assert.equal(review.body.profileId, created.body.id);
      assert.equal(review.body.followupStatus, 'open');
      const themes = await call('GET', '/api/v1/feedback/themes?language=en');
      assert.equal(themes.status, 200);
      assert.ok(
        themes.body.themes.some((t: Body) => t.id === 'aspect:delivery'),
        JSON.stringify(themes.body.themes.map((t: Body) => t.id)),
      );
      const neg = await call('GET', '/api/v1/feedback?sentiment=negative&limit=2');
      assert.equal(neg.body.items.length, 2);
      assert.ok(neg.body.next);
      const page2 = await call('GET', `/api/v1/feedback?sentiment=negative&limit=2&before=${neg.body.next}`);
      assert.ok(page2.body.items.length >= 1);
      const fu = await call('POST', `/api/v1/feedback/${one.body.items[0].id}/followup`, {
        status: 'resolved',
        by: 'lead',
      });
      assert.equal(fu.body.followupStatus, 'resolved');
    });

    test('widget decision: targeting and fatigue with a moved clock, CORS, write key', async () => {
      const w = await call('POST', '/api/v1/surveys', {
        name: 'Checkout CSAT',
        status: 'active',
        definition: {
          languages: ['en', 'fa'],
          questions: [
            {
              id: 'csat',
              type: 'csat',
              required: true,
              title: { en: 'How satisfied are you?', fa: 'چقدر راضی هستید؟' },
            },
          ],
          endScreens: [{ id: 'e', title: { en: 'Thanks', fa: 'ممنون' } }],
        },
        settings: {
          widget: {
            enabled: true,
            triggers: [{ type: 'page', url: '/checkout/done' }],
            recontactDays: 10,
            maxDisplays: 5,
          },
        },
      });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      await call('PUT', '/api/v1/surveys/settings', { cooldownDays: 3 });
      const decide = (body: Body) =>
        h.app.inject({
          method: 'POST',
          url: '/v1/surveys/decide',
          headers: { 'content-type': 'text/plain' },
          payload: JSON.stringify({ writeKey: WK, ...body }),
        });
      const visit = {
        type: 'page',
        url: 'https://shop.example/checkout/done?o=1',
        anonymousId: 'visitor-1',
        lang: 'fa-IR',
      };
      const first = await decide(visit);
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.headers['access-control-allow-origin'], '*');
      const s = first.json().survey;
      assert.equal(s.id, w.body.id);
      assert.equal(s.dir, 'rtl');
      assert.equal(s.questions[0].points[4].label, '۵');
      h.now += 2 * DAY;
      assert.equal((await decide(visit)).json().survey, null);
      h.now += 9 * DAY; // 11 days after the display: recontact period over
      assert.equal((await decide(visit)).json().survey?.id, w.body.id);
      const saved = await h.app.inject({
        method: 'POST',
        url: `/v1/surveys/${w.body.id}/responses`,
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({
          writeKey: WK,
          anonymousId: 'visitor-1',
          answers: { csat: 2 },
          through: 'csat',
          url: 'https://shop.example/checkout/done',
        }),
      });
      assert.equal(saved.statusCode, 200, saved.body);
      assert.equal(saved.json().completed, true);
      h.now += 30 * DAY;
      const after = (await decide(visit)).json();
      assert.equal(after.survey, null);
      assert.ok(after.skipped.some((x: Body) => x.reason === 'already_responded'));
      const noKey = await h.app.inject({
        method: 'POST',
        url: '/v1/surveys/decide',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(visit),
      });
      assert.equal(noKey.statusCode, 401);
      const pre = await h.app.inject({ method: 'OPTIONS', url: '/v1/surveys/decide' });
      assert.equal(pre.statusCode, 204);
      const js = await h.app.inject({ method: 'GET', url: '/survey-widget.js' });
      assert.match(js.body, /omnicxSurveys/);
      const m = await call('GET', `/api/v1/surveys/${w.body.id}/metrics?from=2026-01-01`);
      assert.equal(m.body.metric, 'csat');
      assert.deepEqual([m.body.responseRate.responses, m.body.responseRate.distributed], [1, 2]);
    });

    test('a survey with responses cannot be deleted; the OpenAPI document lists the routes', async () => {
      const d = await call('DELETE', `/api/v1/surveys/${surveyId}`);
      assert.equal(d.status, 409);
      assert.equal(d.body.error.code, 'in_use');
      const doc = await call('GET', '/api/docs/json', undefined, null);
      for (const path of [
        '/api/v1/surveys',
        '/api/v1/surveys/{id}/metrics',
        '/api/v1/feedback',
        '/v1/surveys/decide',
      ])
        assert.ok(doc.body.paths[path], path);
    });

    test('erasing a profile removes its survey responses', async () => {
      const before = await call('GET', `/api/v1/surveys/${surveyId}/responses`);
      const mine = (before.body.responses as { id: string; profileId: string | null }[]).filter(
        (r) => r.profileId === sara,
      );
      assert.ok(mine.length > 0);
      assert.equal((await call('DELETE', `/api/v1/profiles/${sara}`)).status, 200);
      const after = await call('GET', `/api/v1/surveys/${surveyId}/responses`);
      assert.deepEqual(
        (after.body.responses as { profileId: string | null }[]).filter((r) => r.profileId === sara),
        [],
      );
    });
    test('a page opened from a printed QR code records its answers with channel qr', async () => {
      const page = await call('GET', `/s/${surveyId}?channel=qr&lang=en`, undefined, null);
      assert.match(page.raw.body, new RegExp(`action="/s/${surveyId}\\?channel=qr"`));
      assert.match(page.raw.body, /"q":"\?channel=qr"/);
      const r = await call(
        'POST',
        `/s/${surveyId}/responses?channel=qr`,
        { answers: { nps: 10 }, anonymousId: 'poster-1' },
        null,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const all = await call('GET', `/api/v1/surveys/${surveyId}/responses?limit=100`);
      const mine = (all.body.responses as { id: string; channel: string }[]).find(
        (x) => x.id === r.body.responseId,
      );
      assert.equal(mine?.channel, 'qr');
      // Anything not on the list is the web.
      const odd = await call('GET', `/s/${surveyId}?channel=%3Cscript%3E`, undefined, null);
      assert.doesNotMatch(odd.raw.body, /channel=/);
    });
  });
