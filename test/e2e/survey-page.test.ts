// Browser acceptance of the hosted survey page (issue 6): the real server, Debian's chromium driven by
// playwright-core on a phone-sized viewport, an NPS survey answered in Persian (right to left, mouse and
// keyboard) and in English, axe-core accessibility checks, screenshots in test-artifacts/, and the response
// checked through the admin API and on the profile's timeline.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { tempDir } from '@omnicx/store/testing';
import { adminGet, eventually, ingest, startServer, type RunningServer } from '../support/server';
import { npsSurvey } from '../../packages/core/test/surveys/fixtures';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

interface Violation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

async function admin(s: RunningServer, method: string, path: string, body: unknown) {
  const res = await fetch(s.url + path, {
    method,
    headers: { authorization: `Bearer ${s.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Runs axe-core on the page; returns serious and critical violations. */
async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: axe.source });
  const r = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
  )) as { violations: Violation[] };
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe(
  'the hosted survey page in a real browser',
  { skip: !existsSync(CHROMIUM) && `${CHROMIUM} is not installed` },
  () => {
    const dataDir = tempDir();
    let s: RunningServer;
    let browser: Browser;
    let surveyId = '';

    before(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      s = await startServer({ dataDir });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      const r = await admin(s, 'POST', '/api/v1/surveys', {
        name: 'NPS',
        status: 'active',
        definition: npsSurvey,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      surveyId = r.body.id as string;
    });
    after(async () => {
      await browser?.close();
      await s?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** A profile with a locale trait and a personal link for it. */
    async function linkFor(userId: string, locale: string): Promise<{ profileId: string; url: string }> {
      assert.equal((await ingest(s, 'identify', { userId, traits: { locale } })).status, 200);
      const p = await eventually(async () => {
        const r = await adminGet<{ id: string }>(s, `/api/v1/profiles/lookup?userId=${userId}`);
        return r.status === 200 && r.body;
      });
      const l = await admin(s, 'POST', `/api/v1/surveys/${surveyId}/links`, { profileId: p.id });
      assert.equal(l.status, 201, JSON.stringify(l.body));
      return { profileId: p.id, url: s.url + (l.body.path as string) };
    }

    async function phone(): Promise<Page> {
      // bypassCSP only so axe-core can be injected; the page's own script runs under its nonce either way.
      const ctx = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        bypassCSP: true,
      });
      return ctx.newPage();
    }

    async function responded(profileId: string) {
      return eventually(async () => {
        const r = await adminGet<{ events: { event: string; properties: Record<string, unknown> }[] }>(
          s,
          `/api/v1/profiles/${profileId}/events?limit=50`,
        );
        const done = r.body.events.find(
          (e) => e.event === 'Survey Responded' && e.properties.partial === false,
        );
        return done;
      });
    }

    test('Persian: right to left, mirrored scale, Persian digits, answered by touch and keyboard, accessible', async () => {
      const { profileId, url } = await linkFor('maryam', 'fa-IR');
      const page = await phone();
      await page.goto(url);
      assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
      assert.equal(await page.getAttribute('html', 'lang'), 'fa');
      // Mirrored: in right-to-left the scale starts (۰) at the right edge and ends (۱۰) at the left.
      const zero = await page.locator('.pt span', { hasText: /^۰$/ }).boundingBox();
      const ten = await page.locator('.pt span', { hasText: /^۱۰$/ }).boundingBox();
      assert.ok(zero && ten && zero.x > ten.x, 'the scale runs right to left');
      assert.deepEqual(await seriousViolations(page), []);
      await page.screenshot({ path: `${ARTIFACTS}survey-fa-1-question.png`, fullPage: true });

      // Keyboard: focus the ۳ button, then arrow keys move within the radio group (right to left: ArrowLeft = next).
      await page.locator('input[name="nps"][value="3"]').focus();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.locator('input[name="nps"]:checked').getAttribute('value'), '3');
      await page.keyboard.press('Enter');
      // Detractor → "what should we improve?" (skip logic decided by the server).
      await page.getByLabel('چه چیزی را باید بهتر کنیم؟', { exact: false }).fill('ارسال خیلی دیر بود');
      await page.screenshot({ path: `${ARTIFACTS}survey-fa-2-open-text.png`, fullPage: true });
      await page.locator('.q:not([hidden]) .next').click();
      await page.locator('label.ch', { hasText: 'ارسال' }).click();
      await page.locator('.q:not([hidden]) .next').click();
      await page.locator('.q:not([hidden]) .pt span', { hasText: /^۲$/ }).click();
      await page.locator('.q:not([hidden]) .next').click();
      await page.getByRole('heading', { name: 'ممنون از شما' }).waitFor();
      assert.deepEqual(await seriousViolations(page), []);
      await page.screenshot({ path: `${ARTIFACTS}survey-fa-3-end.png`, fullPage: true });

      const list = await adminGet<{
        responses: {
          profileId: string;
          completed: boolean;
          language: string;
          answers: Record<string, { value: unknown }>;
        }[];
      }>(s, `/api/v1/surveys/${surveyId}/responses`);
      const mine = list.body.responses.find((r) => r.profileId === profileId)!;
      assert.equal(mine.completed, true);
      assert.equal(mine.language, 'fa');
      assert.deepEqual(Object.fromEntries(Object.entries(mine.answers).map(([k, v]) => [k, v.value])), {
        nps: 3,
        why: 'ارسال خیلی دیر بود',
        topics: ['delivery'],
        effort: 2,
      });
      const event = await responded(profileId);
      assert.equal(event.properties.npsGroup, 'detractor');
      await page.context().close();
    });

    test('English: left to right, a promoter jumps to the promoter end screen', async () => {
      const { profileId, url } = await linkFor('john', 'en-GB');
      const page = await phone();
      await page.goto(url);
      assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
      const zero = await page.locator('.pt span', { hasText: /^0$/ }).boundingBox();
      const ten = await page.locator('.pt span', { hasText: /^10$/ }).boundingBox();
      assert.ok(zero && ten && zero.x < ten.x, 'the scale runs left to right');
      assert.deepEqual(await seriousViolations(page), []);
      await page.screenshot({ path: `${ARTIFACTS}survey-en-1-question.png`, fullPage: true });
      await page.locator('.pt span', { hasText: /^10$/ }).click();
      await page.locator('.q:not([hidden]) .next').click();
      await page.getByRole('heading', { name: 'We are glad!' }).waitFor();
      await page.screenshot({ path: `${ARTIFACTS}survey-en-2-end.png`, fullPage: true });
      const event = await responded(profileId);
      assert.equal(event.properties.nps, 10);
      assert.equal(event.properties.npsGroup, 'promoter');
      // The link is used up: posting again is refused.
      const again = await page.evaluate(
        async () =>
          (
            await fetch(
              (globalThis as unknown as { location: { pathname: string } }).location.pathname + '/responses',
              {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ answers: { nps: 0 }, through: 'nps' }),
              },
            )
          ).status,
      );
      assert.equal(again, 409);
      await page.context().close();
    });
  },
);
