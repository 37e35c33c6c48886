// Each role is denied what it must not do, in the console and in the API (issue 7 acceptance): the
// navigation offers only the screens the role may read, a screen opened by URL says there is no access, and
// the API refuses the same write with the role's own session (403 forbidden).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  checkA11y,
  launchBrowser,
  newContext,
  screenshot,
  sessionCookie,
  signIn,
  skipReason,
  startConsole,
  type Account,
  type ConsoleServer,
} from './console-support';

const SCREENS = [
  '/customers',
  '/segments',
  '/automation',
  '/templates',
  '/channels',
  '/surveys',
  '/settings',
];

/** Which screens each role finds in the navigation (the rest must be absent). */
const SEES: Record<'marketer' | 'analyst' | 'agent', string[]> = {
  marketer: SCREENS,
  analyst: SCREENS,
  agent: ['/customers', '/segments', '/surveys'],
};

describe('the admin console in a real browser: what each role may do', { skip: skipReason() }, () => {
  let s: ConsoleServer;
  let browser: Browser;
  before(async () => {
    s = await startConsole({ users: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
  });

  /** A call with the user's own session and CSRF token. */
  const asUser = async (a: Account, method: string, path: string, body?: unknown) => {
    const { cookie, csrf } = await sessionCookie(s, a);
    const res = await fetch(s.url + path, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as { error?: { code: string } } };
  };

  for (const role of ['marketer', 'analyst', 'agent'] as const)
    test(`${role}: the navigation, a forbidden screen by URL, and the API agree`, async () => {
      const user = s.users[role]!;
      const ctx = await newContext(browser, s, 'en');
      try {
        const page = await ctx.newPage();
        await signIn(page, user.email, user.password);
        for (const path of SCREENS) {
          const links = await page.locator(`[data-testid=sidenav] a[href="${path}"]`).count();
          assert.equal(
            links > 0,
            SEES[role].includes(path),
            `${role} ${SEES[role].includes(path) ? 'sees' : 'does not see'} ${path}`,
          );
        }
        const hidden = SCREENS.filter((p) => !SEES[role].includes(p));
        if (hidden.length > 0) {
          await page.goto(hidden[0]!);
          await page.getByText('You do not have access to this page').waitFor();
          await checkA11y(page, `forbidden-${role}`);
          await screenshot(page, `forbidden-${role}`);
        }
        await page.goto('/settings');
        if (SEES[role].includes('/settings'))
          assert.equal(await page.getByTestId('invite-button').count(), 0, `no invite button for a ${role}`);
      } finally {
        await ctx.close();
      }

      // The API: writes and reads the role does not hold are refused with its own session.
      const denied: [string, string, unknown?][] = {
        marketer: [
          ['POST', '/api/v1/invitations', { email: 'x@example.com', role: 'admin' }],
          ['GET', '/api/v1/audit'],
          ['POST', '/api/v1/keys', { kind: 'secret', name: 'mine' }],
        ],
        analyst: [
          [
            'POST',
            '/api/v1/segments',
            { name: 'x', rule: { condition: { type: 'trait', trait: 'plan', op: 'exists' } } },
          ],
          ['PUT', '/api/v1/content-blocks/footer', { variants: { en: 'x' } }],
          ['POST', '/api/v1/processes', { name: 'x', definition: { nodes: [], edges: [] } }],
        ],
        agent: [
          ['GET', '/api/v1/processes'],
          [
            'POST',
            '/api/v1/segments',
            { name: 'x', rule: { condition: { type: 'trait', trait: 'plan', op: 'exists' } } },
          ],
          ['PUT', '/api/v1/channels/email', { from: 'a@b.c' }],
        ],
      }[role] as [string, string, unknown?][];
      for (const [method, path, body] of denied) {
        const r = await asUser(user, method, path, body);
        assert.equal(r.status, 403, `${role} ${method} ${path}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error?.code, 'forbidden');
      }
      // …and what it does hold works.
      const allowed: [string, string, unknown?] = {
        marketer: [
          'PUT',
          '/api/v1/content-blocks/footer',
          { variants: { en: 'Thanks for shopping with us.' } },
        ],
        analyst: ['GET', '/api/v1/processes'],
        agent: ['GET', '/api/v1/profiles?q=charlotte'],
      }[role] as [string, string, unknown?];
      const ok = await asUser(user, ...allowed);
      assert.equal(ok.status, 200, `${role} ${allowed[0]} ${allowed[1]}: ${JSON.stringify(ok.body)}`);
    });
});
