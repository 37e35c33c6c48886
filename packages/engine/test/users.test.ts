import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '@omnicx/store/testing';
import {
  LOGIN_MAX_FAILURES,
  LOGIN_WINDOW_MS,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  hashPassword,
  verifyPassword,
  type Engine,
  type SignedIn,
} from '../src/index';
import { engineWithWorkspace } from './helpers';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const PW = 'correct horse battery';

test('passwords are hashed with scrypt (N=2^15, r=8, p=1, 16-byte salt) and checked in constant time', async () => {
  const h = await hashPassword(PW);
  const [scheme, n, r, p, salt, hash] = h.split('$');
  assert.equal(scheme, 'scrypt');
  assert.deepEqual([n, r, p], ['32768', '8', '1']);
  assert.equal(Buffer.from(salt!, 'base64').length, 16);
  assert.equal(Buffer.from(hash!, 'base64').length, 32);
  assert.notEqual(await hashPassword(PW), h, 'a fresh salt each time');
  assert.deepEqual(await verifyPassword(PW, h), { match: true, rehash: false });
  assert.deepEqual(await verifyPassword('correct horse batterY', h), { match: false, rehash: false });
  for (const bad of ['', 'scrypt$1$1$1$x$y', 'bcrypt$2a$10$abc', `scrypt$${2 ** 30}$8$1$${salt}$${hash}`]) {
    assert.equal((await verifyPassword(PW, bad)).match, false, bad);
  }
  // Parameters travel with the hash: an older, weaker hash still verifies and asks to be rehashed.
  const oldSalt = Buffer.alloc(16, 7);
  const old = `scrypt$16384$8$1$${oldSalt.toString('base64')}$${scryptSync(PW, oldSalt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;
  assert.deepEqual(await verifyPassword(PW, old), { match: true, rehash: true });
});

for (const dialect of testDialects())
  describe(`people and access on ${dialect.name}`, () => {
    let engine: Engine;
    let ws = '';
    let clock: { now(): number; advance(ms: number): number };
    let cleanup: () => Promise<void>;
    let adminEmail = '';
    let adminPassword = '';

    before(async () => {
      const o = await dialect.open();
      cleanup = o.cleanup;
      ({ engine, ws, clock } = await engineWithWorkspace(o.store));
    });
    after(async () => {
      await engine.stop();
      await cleanup();
    });

    const signIn = async (email: string, password: string, ip = '10.0.0.1'): Promise<SignedIn> => {
      const r = await engine.access.login({ email, password }, { ip, userAgent: 'test' });
      assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
      return r.value;
    };

    test('the first start creates admin@localhost with a generated password, once', async () => {
      const first = await engine.access.bootstrapAdmin(ws, {});
      assert.equal(first.created, true);
      assert.equal(first.email, 'admin@localhost');
      assert.ok(first.password && first.password.length >= 20);
      adminEmail = first.email!;
      adminPassword = first.password!;
      assert.deepEqual(
        await engine.access.bootstrapAdmin(ws, { email: 'x@y.z', password: 'another password' }),
        {
          created: false,
        },
      );
      const users = await engine.access.listUsers(ws);
      assert.equal(users.length, 1);
      assert.equal(users[0]!.role, 'admin');
      // Never the hash in what the service hands out.
      assert.doesNotMatch(JSON.stringify(users), /scrypt|passwordHash/);
      const stored = await engine.store.users.byEmail(ws, 'admin@localhost');
      assert.match(stored!.passwordHash, /^scrypt\$32768\$8\$1\$/);
    });

    test('environment values are checked by the password policy', async () => {
      const other = await engine.workspaces.create('Brand B');
      await assert.rejects(
        engine.access.bootstrapAdmin(other.id, { email: 'boss@example.com', password: 'short' }),
        /OMNICX_ADMIN_PASSWORD must be at least 10 characters/,
      );
      await assert.rejects(
        engine.access.bootstrapAdmin(other.id, { email: 'not an email' }),
        /OMNICX_ADMIN_EMAIL/,
      );
      const ok = await engine.access.bootstrapAdmin(other.id, {
        email: 'Boss@Example.com',
        password: 'a long passphrase',
      });
      assert.deepEqual(ok, { created: true, email: 'boss@example.com' });
    });

    test('sign-in answers the same for a wrong password, an unknown email and a disabled account', async () => {
      const s = await signIn(adminEmail, adminPassword);
      assert.equal(s.user.email, adminEmail);
      assert.ok(s.token.length >= 43 && s.csrfToken.length >= 43);
      assert.notEqual(s.token, s.csrfToken);
      const wrong = await engine.access.login(
        { email: adminEmail, password: 'wrong password!' },
        { ip: '10.0.0.9' },
      );
      const unknown = await engine.access.login(
        { email: 'nobody@localhost', password: 'wrong password!' },
        { ip: '10.0.0.9' },
      );
      const created = await engine.access.createUser(
        ws,
        { email: 'gone@example.com', role: 'analyst', password: 'analyst password' },
        { type: 'system', id: null, label: 'test' },
      );
      assert.ok(created.ok);
      await engine.access.updateUser(ws, created.value.user.id, { disabled: true });
      const disabled = await engine.access.login(
        { email: 'gone@example.com', password: 'analyst password' },
        { ip: '10.0.0.9' },
      );
      for (const r of [wrong, unknown, disabled]) {
        assert.ok(!r.ok);
        assert.deepEqual(r.error, {
          code: 'invalid_credentials',
          message: 'the email or password is wrong, or the account is disabled',
        });
      }
      // Email case does not matter.
      await signIn(adminEmail.toUpperCase(), adminPassword);
    });

    test('10 failures for one email from one address within 15 minutes block it, right password included', async () => {
      await engine.access.createUser(
        ws,
        { email: 'target@example.com', role: 'marketer', password: 'marketer password' },
        { type: 'system', id: null, label: 'test' },
      );
      for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
        const r = await engine.access.login(
          { email: 'target@example.com', password: `guess ${i} xxxxx` },
          { ip: '192.0.2.1' },
        );
        assert.ok(!r.ok && r.error.code === 'invalid_credentials', `attempt ${i}`);
        clock.advance(1000);
      }
      const blocked = await engine.access.login(
        { email: 'target@example.com', password: 'marketer password' },
        { ip: '192.0.2.1' },
      );
      assert.ok(!blocked.ok);
      assert.equal(blocked.error.code, 'too_many_attempts');
      assert.ok(
        blocked.error.retryAfterSeconds! > 0 && blocked.error.retryAfterSeconds! <= LOGIN_WINDOW_MS / 1000,
      );
      // Another address is not blocked; the same address is again once the oldest failure left the window.
      await signIn('target@example.com', 'marketer password', '192.0.2.2');
      clock.advance(LOGIN_WINDOW_MS);
      await signIn('target@example.com', 'marketer password', '192.0.2.1');
    });

    test('sessions expire after 12 idle hours, and 7 days after sign-in however active', async () => {
      const s = await signIn(adminEmail, adminPassword);
      const me = await engine.access.authenticate(s.token);
      assert.equal(me?.user.email, adminEmail);
      assert.equal(me?.csrfToken, s.csrfToken);
      assert.equal(await engine.access.authenticate(s.token + 'x'), null);
      // Use every 11 hours keeps it alive (15 × 11 h = 165 h, within the 168 h absolute lifetime) …
      for (let i = 1; i <= 15; i++) {
        clock.advance(11 * HOUR);
        assert.ok(await engine.access.authenticate(s.token), `alive after ${i * 11} h`);
      }
      // … until 7 days after sign-in, although it was used 11 hours ago.
      clock.advance(11 * HOUR);
      assert.ok(15 * 11 * HOUR < SESSION_ABSOLUTE_MS && 16 * 11 * HOUR > SESSION_ABSOLUTE_MS);
      assert.equal(await engine.access.authenticate(s.token), null);

      const idle = await signIn(adminEmail, adminPassword);
      clock.advance(SESSION_IDLE_MS - 1000);
      assert.ok(await engine.access.authenticate(idle.token));
      clock.advance(SESSION_IDLE_MS + 1000);
      assert.equal(await engine.access.authenticate(idle.token), null);
      // Only the hash of the token is stored.
      assert.equal(await engine.store.sessions.byTokenHash(idle.token), undefined);
    });

    test('sign-out ends the session', async () => {
      const s = await signIn(adminEmail, adminPassword);
      const who = await engine.access.logout(s.token);
      assert.equal(who?.email, adminEmail);
      assert.equal(await engine.access.authenticate(s.token), null);
    });

    test('changing the password needs the current one and ends the other sessions', async () => {
      const a = await signIn(adminEmail, adminPassword);
      const b = await signIn(adminEmail, adminPassword);
      const me = (await engine.access.authenticate(a.token))!;
      const wrong = await engine.access.updateMe(me, {
        password: { current: 'not it at all', next: 'a new passphrase' },
      });
      assert.ok(
        !wrong.ok && wrong.error.code === 'wrong_password' && wrong.error.field === 'password.current',
      );
      const weak = await engine.access.updateMe(me, { password: { current: adminPassword, next: 'short' } });
      assert.ok(!weak.ok && weak.error.code === 'weak_password' && weak.error.field === 'password.next');
      const r = await engine.access.updateMe(me, {
        name: 'Sara',
        locale: 'fa',
        password: { current: adminPassword, next: 'a new passphrase' },
      });
      assert.ok(r.ok);
      assert.equal(r.value.name, 'Sara');
      assert.equal(r.value.locale, 'fa');
      adminPassword = 'a new passphrase';
      assert.ok(await engine.access.authenticate(a.token), 'the session that changed it stays');
      assert.equal(await engine.access.authenticate(b.token), null, 'other sessions end');
      const bad = await engine.access.updateMe(me, { locale: 'de' });
      assert.ok(!bad.ok && bad.error.code === 'invalid_locale');
    });

    test('the last active admin can be neither demoted nor disabled; disabling ends sessions', async () => {
      const admin = (await engine.store.users.byEmail(ws, adminEmail))!;
      const demote = await engine.access.updateUser(ws, admin.id, { role: 'marketer' });
      assert.ok(!demote.ok && demote.error.code === 'last_admin');
      const disable = await engine.access.updateUser(ws, admin.id, { disabled: true });
      assert.ok(!disable.ok && disable.error.code === 'last_admin');
      const second = await engine.access.createUser(
        ws,
        { email: 'second@example.com', role: 'admin', password: 'second admin pw' },
        { type: 'system', id: null, label: 'test' },
      );
      assert.ok(second.ok);
      const s = await signIn('second@example.com', 'second admin pw');
      const off = await engine.access.updateUser(ws, second.value.user.id, { disabled: true });
      assert.ok(off.ok && off.value.disabled);
      assert.equal(await engine.access.authenticate(s.token), null);
      // Now the first admin is the last active one again.
      const again = await engine.access.updateUser(ws, admin.id, { role: 'analyst' });
      assert.ok(!again.ok && again.error.code === 'last_admin');
      const on = await engine.access.updateUser(ws, second.value.user.id, { disabled: false });
      assert.ok(on.ok && !on.value.disabled);
      const nf = await engine.access.updateUser(ws, 'usr_nope', { role: 'agent' });
      assert.ok(!nf.ok && nf.error.code === 'not_found');
    });

    test('invitations: accepted once, expire after 7 days, a new one replaces the old', async () => {
      const actor = { type: 'user' as const, id: 'usr_x', label: adminEmail };
      const inv = await engine.access.invite(ws, { email: 'New.Agent@Example.com', role: 'agent' }, actor);
      assert.ok(inv.ok);
      assert.equal(inv.value.invitation.email, 'new.agent@example.com');
      assert.equal(inv.value.invitation.expiresAt - clock.now(), 7 * DAY);
      assert.equal(
        await engine.store.invitations.byTokenHash(inv.value.token),
        undefined,
        'only the hash is stored',
      );
      const weak = await engine.access.acceptInvite({
        token: inv.value.token,
        name: 'Ali',
        password: 'short',
      });
      assert.ok(!weak.ok && weak.error.code === 'weak_password');
      const accepted = await engine.access.acceptInvite({
        token: inv.value.token,
        name: 'علی',
        password: 'agent passphrase',
        locale: 'fa',
      });
      assert.ok(accepted.ok, JSON.stringify(!accepted.ok && accepted.error));
      assert.equal(accepted.value.user.role, 'agent');
      assert.equal(accepted.value.user.locale, 'fa');
      assert.ok(await engine.access.authenticate(accepted.value.token));
      const twice = await engine.access.acceptInvite({
        token: inv.value.token,
        name: 'X',
        password: 'agent passphrase',
      });
      assert.ok(!twice.ok && twice.error.code === 'invalid_invitation');
      const member = await engine.access.invite(ws, { email: 'new.agent@example.com', role: 'agent' }, actor);
      assert.ok(!member.ok && member.error.code === 'already_member');

      const first = await engine.access.invite(ws, { email: 'late@example.com', role: 'analyst' }, actor);
      const second = await engine.access.invite(ws, { email: 'late@example.com', role: 'marketer' }, actor);
      assert.ok(first.ok && second.ok);
      const pending = await engine.access.listInvitations(ws);
      assert.deepEqual(
        pending.filter((i) => i.email === 'late@example.com').map((i) => i.role),
        ['marketer'],
      );
      const replaced = await engine.access.acceptInvite({
        token: first.value.token,
        name: 'L',
        password: 'late passphrase',
      });
      assert.ok(!replaced.ok && replaced.error.code === 'invalid_invitation');
      clock.advance(7 * DAY);
      const expired = await engine.access.acceptInvite({
        token: second.value.token,
        name: 'L',
        password: 'late passphrase',
      });
      assert.ok(!expired.ok && expired.error.code === 'invitation_expired');
      assert.equal(
        (await engine.access.listInvitations(ws)).find((i) => i.email === 'late@example.com')?.expired,
        true,
      );
      assert.ok(await engine.access.revokeInvitation(ws, second.value.invitation.id));
      assert.equal(await engine.access.revokeInvitation(ws, second.value.invitation.id), false);
      const badRole = await engine.access.invite(ws, { email: 'x@example.com', role: 'owner' }, actor);
      assert.ok(!badRole.ok && badRole.error.code === 'invalid_role');
    });

    test('the audit log pages newest first with filters, and keeps no secrets', async () => {
      const log = await engine.access.listAudit(ws, {}, { limit: 500 });
      const actions = log.entries.map((e) => e.action);
      for (const a of [
        'users.bootstrap',
        'auth.login',
        'auth.login_failed',
        'auth.logout',
        'auth.password_change',
        'auth.accept_invite',
      ]) {
        assert.ok(actions.includes(a), a);
      }
      assert.doesNotMatch(JSON.stringify(log.entries), /a new passphrase|agent passphrase|correct horse/);
      const change = log.entries.find((e) => e.action === 'auth.password_change')!;
      assert.deepEqual((change.summary as { password: unknown }).password, '[redacted]');
      const failed = log.entries.filter((e) => e.action === 'auth.login_failed');
      assert.ok(failed.some((e) => (e.summary as { reason: string }).reason === 'unknown_email'));
      assert.ok(failed.some((e) => (e.summary as { reason: string }).reason === 'disabled'));

      // Paging: ids strictly decreasing across pages, nothing lost or repeated.
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await engine.access.listAudit(ws, {}, { limit: 4, cursor });
        seen.push(...page.entries.map((e) => e.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      assert.deepEqual(
        seen,
        log.entries.map((e) => e.id),
      );
      assert.deepEqual([...seen].sort().reverse(), seen);

      const byActor = await engine.access.listAudit(ws, { actor: 'TARGET@example.com' }, { limit: 100 });
      assert.ok(byActor.entries.length >= LOGIN_MAX_FAILURES);
      assert.ok(byActor.entries.every((e) => e.actorLabel === 'target@example.com'));
      const auth = await engine.access.listAudit(ws, { action: 'auth' }, { limit: 500 });
      assert.ok(auth.entries.length > 0 && auth.entries.every((e) => e.action.startsWith('auth.')));
      const exact = await engine.access.listAudit(ws, { action: 'auth.logout' }, { limit: 500 });
      assert.ok(exact.entries.every((e) => e.action === 'auth.logout'));
      const future = await engine.access.listAudit(ws, { since: clock.now() + 1 }, { limit: 10 });
      assert.deepEqual(future.entries, []);
    });
  });
