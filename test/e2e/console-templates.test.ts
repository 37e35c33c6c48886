// The templates and channels screens in a real browser (issue 7), in English and Persian: a content block,
// a template with email (using the block) and SMS variants in fa and en, the live preview for an ingested
// customer (fa right-to-left), the SMS segment count growing with Persian text (UCS-2, 70 per segment), save
// and the list; email channel settings whose stored password never comes back; a subscription group; axe on
// each screen and screenshots in both directions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  adminApi,
  checkA11y,
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

const SMTP_PASSWORD = 'smtp-Secret-4242';

/** Fills the email and SMS forms of the language being edited (adding each form when absent). */
async function fillVariant(page: Page, l: Locale, block: string) {
  const tabs = page.locator('[role="tab"]');
  // Email
  await tabs.nth(0).click();
  if (await page.getByTestId('tpl-add-channel').isVisible())
    await page.getByTestId('tpl-add-channel').click();
  await page
    .getByTestId('tpl-email-subject')
    .fill(l === 'fa' ? 'سلام {{ profile.traits.name }}' : 'Hello {{ profile.traits.name }}');
  const html = page.getByTestId('tpl-email-html');
  await html.fill(
    l === 'fa' ? '<p>سلام {{ profile.traits.name }}</p>\n' : '<p>Hi {{ profile.traits.name }}</p>\n',
  );
  // The block goes in at the cursor: put it at the end of the body.
  await html.focus();
  await html.press('End');
  await html.press('Control+End');
  await page.getByTestId(`tpl-insert-${block}`).click();
  assert.match(await html.inputValue(), new RegExp(`</p>\\n\\{% include "${block}" %\\}$`));
  // SMS
  await tabs.nth(1).click();
  if (await page.getByTestId('tpl-add-channel').isVisible())
    await page.getByTestId('tpl-add-channel').click();
  const sms = page.getByTestId('tpl-sms-text');
  const len = page.getByTestId('sms-length');
  if (l === 'fa') {
    await sms.fill('سلام {{ profile.traits.name }}');
    await len.and(page.locator('[data-encoding="UCS-2"][data-segments="1"]')).waitFor();
    // 71 Persian characters no longer fit one UCS-2 segment (70): two segments of 67.
    await sms.fill('سلام '.repeat(18));
    await len.and(page.locator('[data-encoding="UCS-2"][data-segments="2"]')).waitFor();
    await sms.fill('سلام {{ profile.traits.name }}، سفارش شما ارسال شد.');
  } else {
    await sms.fill('Hi {{ profile.traits.name }}, your order has shipped.');
    await len.and(page.locator('[data-encoding="GSM-7"][data-segments="1"]')).waitFor();
  }
}

