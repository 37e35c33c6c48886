// Shared harness for the admin console's browser tests (test/e2e/console-*.test.ts): builds the web app
// when needed, starts the real `omnicx start` on a fresh SQLite data dir with a first admin, creates users
// of each role through the invitation API, drives Debian's chromium with playwright-core, checks pages
// with axe-core and writes screenshots to test-artifacts/console/<name>-<locale>.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@omnicx/store/testing';
import { startServer, type RunningServer } from '../support/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB = join(ROOT, 'packages', 'web');
export const DIST = join(WEB, 'dist');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');

export type Locale = 'fa' | 'ar' | 'en';
export type Role = 'admin' | 'marketer' | 'analyst' | 'agent';
export interface Account {
  email: string;
  password: string;
  role: Role;
  name: string;
}

const require = createRequire(import.meta.url);
const resolvable = (m: string) => {
  try {
    require.resolve(m);
    return true;
  } catch {
    return false;
  }
};

/**
 * Why the console browser tests cannot run here, or false. Pass as `describe(..., { skip: skipReason() })`.
 */
export function skipReason(): string | false {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (CI installs Debian's chromium)`;
  if (!resolvable('playwright-core')) return 'playwright-core is not installed (run npm install)';
  if (!resolvable('axe-core')) return 'axe-core is not installed (run npm install)';
  return false;
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const name of readdirSync(path)) m = Math.max(m, newestMtime(join(path, name)));
  return m;
}

function distIsFresh(): boolean {
  const index = join(DIST, 'index.html');
  if (!existsSync(index)) return false;
  const sources = Math.max(
    newestMtime(join(WEB, 'src')),
    newestMtime(join(WEB, 'index.html')),
    newestMtime(join(WEB, 'vite.config.ts')),
  );
  return statSync(index).mtimeMs >= sources;
}

/**
 * Builds packages/web when dist is missing or older than its sources. A lock directory keeps two test files
 * running in parallel from building over each other.
 */
export async function ensureWebBuilt(): Promise<void> {
  const lock = join(WEB, '.build-lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (distIsFresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${lock} held for 3 minutes: remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      if (distIsFresh()) return;
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
        cwd: WEB,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, `web build failed:\n${r.stdout}\n${r.stderr}`);
      return;
    } finally {
      rmdirSync(lock);
    }
  }
}

/** A running omnicx with its console, a first admin and (optionally) one user per role. */
export interface ConsoleServer {
  url: string;
  server: RunningServer;
  writeKey: string;
  secretKey: string;
  admin: Account;
  /** One signed-up user per role (admin is the first admin), when `users: true`. */
  users: Partial<Record<Role, Account>>;
  stop(): Promise<void>;
}

const PASSWORD = 'Correct-Horse-Battery-9';

/** Starts omnicx (child process, fresh SQLite dir) after making sure the console is built. */
export async function startConsole(
  opts: { users?: boolean; env?: Record<string, string> } = {},
): Promise<ConsoleServer> {
  await ensureWebBuilt();
  const admin: Account = { email: 'admin@example.com', password: PASSWORD, role: 'admin', name: 'Admin' };
  const dataDir = tempDir();
  const server = await startServer({
    dataDir,
    env: { OMNICX_ADMIN_EMAIL: admin.email, OMNICX_ADMIN_PASSWORD: admin.password, ...opts.env },
  });
  const s: ConsoleServer = {
    url: server.url,
    server,
    writeKey: server.writeKey,
    secretKey: server.secretKey,
    admin,
    users: { admin },
    async stop() {
      await server.stop();
    },
  };
  if (opts.users) {
    for (const role of ['marketer', 'analyst', 'agent'] as const) {
      s.users[role] = await createUser(
        s,
        role,
        `${role}@example.com`,
        `${role[0]!.toUpperCase()}${role.slice(1)} User`,
      );
    }
  }
  return s;
}

/** Calls the API with the secret key (acts as admin); returns status and parsed JSON. */
export async function adminApi<T = Record<string, unknown>>(
  s: ConsoleServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(s.url + path, {
    method,
    headers: {
      authorization: `Bearer ${s.secretKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Invites a user with the secret key and accepts the invitation over HTTP: a real account of that role. */
export async function createUser(
  s: ConsoleServer,
  role: Role,
  email: string,
  name: string,
): Promise<Account> {
  const inv = await adminApi<{ token: string }>(s, 'POST', '/api/v1/invitations', { email, role });
  assert.equal(inv.status, 201, `invite ${email}: ${JSON.stringify(inv.body)}`);
  const res = await fetch(`${s.url}/api/v1/auth/accept-invite`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: inv.body.token, name, password: PASSWORD }),
  });
  assert.equal(res.status, 200, `accept invite ${email}: ${await res.text()}`);
  return { email, password: PASSWORD, role, name };
}

/** Sends a Segment batch with the write key. */
export async function ingestBatch(s: ConsoleServer, batch: unknown[]): Promise<void> {
  const res = await fetch(`${s.url}/v1/batch`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${s.writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ batch }),
  });
  assert.equal(res.status, 200, `batch: ${await res.text()}`);
}

/** Signs in as a user through the API and returns the session cookie header (for API permission checks). */
export async function sessionCookie(s: ConsoleServer, a: Account): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${s.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: a.email, password: a.password }),
  });
  assert.equal(res.status, 200, `login ${a.email}: ${await res.clone().text()}`);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: body.csrfToken };
}

/** Launches Debian's chromium through playwright-core. */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A fresh browser context (own cookies) with the browser language set to `locale`. */
export async function newContext(
  browser: Browser,
  s: ConsoleServer,
  locale: Locale,
  viewport = { width: 1280, height: 860 },
): Promise<BrowserContext> {
  const tag = locale === 'fa' ? 'fa-IR' : locale === 'ar' ? 'ar' : 'en-US';
  return browser.newContext({ baseURL: s.url, locale: tag, viewport, timezoneId: 'Asia/Tehran' });
}

/** Signs in through the sign-in form and waits for the signed-in layout. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signin');
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('sidenav').waitFor();
}

/** Switches the console language with the switcher (persisted to the user) and waits for the new dir. */
export async function switchLocale(page: Page, locale: Locale): Promise<void> {
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/auth/me') && r.request().method() === 'PATCH',
  );
  await page.locator('#lang-select').selectOption(locale);
  await saved;
  await page.waitForFunction(
    (l) =>
      (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement
        .lang === l,
    locale,
  );
}

/** The locale the page shows now. */
export const pageLocale = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement
        .lang as Locale,
  );

/** Writes test-artifacts/console/<name>-<locale>.png (full page). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}-${await pageLocale(page)}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core on the page and fails on serious or critical violations, naming them. */
export async function checkA11y(page: Page, label: string): Promise<void> {
  const axe = (await import('axe-core')).default;
  await page.addScriptTag({ content: axe.source });
  const r = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe.run({
      resultTypes: ['violations'],
    }),
  )) as { violations: Violation[] };
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    [],
    `accessibility violations on ${label}`,
  );
}

/** Polls `fn` until it returns a truthy value (or throws the last error after `ms`). */
export async function eventually<T>(fn: () => Promise<T>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = new Error('condition stayed false');
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw last;
    await new Promise((r) => setTimeout(r, 100));
  }
}
