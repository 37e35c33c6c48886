// Browser acceptance of the on-site survey widget (issue 6): the real omnicx server, a brand's shop page on a
// second local server (another origin) that loads /survey-widget.js with a write key, Debian's chromium driven
// by playwright-core. Targeting (an event trigger, not the page), a 100% sample, answering in the widget, the
// response on the right profile, and fatigue rules keeping it away after a reload.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { tempDir } from '@omnicx/store/testing';
import { adminGet, eventually, startServer, type RunningServer } from '../support/server';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function admin(s: RunningServer, method: string, path: string, body: unknown) {
  const res = await fetch(s.url + path, {
    method,
    headers: { authorization: `Bearer ${s.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

describe(
  'the on-site survey widget in a real browser',
  { skip: !existsSync(CHROMIUM) && `${CHROMIUM} is not installed` },
  () => {
    const dataDir = tempDir();
    let s: RunningServer;
    let shop: Server;
    let shopUrl = '';
    let browser: Browser;
    let surveyId = '';

    before(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      s = await startServer({ dataDir });
      const r = await admin(s, 'POST', '/api/v1/surveys', {
        name: 'Checkout CSAT',
        status: 'active',
        definition: {
          languages: ['en', 'fa'],
          questions: [
            {
              id: 'csat',
              type: 'csat',
              required: true,
              title: { en: 'How was checking out?', fa: 'پرداخت چطور بود؟' },
            },
            {
              id: 'more',
              type: 'open_text',
              title: { en: 'Anything we should improve?', fa: 'چه چیزی را بهتر کنیم؟' },
            },
          ],
          endScreens: [{ id: 'thanks', title: { en: 'Thank you!', fa: 'ممنون!' } }],
        },
        settings: {
          widget: {
            enabled: true,
            triggers: [{ type: 'event', event: 'Checkout Completed' }],
            samplePercent: 100,
            recontactDays: 30,
            maxDisplays: 3,
          },
        },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      surveyId = r.body.id;
      // The brand's shop: another origin, loading the widget from omnicx with its write key.
      shop = createServer((req, res) => {
        const user = new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? '';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Your order</h1>
<button id="pay" onclick="omnicxSurveys.track('Checkout Completed')">Pay</button>
<script src="${s.url}/survey-widget.js" data-write-key="${s.writeKey}" data-user-id="${user}"></script>
</body></html>`);
      });
      await new Promise<void>((ok) => shop.listen(0, '127.0.0.1', ok));
      shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/checkout`;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    });
    after(async () => {
      await browser?.close();
      await new Promise((ok) => shop?.close(ok));
      await s?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Opens the shop page and waits for the widget's page-view decision. */
    async function visit(page: Page, user: string): Promise<Body> {
      const decided = page.waitForResponse((r) => r.url().endsWith('/v1/surveys/decide'));
      await page.goto(`${shopUrl}?user=${user}`);
      return (await (await decided).json()) as Body;
    }

    /** Clicks Pay (the targeting event) and returns the widget's decision. */
    async function pay(page: Page): Promise<Body> {
      const decided = page.waitForResponse((r) => r.url().endsWith('/v1/surveys/decide'));
      await page.click('#pay');
      return (await (await decided).json()) as Body;
    }

    test('targeted by the event, answered in the widget, stored on the visitor profile, not shown again', async () => {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));

      // The page view alone does not match the event trigger.
      const onLoad = await visit(page, 'wendy');
      assert.equal(onLoad.survey, null);
      assert.equal(await page.locator('[role=dialog]').count(), 0);

      const shown = await pay(page);
      assert.equal(shown.survey?.id, surveyId);
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      assert.equal(await dialog.getAttribute('dir'), 'ltr');
      assert.equal(await dialog.getAttribute('lang'), 'en');
      await dialog.getByText('How was checking out?').waitFor();
      // On a phone-sized viewport the whole widget is on screen, 16 px from both edges.
      const box = (await dialog.boundingBox())!;
      assert.ok(box.x >= 15 && box.x + box.width <= 390 - 15, `on screen: ${JSON.stringify(box)}`);
      await page.screenshot({ path: `${ARTIFACTS}survey-widget-1-question.png` });

      await dialog.getByRole('button', { name: '4', exact: true }).click();
      const text = dialog.getByRole('textbox');
      await text.waitFor();
      await text.fill('A faster card form');
      await dialog.getByRole('button', { name: '→' }).click();
      await dialog.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
      await page.screenshot({ path: `${ARTIFACTS}survey-widget-2-end.png` });
      assert.deepEqual(errors, []);

      const wendy = await eventually(async () => {
        const r = await adminGet<{ id: string }>(s, '/api/v1/profiles/lookup?userId=wendy');
        return r.status === 200 && r.body.id;
      });
      const response = await eventually(async () => {
        const r = await adminGet<{ responses: Body[] }>(s, `/api/v1/surveys/${surveyId}/responses`);
        return r.body.responses.find((x) => x.profileId === wendy && x.completed);
      });
      assert.equal(response.source, 'widget');
      assert.equal(response.channel, 'web');
      assert.equal(response.touchpoint, '/checkout');
      assert.deepEqual(
        Object.fromEntries(Object.entries(response.answers as Body).map(([k, v]) => [k, v.value])),
        { csat: 4, more: 'A faster card form' },
      );
      const events = await eventually(async () => {
        const r = await adminGet<{ events: Body[] }>(s, `/api/v1/profiles/${wendy}/events?limit=50`);
        return r.body.events.find((e) => e.event === 'Survey Responded' && e.properties.partial === false);
      });
      assert.equal(events.properties.surveyId, surveyId);

      // Reload and pay again: answered, so the widget stays away.
      await visit(page, 'wendy');
      const again = await pay(page);
      assert.equal(again.survey, null);
      assert.ok(
        (again.skipped as Body[]).some((x) => x.surveyId === surveyId && x.reason === 'already_responded'),
        JSON.stringify(again.skipped),
      );
      assert.equal(await page.locator('[role=dialog]').count(), 0);
      await ctx.close();
    });

    test('a visitor who closes the widget does not see it again on the next page (fatigue)', async () => {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await visit(page, 'xavier');
      assert.equal((await pay(page)).survey?.id, surveyId);
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
      assert.equal(await page.locator('[role=dialog]').count(), 0);

      await visit(page, 'xavier');
      const later = await pay(page);
      assert.equal(later.survey, null);
      assert.ok(
        (later.skipped as Body[]).some((x) => x.surveyId === surveyId),
        JSON.stringify(later.skipped),
      );
      assert.equal(await page.locator('[role=dialog]').count(), 0);
      await ctx.close();
    });
  },
);