describe('the admin console in a real browser: templates and channels', { skip: skipReason() }, () => {
  let s: ConsoleServer;
  let browser: Browser;
  let avaId: string;

  before(async () => {
    s = await startConsole();
    browser = await launchBrowser();
    await ingestBatch(s, [
      {
        type: 'identify',
        userId: 'cust-ava',
        traits: { email: 'ava@example.com', name: 'Ava Rahimi' },
        timestamp: new Date().toISOString(),
      },
    ]);
    const p = await adminApi<{ id: string }>(s, 'GET', '/api/v1/profiles/lookup?email=ava@example.com');
    assert.equal(p.status, 200, JSON.stringify(p.body));
    avaId = p.body.id;
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
  });

  for (const locale of ['en', 'fa'] as const) {
    test(`${locale}: blocks, a two-language template with live preview and SMS length, channels and groups`, async () => {
      const ctx = await newContext(browser, s, locale);
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await signIn(page, s.admin.email, s.admin.password);
        await switchLocale(page, locale);
        const other: Locale = locale === 'fa' ? 'en' : 'fa';
        const block = `footer-${locale}`;
        const name = `Order shipped ${locale}`;

        // ---- a content block
        await page.goto('/templates?tab=blocks');
        await page.getByTestId('block-new').click();
        await page.getByTestId('block-name').fill(block);
        await page.getByTestId('block-text-fa').fill('<p>با سپاس، فروشگاه</p>');
        await page.getByTestId('block-text-en').fill('<p>Thanks, the shop</p>');
        await page.getByTestId('block-save').click();
        await page.locator('#blocks-manager').getByText(`{% include "${block}" %}`).waitFor();
        await checkA11y(page, `templates blocks (${locale})`);
        await screenshot(page, 'templates-blocks');

        // ---- a template in both languages
        await page.goto('/templates');
        await page.getByTestId('template-new').click();
        await page.waitForURL('**/templates/new');
        await page.getByTestId('tpl-name').fill(name);
        await page.getByTestId('tpl-category').selectOption('transactional');
        await fillVariant(page, locale, block);
        await page.getByTestId('tpl-add-locale-select').selectOption(other);
        await page.getByTestId('tpl-add-locale').click();
        await page.getByTestId(`tpl-locale-${other}`).and(page.locator('[aria-pressed="true"]')).waitFor();
        await fillVariant(page, other, block);

        // ---- live preview for Ava, per language
        await page.getByTestId('tpl-profile-search').fill('ava@');
        const select = page.getByTestId('tpl-profile-select');
        await select.locator(`option[value="${avaId}"]`).waitFor({ state: 'attached' });
        await select.selectOption(avaId);
        for (const l of ['fa', 'en'] as const) {
          await page.getByTestId(`tpl-locale-${l}`).click();
          await page.locator('[role="tab"]').nth(0).click();
          const email = page.getByTestId('preview-email');
          await email.and(page.locator(`[data-dir="${l === 'fa' ? 'rtl' : 'ltr'}"]`)).waitFor();
          await page.getByTestId('preview-subject').getByText('Ava Rahimi').waitFor();
          const srcdoc = (await page.getByTestId('preview-email-frame').getAttribute('srcdoc')) ?? '';
          assert.match(srcdoc, l === 'fa' ? /<html dir="rtl" lang="fa"/ : /<html dir="ltr" lang="en"/);
          assert.ok(srcdoc.includes(l === 'fa' ? 'با سپاس، فروشگاه' : 'Thanks, the shop'), 'block rendered');
          assert.equal(await page.getByTestId('preview-email-frame').getAttribute('sandbox'), '');
          await page.locator('[role="tab"]').nth(1).click();
          await page.getByTestId('preview-sms').getByText('Ava Rahimi').waitFor();
        }
        // A missing variable is listed under the preview.
        await page.locator('[role="tab"]').nth(0).click();
        await page.getByTestId('tpl-email-subject').fill('{{ profile.traits.nickname }}');
        await page.getByTestId('preview-errors').getByText('profile.traits.nickname').waitFor();
        await page.getByTestId('tpl-email-subject').fill('Hello {{ profile.traits.name }}');
        await page.getByTestId('preview-errors').waitFor({ state: 'detached' });
        await page.locator('[role="tab"]').nth(1).click();
        await checkA11y(page, `template editor (${locale})`);
        await screenshot(page, 'template-editor');

        // ---- a syntax error is refused at its field, then the template saves
        await page.locator('[role="tab"]').nth(0).click();
        await page.getByTestId('tpl-email-html').fill('<p>{% if %}</p>');
        await page.getByTestId('tpl-save').click();
        await page.getByTestId('tpl-save-errors').waitFor();
        await page.locator('[data-testid="tpl-email-html"][aria-invalid="true"]').waitFor();
        await page
          .getByTestId('tpl-email-html')
          .fill(`<p>Hi {{ profile.traits.name }}</p>\n{% include "${block}" %}`);
        await page.getByTestId('tpl-save').click();
        await page.getByTestId('tpl-saved').waitFor();
        await page.waitForURL(/\/templates\/tpl_/);
        const list = await adminApi<{
          templates: { name: string; category: string; variants: Record<string, object> }[];
        }>(s, 'GET', '/api/v1/templates');
        const saved = list.body.templates.find((x) => x.name === name);
        assert.ok(saved, 'saved through the API');
        assert.equal(saved.category, 'transactional');
        assert.deepEqual(Object.keys(saved.variants).sort(), ['en', 'fa']);
        assert.deepEqual(Object.keys(saved.variants.fa!).sort(), ['email', 'sms']);

        await page.goto('/templates');
        await page.getByTestId('template-link').getByText(name).waitFor();
        await checkA11y(page, `templates list (${locale})`);
        await screenshot(page, 'templates');

        // ---- email channel settings: the stored password is never shown back
        await page.goto('/channels');
        await page.getByTestId('ch-email-host').fill('smtp.example.com');
        await page.getByTestId('ch-email-port').fill('587');
        await page.getByTestId('ch-email-user').fill('mailer');
        await page.getByTestId('ch-email-pass').fill(SMTP_PASSWORD);
        await page.getByTestId('ch-email-from').fill('Shop <shop@example.com>');
        await page.getByTestId('ch-email-save').click();
        await page.getByTestId('ch-email-saved').waitFor();
        await page.reload();
        const pass = page.getByTestId('ch-email-pass');
        await pass.waitFor();
        assert.equal(await page.getByTestId('ch-email-host').inputValue(), 'smtp.example.com');
        assert.equal(await pass.inputValue(), '');
        assert.equal(await pass.getAttribute('placeholder'), '[set]');
        assert.ok(!(await page.content()).includes(SMTP_PASSWORD), 'the password is not in the page');
        // Saving again without typing it keeps the stored one ("[set]" sent back).
        await page.getByTestId('ch-email-save').click();
        await page.getByTestId('ch-email-saved').waitFor();
        const ch = await adminApi<{ channels: { email: { config: { smtp: { auth: { pass: string } } } } } }>(
          s,
          'GET',
          '/api/v1/channels',
        );
        assert.equal(ch.body.channels.email.config.smtp.auth.pass, '[set]');
        await checkA11y(page, `channels email (${locale})`);
        await screenshot(page, 'channels-email');

        // ---- a subscription group
        await page.goto('/channels?tab=groups');
        await page.getByTestId('ch-group-new').click();
        await page.getByTestId('ch-group-id').fill(`offers-${locale}`);
        await page.getByTestId('ch-group-mode').selectOption('opt_in');
        await page.getByTestId('ch-group-name-fa').fill('پیشنهادهای هفتگی');
        await page.getByTestId('ch-group-name-en').fill('Weekly offers');
        await page.getByTestId('ch-group-save').click();
        await page
          .getByTestId('ch-group-row')
          .getByText(locale === 'fa' ? 'پیشنهادهای هفتگی' : 'Weekly offers')
          .first()
          .waitFor();
        const groups = await adminApi<{ groups: { id: string; mode: string }[] }>(
          s,
          'GET',
          '/api/v1/consent/groups',
        );
        assert.equal(groups.body.groups.find((g) => g.id === `offers-${locale}`)?.mode, 'opt_in');
        await checkA11y(page, `channels groups (${locale})`);
        await screenshot(page, 'channels-groups');

        for (const tab of ['sms', 'push', 'policy', 'deliveries']) {
          await page.goto(`/channels?tab=${tab}`);
          await page.locator('[role="tabpanel"] .card').first().waitFor();
          await page.locator('.spinner').waitFor({ state: 'detached' });
          await checkA11y(page, `channels ${tab} (${locale})`);
          await screenshot(page, `channels-${tab}`);
        }
        assert.deepEqual(errors, []);
      } finally {
        await ctx.close();
      }
    });
  }
});
