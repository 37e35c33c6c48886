import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildEngine, LOGIN_MAX_FAILURES, SESSION_IDLE_MS, type Engine } from '@omnicx/engine';
import { testDialects } from '@omnicx/store/testing';
import { allowed, buildApp, permissionFor } from '../src/index';

const WK = 'wk_test_0123456789abcdef';
const SK = 'sk_test_0123456789abcdef';
const ADMIN = { email: 'sara@example.com', password: 'admin passphrase 1' };
const PASSWORDS: Record<string, string> = {
  marketer: 'marketer passphrase',
  analyst: 'analyst passphrase',
  agent: 'agent passphrase!',
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Session {
  cookie: string;
  csrf: string;
}

for (const dialect of testDialects())
  describe(`console sign-in, roles, CSRF and audit over HTTP on ${dialect.name}`, () => {
    let cleanup: () => Promise<void>;
    let engine: Engine;
    let app: FastifyInstance;
    let ws = '';
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    const clock = { now: () => now };
    const sessions: Record<string, Session> = {};
    const userIds: Record<string, string> = {};

    before(async () => {
      const opened = await dialect.open();
      cleanup = opened.cleanup;
      engine = buildEngine({ store: opened.store, clock, pipeline: { pollMs: 60_000 } });
      ws = (await engine.workspaces.bootstrap({ writeKey: WK, secretKey: SK })).workspace.id;
      await engine.access.bootstrapAdmin(ws, ADMIN);
      app = await buildApp({ engine, logger: false, webDist: false });
    });
    after(async () => {
      await app.close();
      await engine.stop();
      await cleanup();
    });

    const call = async (
      method: InjectOptions['method'],
      url: string,
      opts: { body?: unknown; session?: Session; csrf?: string | null; key?: string; ip?: string } = {},
    ): Promise<{ status: number; body: Json; res: LightMyRequestResponse }> => {
      const headers: Record<string, string> = {};
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      if (opts.session) {
        headers.cookie = `omnicx_session=${opts.session.cookie}`;
        const csrf = opts.csrf === undefined ? opts.session.csrf : opts.csrf;
        if (csrf !== null) headers['x-csrf-token'] = csrf;
      }
      const res = await app.inject({
        method,
        url,
        headers,
        remoteAddress: opts.ip ?? '127.0.0.1',
        ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
      });
      const body = res.body ? (res.json() as Json) : {};
      return { status: res.statusCode, body, res };
    };
    const login = async (email: string, password: string, ip?: string) => {
      const r = await call('POST', '/api/v1/auth/login', {
        body: { email, password },
        ...(ip ? { ip } : {}),
      });
      const c = r.res.cookies.find((x) => x.name === 'omnicx_session');
      return { ...r, session: c ? { cookie: c.value, csrf: r.body.csrfToken as string } : undefined };
    };

    test('sign-in answers the user, the CSRF token and the permissions, and sets an HttpOnly SameSite=Lax cookie', async () => {
      const r = await login('Sara@Example.com', ADMIN.password);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(Object.keys(r.body.user).sort(), [
        'createdAt',
        'disabled',
        'email',
        'id',
        'lastLoginAt',
        'locale',
        'name',
        'role',
        'workspaceId',
      ]);
      assert.equal(r.body.user.email, ADMIN.email);
      assert.equal(r.body.user.role, 'admin');
      assert.equal(r.body.user.workspaceId, ws);
      assert.ok(r.body.permissions.includes('audit:read'));
      assert.equal(typeof r.body.csrfToken, 'string');
      const cookie = r.res.cookies.find((c) => c.name === 'omnicx_session')!;
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(cookie.path, '/');
      assert.equal(cookie.secure, undefined, 'plain http: not Secure');
      assert.equal(cookie.maxAge, 7 * 86400);
      assert.doesNotMatch(r.res.body, /scrypt|password/i);
      sessions.admin = r.session!;
      userIds.admin = r.body.user.id;

      const me = await call('GET', '/api/v1/auth/me', { session: sessions.admin });
      assert.equal(me.status, 200);
      assert.equal(me.body.user.id, userIds.admin);
      assert.equal(me.body.csrfToken, sessions.admin.csrf);
      assert.deepEqual(me.body.workspace, { id: ws, name: 'Default' });
      assert.ok(Array.isArray(me.body.permissions) && me.body.permissions.length > 20);
      assert.equal(me.res.headers['cache-control'], 'no-store');
    });

    test('the cookie is Secure over https or when OMNICX_COOKIE_SECURE is set', async () => {
      const secureApp = await buildApp({ engine, logger: false, webDist: false, cookieSecure: true });
      try {
        const r = await secureApp.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(ADMIN),
        });
        assert.equal(r.statusCode, 200);
        assert.equal(r.cookies.find((c) => c.name === 'omnicx_session')!.secure, true);
      } finally {
        await secureApp.close();
      }
    });

    test('without a session: me is 401 not_signed_in and the admin API 401', async () => {
      const me = await call('GET', '/api/v1/auth/me');
      assert.equal(me.status, 401);
      assert.equal(me.body.error.code, 'not_signed_in');
      const bogus = await call('GET', '/api/v1/segments', { session: { cookie: 'forged', csrf: 'x' } });
      assert.equal(bogus.status, 401);
      assert.equal(bogus.body.error.code, 'not_signed_in');
      const none = await call('GET', '/api/v1/segments');
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'missing_key');
    });

    test('a wrong password and an unknown email get the very same answer', async () => {
      const wrong = await login(ADMIN.email, 'not the password', '10.1.1.1');
      const unknown = await login('nobody@example.com', 'not the password', '10.1.1.1');
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.deepEqual(wrong.body, unknown.body);
      assert.equal(wrong.body.error.code, 'invalid_credentials');
      assert.equal(wrong.session, undefined);
      assert.equal(unknown.session, undefined);
    });

    test('after 10 failures from one address the answer is 429 too_many_attempts with Retry-After', async () => {
      for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
        assert.equal((await login(ADMIN.email, `wrong guess ${i}`, '203.0.113.7')).status, 401);
      }
      const r = await login(ADMIN.email, ADMIN.password, '203.0.113.7');
      assert.equal(r.status, 429);
      assert.equal(r.body.error.code, 'too_many_attempts');
      assert.ok(Number(r.res.headers['retry-after']) > 0);
      assert.equal(
        (await login(ADMIN.email, ADMIN.password, '203.0.113.8')).status,
        200,
        'another address is not blocked',
      );
    });

    test('invitations over HTTP: link shown once, accepted without a key, single use', async () => {
      const inv = await call('POST', '/api/v1/invitations', {
        session: sessions.admin,
        body: { email: 'Agent@Example.com', role: 'agent' },
      });
      assert.equal(inv.status, 201, JSON.stringify(inv.body));
      assert.deepEqual(Object.keys(inv.body).sort(), ['invitation', 'link', 'token']);
      assert.equal(inv.body.invitation.email, 'agent@example.com');
      assert.equal(inv.body.invitation.role, 'agent');
      assert.equal(Date.parse(inv.body.invitation.expiresAt) - now, 7 * 86_400_000);
      assert.equal(inv.body.link, `/invite/${inv.body.token}`);
      const list = await call('GET', '/api/v1/invitations', { session: sessions.admin });
      assert.equal(list.body.invitations.length, 1);
      assert.doesNotMatch(JSON.stringify(list.body), new RegExp(inv.body.token));

      const weak = await call('POST', '/api/v1/auth/accept-invite', {
        body: { token: inv.body.token, name: 'Ali', password: 'short' },
      });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.error.code, 'weak_password');
      const ok = await call('POST', '/api/v1/auth/accept-invite', {
        body: { token: inv.body.token, name: 'علی', password: PASSWORDS.agent, locale: 'fa' },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.user.role, 'agent');
      assert.equal(ok.body.user.locale, 'fa');
      assert.ok(ok.res.cookies.some((c) => c.name === 'omnicx_session' && c.httpOnly));
      const again = await call('POST', '/api/v1/auth/accept-invite', {
        body: { token: inv.body.token, name: 'X', password: PASSWORDS.agent },
      });
      assert.equal(again.status, 404);
      assert.equal(again.body.error.code, 'invalid_invitation');

      const late = await call('POST', '/api/v1/invitations', {
        session: sessions.admin,
        body: { email: 'late@example.com', role: 'analyst' },
      });
      now += 7 * 86_400_000 + 1;
      const expired = await call('POST', '/api/v1/auth/accept-invite', {
        body: { token: late.body.token, name: 'L', password: 'late passphrase' },
      });
      assert.equal(expired.status, 410);
      assert.equal(expired.body.error.code, 'invitation_expired');
      assert.equal(
        (await call('DELETE', `/api/v1/invitations/${late.body.invitation.id}`, { session: sessions.admin }))
          .status,
        401,
        'the admin session idled out meanwhile',
      );
      sessions.admin = (await login(ADMIN.email, ADMIN.password)).session!;
      const del = await call('DELETE', `/api/v1/invitations/${late.body.invitation.id}`, {
        session: sessions.admin,
      });
      assert.equal(del.status, 200);
      assert.equal(
        (await call('DELETE', `/api/v1/invitations/${late.body.invitation.id}`, { session: sessions.admin }))
          .status,
        404,
      );
    });

    test('users of each role sign in; the users list never shows password hashes', async () => {
      for (const role of ['marketer', 'analyst'] as const) {
        const r = await engine.access.createUser(
          ws,
          { email: `${role}@example.com`, role, password: PASSWORDS[role] },
          { type: 'system', id: null, label: 'test' },
        );
        assert.ok(r.ok);
      }
      for (const role of ['marketer', 'analyst', 'agent']) {
        const r = await login(`${role}@example.com`, PASSWORDS[role]!);
        assert.equal(r.status, 200, `${role}: ${JSON.stringify(r.body)}`);
        sessions[role] = r.session!;
        userIds[role] = r.body.user.id;
      }
      const users = await call('GET', '/api/v1/users', { session: sessions.admin });
      assert.equal(users.status, 200);
      assert.deepEqual(users.body.users.map((u: Json) => u.role).sort(), [
        'admin',
        'agent',
        'analyst',
        'marketer',
      ]);
      assert.doesNotMatch(users.res.body, /scrypt|passwordHash|password_hash/);
      const agentMe = await call('GET', '/api/v1/auth/me', { session: sessions.agent! });
      assert.deepEqual(
        new Set(agentMe.body.permissions),
        new Set([
          'profiles:read',
          'profiles:write',
          'tasks:read',
          'tasks:write',
          'feedback:read',
          'feedback:write',
          'surveys:read',
          'segments:read',
        ]),
      );
    });

    test('CSRF: a cookie-authenticated change without or with a wrong x-csrf-token is 403 csrf; keys are exempt', async () => {
      const rule = { condition: { type: 'trait', trait: 'city', op: 'equals', value: 'Shiraz' } };
      const missing = await call('POST', '/api/v1/segments', {
        session: sessions.admin,
        csrf: null,
        body: { name: 'c1', rule },
      });
      assert.equal(missing.status, 403);
      assert.equal(missing.body.error.code, 'csrf');
      const wrong = await call('POST', '/api/v1/segments', {
        session: sessions.admin,
        csrf: 'x'.repeat(43),
        body: { name: 'c1', rule },
      });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error.code, 'csrf');
      const other = await call('POST', '/api/v1/segments', {
        session: sessions.admin,
        csrf: sessions.marketer!.csrf,
        body: { name: 'c1', rule },
      });
      assert.equal(other.status, 403, "another session's token does not work");
      const read = await call('GET', '/api/v1/segments', { session: sessions.admin, csrf: null });
      assert.equal(read.status, 200, 'reads need no token');
      const okCookie = await call('POST', '/api/v1/segments', {
        session: sessions.admin,
        body: { name: 'c1', rule },
      });
      assert.equal(okCookie.status, 201, JSON.stringify(okCookie.body));
      const okKey = await call('POST', '/api/v1/segments', { key: SK, body: { name: 'c2', rule } });
      assert.equal(okKey.status, 201);
      const me = await call('PATCH', '/api/v1/auth/me', {
        session: sessions.admin,
        csrf: null,
        body: { name: 'x' },
      });
      assert.equal(me.status, 403);
      assert.equal(me.body.error.code, 'csrf');
    });

    test('the permission matrix: each role, one allowed and one denied request per area, through real routes', async () => {
      const rule = { condition: { type: 'trait', trait: 'city', op: 'equals', value: 'Tabriz' } };
      const ALL = ['admin', 'marketer', 'analyst', 'agent'];
      // [area, verb, method, url, body, roles allowed, status when allowed]
      const cases: [string, string, InjectOptions['method'], string, unknown, string[], number | null][] = [
        ['profiles', 'see', 'GET', '/api/v1/profiles?q=zz', undefined, ALL, 200],
        [
          'profiles',
          'erase',
          'DELETE',
          '/api/v1/profiles/prf_missing',
          undefined,
          ['admin', 'marketer'],
          404,
        ],
        ['segments', 'see', 'GET', '/api/v1/segments', undefined, ALL, 200],
        ['segments', 'change', 'POST', '/api/v1/segments', { rule }, ['admin', 'marketer'], 201],
        ['processes', 'see', 'GET', '/api/v1/processes', undefined, ['admin', 'marketer', 'analyst'], 200],
        ['processes', 'change', 'POST', '/api/v1/processes', { nope: 1 }, ['admin', 'marketer'], 400],
        ['surveys', 'see', 'GET', '/api/v1/surveys', undefined, ALL, 200],
        ['surveys', 'change', 'POST', '/api/v1/surveys', { nope: 1 }, ['admin', 'marketer'], 400],
        ['feedback', 'see', 'GET', '/api/v1/feedback', undefined, ALL, 200],
        [
          'feedback',
          'change',
          'POST',
          '/api/v1/feedback/fb_missing/followup',
          { status: 'contacted' },
          ['admin', 'marketer', 'agent'],
          null,
        ],
        ['tasks', 'see', 'GET', '/api/v1/tasks', undefined, ALL, 200],
        [
          'tasks',
          'change',
          'PATCH',
          '/api/v1/tasks/tsk_missing',
          { status: 'done' },
          ['admin', 'marketer', 'agent'],
          404,
        ],
        ['outbox', 'see', 'GET', '/api/v1/outbox', undefined, ['admin', 'marketer', 'analyst'], 200],
        [
          'outbox',
          'change',
          'POST',
          '/api/v1/outbox/obx_missing/retry',
          undefined,
          ['admin', 'marketer'],
          null,
        ],
        [
          'settings',
          'see',
          'GET',
          '/api/v1/settings/identity',
          undefined,
          ['admin', 'marketer', 'analyst'],
          200,
        ],
        ['settings', 'change', 'PUT', '/api/v1/settings/identity', { nope: 1 }, ['admin'], 400],
        ['keys', 'see', 'GET', '/api/v1/keys', undefined, ['admin'], 200],
        ['keys', 'change', 'POST', '/api/v1/keys', { kind: 'secret' }, ['admin'], null],
        ['users', 'see', 'GET', '/api/v1/users', undefined, ['admin'], 200],
        ['users', 'change', 'PATCH', '/api/v1/users/usr_missing', { role: 'agent' }, ['admin'], 404],
        ['audit', 'see', 'GET', '/api/v1/audit', undefined, ['admin'], 200],
      ];
      // Areas whose routes other work adds (templates, channels, analytics): the first parameterless route
      // of each verb found in the table.
      for (const area of ['templates', 'channels', 'analytics']) {
        const read = app.apiRoutes.find(
          (x) => x.method === 'GET' && x.permission === `${area}:read` && !x.url.includes(':'),
        );
        if (read)
          cases.push([area, 'see', 'GET', read.url, undefined, ['admin', 'marketer', 'analyst'], null]);
        const write = app.apiRoutes.find(
          (x) => x.method !== 'GET' && x.permission === `${area}:write` && !x.url.includes(':'),
        );
        if (write) cases.push([area, 'change', write.method, write.url, {}, ['admin', 'marketer'], null]);
      }
      let n = 0;
      for (const [area, verb, method, url, body, allowedRoles, okStatus] of cases) {
        for (const role of ALL) {
          const payload =
            area === 'segments' && method === 'POST' ? { name: `m${n++}`, ...(body as object) } : body;
          const r = await call(method, url, {
            session: sessions[role]!,
            ...(payload !== undefined ? { body: payload } : {}),
          });
          const what = `${role} ${method} ${url}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
          if (allowedRoles.includes(role)) {
            assert.notEqual(r.status, 403, what);
            assert.ok(r.status < 500, what);
            if (okStatus !== null) assert.equal(r.status, okStatus, what);
          } else {
            assert.equal(r.status, 403, what);
            assert.deepEqual(r.body, {
              error: {
                code: 'forbidden',
                message: `your role (${role}) may not ${verb} ${area}; ask an admin`,
              },
            });
          }
        }
      }
      // The secret key acts as admin.
      assert.equal((await call('GET', '/api/v1/audit', { key: SK })).status, 200);
      // A role change applies at once, without signing in again.
      assert.equal(
        (
          await call('PATCH', `/api/v1/users/${userIds.analyst}`, {
            session: sessions.admin,
            body: { role: 'marketer' },
          })
        ).status,
        200,
      );
      assert.equal(
        (
          await call('POST', '/api/v1/segments', {
            session: sessions.analyst!,
            body: { name: 'promoted', rule },
          })
        ).status,
        201,
      );
      assert.equal(
        (
          await call('PATCH', `/api/v1/users/${userIds.analyst}`, {
            session: sessions.admin,
            body: { role: 'analyst' },
          })
        ).status,
        200,
      );
      assert.equal(
        (
          await call('POST', '/api/v1/segments', {
            session: sessions.analyst!,
            body: { name: 'demoted', rule },
          })
        ).status,
        403,
      );
    });

    test('every registered /api/v1 route has an entry in the permission table; unmapped routes are admin-only', () => {
      const routes = app.apiRoutes.filter((r) => !r.url.startsWith('/api/v1/auth/'));
      assert.ok(routes.length > 60, `saw ${routes.length} routes`);
      for (const url of [
        '/api/v1/segments',
        '/api/v1/processes/:id/publish',
        '/api/v1/users/:id',
        '/api/v1/contacts/import',
      ]) {
        assert.ok(
          routes.some((r) => r.url === url),
          url,
        );
      }
      const unmapped = routes.filter((r) => r.permission === undefined).map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(unmapped, [], 'add these routes to ROUTE_AREAS in packages/server/src/auth.ts');
      // Fail closed: a route the table does not know is refused to every role but admin.
      assert.equal(permissionFor('GET', '/api/v1/brand-new-thing'), undefined);
      for (const role of ['marketer', 'analyst', 'agent'] as const) {
        assert.equal(allowed({ role }, permissionFor('GET', '/api/v1/brand-new-thing')), false, role);
      }
      assert.equal(allowed({ role: 'admin' }, undefined), true);
      assert.equal(allowed({ role: null }, 'segments:read'), false, 'a write key holds nothing');
      // Longest prefix wins, methods pick the verb, overrides refine.
      assert.equal(
        permissionFor('POST', '/api/v1/surveys/:id/responses/:responseId/followup'),
        'feedback:write',
      );
      assert.equal(permissionFor('GET', '/api/v1/surveys/:id/responses'), 'surveys:read');
      assert.equal(permissionFor('DELETE', '/api/v1/profiles/:id'), 'profiles:erase');
      assert.equal(permissionFor('POST', '/api/v1/segments/preview'), 'segments:read');
      assert.equal(permissionFor('HEAD', '/api/v1/keys'), 'keys:read');
      assert.equal(permissionFor('POST', '/api/v1/stats/events'), undefined, 'analytics is read-only');
    });

    test('the last active admin cannot be demoted or disabled (409 last_admin)', async () => {
      const demote = await call('PATCH', `/api/v1/users/${userIds.admin}`, {
        session: sessions.admin,
        body: { role: 'analyst' },
      });
      assert.equal(demote.status, 409);
      assert.equal(demote.body.error.code, 'last_admin');
      const disable = await call('PATCH', `/api/v1/users/${userIds.admin}`, {
        session: sessions.admin,
        body: { disabled: true },
      });
      assert.equal(disable.status, 409);
      const bad = await call('PATCH', `/api/v1/users/${userIds.agent}`, {
        session: sessions.admin,
        body: { role: 'owner' },
      });
      assert.equal(bad.status, 400);
    });

    test('disabling a user ends their sessions at once', async () => {
      const r = await call('PATCH', `/api/v1/users/${userIds.marketer}`, {
        session: sessions.admin,
        body: { disabled: true },
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.user.disabled, true);
      assert.equal((await call('GET', '/api/v1/segments', { session: sessions.marketer! })).status, 401);
      assert.equal((await login('marketer@example.com', PASSWORDS.marketer!)).status, 401);
      await call('PATCH', `/api/v1/users/${userIds.marketer}`, {
        session: sessions.admin,
        body: { disabled: false },
      });
      sessions.marketer = (await login('marketer@example.com', PASSWORDS.marketer!)).session!;
    });

    test('PATCH /auth/me changes name, locale and password; a new password ends the other sessions', async () => {
      const second = (await login(`agent@example.com`, PASSWORDS.agent!)).session!;
      const wrong = await call('PATCH', '/api/v1/auth/me', {
        session: sessions.agent!,
        body: { password: { current: 'not my password', next: 'a brand new one' } },
      });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.code, 'wrong_password');
      const r = await call('PATCH', '/api/v1/auth/me', {
        session: sessions.agent!,
        body: {
          name: 'Ali R',
          locale: 'ar',
          password: { current: PASSWORDS.agent, next: 'a brand new one' },
        },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.user.name, r.body.user.locale], ['Ali R', 'ar']);
      assert.equal((await call('GET', '/api/v1/auth/me', { session: sessions.agent! })).status, 200);
      assert.equal((await call('GET', '/api/v1/auth/me', { session: second })).status, 401);
      PASSWORDS.agent = 'a brand new one';
    });

    test('changes are audited with actor, action, route, resource and a redacted body; reads and refusals are not', async () => {
      const created = await call('POST', '/api/v1/segments', {
        session: sessions.marketer!,
        body: {
          name: 'Audited',
          rule: { condition: { type: 'trait', trait: 'plan', op: 'equals', value: 'gold' } },
        },
      });
      assert.equal(created.status, 201);
      const key = await call('POST', '/api/v1/keys', { key: SK, body: { kind: 'write', name: 'site' } });
      assert.equal(key.status, 201);
      const log = await call('GET', '/api/v1/audit?limit=500', { session: sessions.admin });
      assert.equal(log.status, 200);
      const entries = log.body.entries as Json[];
      const seg = entries.find((e) => e.action === 'segments.create' && e.resourceId === created.body.id)!;
      assert.ok(seg, 'segment creation audited');
      assert.deepEqual(seg.actor, { type: 'user', id: userIds.marketer, label: 'marketer@example.com' });
      assert.equal(seg.method, 'POST');
      assert.equal(seg.route, '/api/v1/segments');
      assert.equal(seg.status, 201);
      assert.equal(seg.summary.name, 'Audited');
      const k = entries.find((e) => e.action === 'keys.create' && e.resourceId === key.body.id)!;
      assert.equal(k.actor.type, 'key');
      assert.equal(k.actor.label, 'secret key (from environment)');
      assert.doesNotMatch(
        JSON.stringify(entries),
        new RegExp(key.body.key as string),
        'a created key is never in the log',
      );
      const pw = entries.find((e) => e.action === 'auth.password_change')!;
      assert.equal(pw.summary.password, '[redacted]');
      assert.doesNotMatch(log.res.body, /a brand new one|agent passphrase|admin passphrase/);
      const actions = new Set(entries.map((e) => e.action));
      for (const a of [
        'auth.login',
        'auth.login_failed',
        'auth.accept_invite',
        'invitations.create',
        'invitations.delete',
        'users.update',
      ]) {
        assert.ok(actions.has(a), a);
      }
      assert.ok(
        !entries.some((e) => e.method === 'GET' && e.route === '/api/v1/segments'),
        'reads are not audited',
      );
      assert.ok(!entries.some((e) => e.status === 403 || e.status === 400), 'refusals are not audited');
      assert.ok(!entries.some((e) => e.route === '/api/v1/segments/preview'), 'previews are not audited');

      // Filters and paging.
      const mine = await call('GET', `/api/v1/audit?actor=${userIds.marketer}&action=segments`, {
        session: sessions.admin,
      });
      assert.ok(mine.body.entries.length >= 1);
      assert.ok(
        mine.body.entries.every(
          (e: Json) => e.actor.id === userIds.marketer && e.action.startsWith('segments.'),
        ),
      );
      const p1 = await call('GET', '/api/v1/audit?limit=3', { session: sessions.admin });
      const p2 = await call('GET', `/api/v1/audit?limit=3&cursor=${p1.body.next}`, {
        session: sessions.admin,
      });
      assert.deepEqual(
        [...p1.body.entries, ...p2.body.entries].map((e: Json) => e.id),
        entries.slice(0, 6).map((e) => e.id),
      );
      const bad = await call('GET', '/api/v1/audit?since=yesterday', { session: sessions.admin });
      assert.equal(bad.status, 400);
    });

    test('sign-out ends the session and clears the cookie; an idle session expires after 12 hours', async () => {
      const s = (await login('analyst@example.com', PASSWORDS.analyst!)).session!;
      const out = await call('POST', '/api/v1/auth/logout', { session: s });
      assert.equal(out.status, 204);
      const cleared = out.res.cookies.find((c) => c.name === 'omnicx_session')!;
      assert.equal(cleared.value, '');
      assert.ok(cleared.maxAge === 0 || (cleared.expires && cleared.expires.getTime() <= Date.now()));
      assert.equal((await call('GET', '/api/v1/auth/me', { session: s })).status, 401);

      const idle = (await login('analyst@example.com', PASSWORDS.analyst!)).session!;
      now += SESSION_IDLE_MS - 60_000;
      assert.equal((await call('GET', '/api/v1/segments', { session: idle })).status, 200);
      now += SESSION_IDLE_MS - 60_000;
      assert.equal((await call('GET', '/api/v1/auth/me', { session: idle })).status, 200, 'use extended it');
      now += SESSION_IDLE_MS + 1;
      const gone = await call('GET', '/api/v1/segments', { session: idle });
      assert.equal(gone.status, 401);
      assert.equal(gone.body.error.code, 'not_signed_in');
    });
  });
