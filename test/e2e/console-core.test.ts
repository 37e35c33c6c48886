// The admin console's core stories in a real browser (issue 7), in Persian and English: sign in, the
// dashboard, find Charlotte by email, her customer 360 and cross-channel timeline filtered to one channel,
// settings; inviting an analyst who accepts in a second browser and is denied writes in the UI and the API;
// RTL mirroring, Persian digits and the Jalali calendar; axe on every screen; screenshots in both directions;
// and the size of the JavaScript the first page load needs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { npsSurvey } from '../../packages/core/test/surveys/fixtures';
import {
  DIST,
  adminApi,
  checkA11y,
  ensureWebBuilt,
  ingestBatch,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  skipReason,
  startConsole,
  switchLocale,
  type ConsoleServer,
  type Locale,
} from './console-support';

const CHARLOTTE = 'charlotte@example.com';
const PERSIAN_DIGIT = /[۰-۹]/;

/** The JS files index.html loads before any lazy chunk: its module scripts, modulepreloads and their static imports. */
function initialScripts(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const queue = [
    ...[...html.matchAll(/<script[^>]*type="module"[^>]*src="\/([^"]+)"/g)].map((m) => m[1]!),
    ...[...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g)].map((m) => m[1]!),
  ];
  const seen = new Set<string>();
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(DIST, file), 'utf8');
    const dir = file.slice(0, file.lastIndexOf('/') + 1);
    // Static imports only (`import{a}from"./x.js"`, `import"./x.js"`); `import("./x.js")` is a lazy chunk.
    for (const m of code.matchAll(/\bimport\s*(?:[^"'();]*?from\s*)?["']\.\/([^"']+\.js)["']/g))
      queue.push(dir + m[1]);
  }
  return [...seen];
}

describe('the admin console in a real browser: core stories', { skip: skipReason() }, () => {
  let s: ConsoleServer;
  let browser: Browser;

  before(async () => {
    s = await startConsole();
    browser = await launchBrowser();
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
    await ingestBatch(s, [
      {
        type: 'identify',
        userId: 'cust-charlotte',
        traits: { email: CHARLOTTE, name: 'Charlotte Martin', city: 'Tehran', plan: 'gold' },
        timestamp: at(5),
      },
      {
        type: 'page',
        userId: 'cust-charlotte',
        name: 'Wishlist',
        properties: { url: 'https://shop.example.com/wishlist', title: 'Wishlist' },
        context: { page: { url: 'https://shop.example.com/wishlist' } },
        timestamp: at(4),
      },
      {
        type: 'track',
        userId: 'cust-charlotte',
        event: 'Order Completed',
        properties: { total: 1250000, currency: 'IRR' },
        context: { channel: 'store', touchpoint: 'store-12' },
        timestamp: at(3),
      },
      {
        type: 'track',
        userId: 'cust-charlotte',
        event: 'Call Started',
        properties: { queue: 'support', durationSeconds: 340 },
        context: { channel: 'phone', touchpoint: 'ivr-main' },
        timestamp: at(2),
      },
      // Somebody else, so the search has to pick the right person.
      {
        type: 'identify',
        userId: 'cust-other',
        traits: { email: 'charles@example.com', name: 'Charles' },
        timestamp: at(1),
      },
    ]);
    // An NPS survey with three answers (one detractor with a comment) and a call-center complaint.
    const survey = await adminApi<{ id: string }>(s, 'POST', '/api/v1/surveys', {
      name: 'Post-purchase NPS',
      status: 'active',
      definition: npsSurvey,
      settings: { anonymous: true },
    });
    assert.equal(survey.status, 201, JSON.stringify(survey.body));
    for (const answers of [
      { nps: 3, why: 'Delivery was late and nobody answered the phone' },
      { nps: 9 },
      { nps: 10 },
    ]) {
      const r = await fetch(`${s.url}/s/${survey.body.id}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ answers }),
      });
      assert.equal(r.status, 200, await r.text());
    }
    const fb = await adminApi(s, 'POST', '/api/v1/feedback', {
      source: 'call_center',
      text: 'The courier was rude and my refund is still missing',
      rating: 1,
      ratingScale: { min: 1, max: 5 },
      language: 'en',
      email: CHARLOTTE,
    });
    assert.ok(fb.status === 200 || fb.status === 201, JSON.stringify(fb.body));
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
  });

  test('the JavaScript of the first load (entry + its static imports) is under 300 KB gzipped', async () => {
    await ensureWebBuilt();
    const files = initialScripts();
    assert.ok(
      files.some((f) => /index-[\w-]+\.js$/.test(f)),
      `no entry script found: ${files.join(', ')}`,
    );
    let total = 0;
    for (const f of files) total += gzipSync(readFileSync(join(DIST, f))).length;
    const kb = Math.round((total / 1024) * 10) / 10;
    console.log(`initial JS: ${files.length} files, ${kb} KB gzipped (${files.join(', ')})`);
    assert.ok(total < 300 * 1024, `initial JS is ${kb} KB gzipped; the budget is 300 KB`);
  });

  async function layoutChecks(page: Page, locale: Locale) {
    const dir = await page.evaluate(
      () => (globalThis as unknown as { document: { dir: string } }).document.dir,
    );
    assert.equal(dir, locale === 'en' ? 'ltr' : 'rtl');
    const nav = (await page.getByTestId('sidenav').boundingBox())!;
    const main = (await page.locator('#main').boundingBox())!;
    if (locale === 'en')
      assert.ok(
        nav.x + nav.width <= main.x + 1,
        `nav ${JSON.stringify(nav)} should sit left of main ${JSON.stringify(main)}`,
      );
    else
      assert.ok(
        nav.x >= main.x + main.width - 1,
        `nav ${JSON.stringify(nav)} should sit right of main ${JSON.stringify(main)}`,
      );
  }

  for (const locale of ['fa', 'en'] as const) {
    test(`${locale}: sign in, dashboard, find Charlotte by email, her 360 and timeline filtered to one channel, settings`, async () => {
      const ctx = await newContext(browser, s, locale);
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        // Sign-in page first, in the browser's language.
        await page.goto('/signin');
        await page.getByTestId('signin-email').waitFor();
        await checkA11y(page, `sign-in (${locale})`);
        await screenshot(page, 'signin');

        await signIn(page, s.admin.email, s.admin.password);
        if (
          (await page.evaluate(
            () =>
              (globalThis as unknown as { document: { documentElement: { lang: string } } }).document
                .documentElement.lang,
          )) !== locale
        )
          await switchLocale(page, locale);
        await layoutChecks(page, locale);

        // Dashboard: the events chart with today's events per channel.
        await page.locator('#dash-events svg[role="img"]').waitFor();
        await page.getByTestId('active-processes').waitFor();
        // The NPS trend with its sample size, and the newest detractor comments.
        const nps = page.getByTestId('trend-nps');
        await nps.locator('svg[role="img"]').waitFor();
        assert.match(
          await nps.innerText(),
          locale === 'fa' ? /Post-purchase NPS.*تعداد = ۳/s : /Post-purchase NPS.*n = 3/s,
        );
        const detractors = page.locator('#dash-detractors');
        await detractors.getByText('The courier was rude').waitFor();
        await detractors.getByText('Delivery was late').waitFor();
        const dashText = await page.locator('#main').innerText();
        if (locale === 'fa') assert.match(dashText, PERSIAN_DIGIT, 'fa shows Persian digits');
        else assert.doesNotMatch(dashText, PERSIAN_DIGIT);
        await checkA11y(page, `dashboard (${locale})`);
        await screenshot(page, 'dashboard');

        // Customers: search by email.
        await page.locator('nav a[href="/customers"]').click();
        await page.getByTestId('customer-search').fill(CHARLOTTE);
        await page.getByTestId('customer-search-submit').click();
        const result = page.getByTestId('customer-result');
        await result.first().waitFor();
        assert.equal(await result.count(), 1, 'only Charlotte matches her email');
        await checkA11y(page, `customer search (${locale})`);
        await screenshot(page, 'customers');

        // Her 360 and timeline across channels.
        await result.first().click();
        await page.getByTestId('customer-name').filter({ hasText: 'Charlotte Martin' }).waitFor();
        const timeline = page.getByTestId('timeline');
        await timeline.waitFor();
        const channels = await timeline
          .locator('li')
          .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-channel')));
        for (const ch of ['web', 'store', 'phone'])
          assert.ok(channels.includes(ch), `timeline has ${ch}: ${channels.join(',')}`);
        const text = await page.locator('#main').innerText();
        assert.match(text, /Order Completed/);
        assert.match(text, /Call Started/);
        assert.match(text, /ivr-main/);
        if (locale === 'fa') {
          // Jalali dates with Persian digits: this year in the Persian calendar, e.g. ۱۴۰۵.
          const jalaliYear = new Intl.DateTimeFormat('fa-IR-u-ca-persian-nu-arabext', { year: 'numeric' })
            .format(new Date())
            .replace(/[^۰-۹]/g, '');
          assert.ok(text.includes(jalaliYear), `fa timeline shows the Jalali year ${jalaliYear}`);
        }
        await checkA11y(page, `customer 360 (${locale})`);
        await screenshot(page, 'customer-360');

        // Filter the timeline to the phone channel.
        await page.getByTestId('filter-channel-phone').click();
        await page.waitForURL(/channel=phone/);
        await page.waitForFunction(() => {
          const lis = (
            globalThis as unknown as {
              document: {
                querySelectorAll(s: string): ArrayLike<{ getAttribute(a: string): string | null }>;
              };
            }
          ).document.querySelectorAll('[data-testid="timeline"] li');
          return lis.length > 0 && Array.from(lis).every((li) => li.getAttribute('data-channel') === 'phone');
        });
        assert.match(await timeline.innerText(), /Call Started/);
        assert.doesNotMatch(await timeline.innerText(), /Order Completed/);
        assert.equal(await page.getByTestId('filter-channel-phone').getAttribute('aria-pressed'), 'true');

        // The agent's page at phone width: no sideways scrolling.
        await page.setViewportSize({ width: 390, height: 844 });
        const overflow = await page.evaluate(() => {
          const d = (
            globalThis as unknown as {
              document: { documentElement: { scrollWidth: number; clientWidth: number } };
            }
          ).document.documentElement;
          return d.scrollWidth - d.clientWidth;
        });
        assert.ok(overflow <= 1, `the 360 scrolls sideways by ${overflow}px at phone width`);
        await screenshot(page, 'customer-360-phone');
        await page.setViewportSize({ width: 1280, height: 860 });

        // Settings: users, keys, audit log.
        for (const tab of ['users', 'keys', 'audit', 'workspace']) {
          await page.goto(`/settings/${tab}`);
          await page.locator(`#settings-${tab} table, #settings-${tab} dl`).first().waitFor();
          await checkA11y(page, `settings ${tab} (${locale})`);
          await screenshot(page, `settings-${tab}`);
        }
        const audit = await page
          .goto('/settings/audit')
          .then(() => page.locator('#settings-audit table').innerText());
        assert.match(audit, /auth\.login|users\.bootstrap/, 'the audit log lists the sign-in');
        await layoutChecks(page, locale);
        assert.deepEqual(errors, []);
      } finally {
        await ctx.close();
      }
    });
  }

  test('an admin invites an analyst, who accepts in a second browser and cannot invite (UI hides it, API 403)', async () => {
    const adminCtx = await newContext(browser, s, 'en');
    const analystCtx = await newContext(browser, s, 'fa');
    try {
      const page = await adminCtx.newPage();
      await signIn(page, s.admin.email, s.admin.password);
      await page.goto('/settings/users');
      await page.getByTestId('invite-button').click();
      await page.getByTestId('invite-email').fill('analyst@example.com');
      await page.getByTestId('invite-role').selectOption('analyst');
      await page.getByTestId('invite-send').click();
      const link = await page.getByTestId('copy-value').innerText();
      assert.match(link, /\/invite\/[\w-]+$/);
      await page.locator('#settings-invitations').getByText('analyst@example.com').waitFor();

      // The invited analyst, in another browser context (no shared cookies), in Persian.
      const p2 = await analystCtx.newPage();
      await p2.goto(link);
      await p2.getByTestId('invite-name').waitFor();
      await checkA11y(p2, 'accept invitation (fa)');
      await screenshot(p2, 'accept-invite');
      await p2.getByTestId('invite-name').fill('سارا تحلیلگر');
      await p2.getByTestId('invite-password').fill('Analyst-Passphrase-42');
      await p2.getByTestId('invite-confirm').fill('Analyst-Passphrase-42');
      await p2.getByTestId('invite-submit').click();
      await p2.getByTestId('sidenav').waitFor();
      assert.equal(
        await p2.evaluate(() => (globalThis as unknown as { document: { dir: string } }).document.dir),
        'rtl',
      );

      // The UI: the analyst reads settings but is offered neither users nor invitations.
      await p2.goto('/settings/users');
      await p2.locator('#settings-workspace').waitFor();
      assert.equal(await p2.getByTestId('invite-button').count(), 0, 'no invite button for an analyst');
      assert.equal(await p2.getByRole('tab').count(), 1, 'only the workspace tab');
      await screenshot(p2, 'settings-analyst');

      // The API refuses the same write with the analyst's own session and CSRF token.
      const denied = await p2.evaluate(async () => {
        const me = (await (await fetch('/api/v1/auth/me')).json()) as {
          csrfToken: string;
          user: { role: string };
        };
        const r = await fetch('/api/v1/invitations', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ email: 'mallory@example.com', role: 'admin' }),
        });
        return {
          role: me.user.role,
          status: r.status,
          body: (await r.json()) as { error: { code: string } },
        };
      });
      assert.equal(denied.role, 'analyst');
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error.code, 'forbidden');

      // Back in the admin's browser, the analyst is listed with their role.
      await page.goto('/settings/users');
      const users = await page.locator('#settings-users table').innerText();
      assert.match(users, /analyst@example\.com/);
    } finally {
      await adminCtx.close();
      await analystCtx.close();
    }
  });
});
