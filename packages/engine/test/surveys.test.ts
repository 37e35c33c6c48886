import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '@omnicx/store/testing';
import type { Engine } from '../src/index';
import { engineWithWorkspace, msg } from './helpers';
import { npsSurvey } from '../../core/test/surveys/fixtures';

const DAY = 86_400_000;

for (const dialect of testDialects())
  describe(`survey links and responses on ${dialect.name}`, () => {
    let engine: Engine;
    let ws = '';
    let clock: { now(): number; advance(ms: number): number };
    let cleanup: () => Promise<void>;
    let surveyId = '';
    let profileId = '';

    before(async () => {
      const o = await dialect.open();
      cleanup = o.cleanup;
      ({ engine, ws, clock } = await engineWithWorkspace(o.store, { inline: true }));
      await engine.ingest.append(ws, [msg('identify', { userId: 'leila', traits: { language: 'ar' } })]);
      await engine.pipeline.drain();
      profileId = (await engine.store.identities.findOwners(ws, [{ type: 'user_id', value: 'leila' }]))[0]!
        .profileId;
      const s = await engine.surveys.create(ws, {
        name: 'NPS',
        status: 'active',
        definition: npsSurvey,
        settings: { linkTtlDays: 7 },
      });
      assert.ok(s.ok);
      surveyId = s.value.id;
    });
    after(async () => {
      await engine.stop();
      await cleanup();
    });

    test('a link takes the profile language, is opaque, and expires with the moved clock', async () => {
      const l = await engine.surveys.linkFor(ws, surveyId, profileId);
      assert.ok(l.ok);
      assert.equal(l.value.language, 'ar');
      assert.match(l.value.token, /^slk_[0-9a-z]{26}\.[A-Za-z0-9_-]{22}$/);
      assert.ok(!l.value.token.includes(profileId) && !l.value.token.includes(ws));
      assert.ok((await engine.surveys.openLink(l.value.token)).ok);
      // One changed character of the signature, or the signature of another link, is refused.
      const last = l.value.token.at(-1) === 'A' ? 'B' : 'A';
      const forged = await engine.surveys.openLink(l.value.token.slice(0, -1) + last);
      assert.equal(!forged.ok && forged.error.code, 'invalid_link');
      const other = await engine.surveys.linkFor(ws, surveyId, profileId, 'en');
      assert.ok(other.ok);
      const swapped = await engine.surveys.openLink(`${l.value.linkId}.${other.value.token.split('.')[1]}`);
      assert.equal(!swapped.ok && swapped.error.code, 'invalid_link');
      clock.advance(7 * DAY);
      const expired = await engine.surveys.openLink(l.value.token);
      assert.equal(!expired.ok && expired.error.code, 'link_expired');
    });

    test('saves continue one response, retries append no duplicate events, a closed survey refuses', async () => {
      const l = await engine.surveys.linkFor(ws, surveyId, profileId);
      assert.ok(l.ok);
      const o = await engine.surveys.openLink(l.value.token);
      assert.ok(o.ok);
      const who = { kind: 'link' as const, link: o.value.link };
      const first = await engine.surveys.respond(ws, o.value.survey, who, {
        answers: { nps: 7 },
        through: 'nps',
        language: 'ar',
      });
      const retry = await engine.surveys.respond(ws, o.value.survey, who, {
        answers: { nps: 7 },
        through: 'nps',
        language: 'ar',
      });
      assert.ok(first.ok && retry.ok);
      assert.equal(first.value.responseId, retry.value.responseId);
      assert.equal(first.value.next, 'why');
      await engine.pipeline.drain();
      const events = (await engine.store.events.allForProfiles(ws, [profileId])).filter(
        (e) => e.name === 'Survey Responded',
      );
      assert.equal(events.length, 1);
      // Passives raise no alert under the default rule (detractors and sentiment < -0.5).
      assert.equal(
        (await engine.store.events.allForProfiles(ws, [profileId])).filter((e) => e.name === 'Feedback Alert')
          .length,
        0,
      );
      const done = await engine.surveys.respond(ws, o.value.survey, who, {
        answers: { nps: 7, why: 'جيد' },
        through: null,
        language: 'ar',
      });
      assert.ok(done.ok);
      assert.equal(done.value.completed, true);
      assert.equal(done.value.end?.id, 'thanks');
      await engine.surveys.update(ws, surveyId, { status: 'closed' });
      const closed = await engine.surveys.openLink(l.value.token);
      assert.equal(!closed.ok && closed.error.code, 'survey_closed');
    });
  });
