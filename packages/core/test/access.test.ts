import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AREAS,
  PERMISSIONS,
  REDACTED,
  ROLES,
  SUMMARY_MAX,
  auditAction,
  auditSummary,
  can,
  checkName,
  checkPassword,
  deniedMessage,
  isRole,
  normalizeAccountEmail,
  permissionsOf,
  type Role,
} from '../src/access';

describe('the permission table', () => {
  it('gives admin every permission', () => {
    for (const p of PERMISSIONS) assert.ok(can('admin', p), p);
    assert.deepEqual(permissionsOf('admin'), [...PERMISSIONS]);
  });

  it('lets a marketer work every marketing area but not keys, settings changes, users or the audit log', () => {
    for (const area of [
      'profiles',
      'segments',
      'processes',
      'templates',
      'channels',
      'surveys',
      'feedback',
      'tasks',
      'outbox',
    ]) {
      assert.ok(can('marketer', `${area}:read`), area);
      assert.ok(can('marketer', `${area}:write`), area);
    }
    assert.ok(can('marketer', 'profiles:erase'));
    assert.ok(can('marketer', 'profiles:import'));
    assert.ok(can('marketer', 'analytics:read'));
    assert.ok(can('marketer', 'settings:read'));
    for (const p of [
      'settings:write',
      'keys:read',
      'keys:write',
      'users:read',
      'users:write',
      'audit:read',
    ]) {
      assert.equal(can('marketer', p), false, p);
    }
  });

  it('makes an analyst read-only, without keys, users or the audit log', () => {
    for (const p of PERMISSIONS) {
      const [area, verb] = p.split(':') as [string, string];
      const expected = verb === 'read' && !['keys', 'users', 'audit'].includes(area);
      assert.equal(can('analyst', p), expected, p);
    }
  });

  it('limits an agent to people work', () => {
    assert.deepEqual(
      new Set(permissionsOf('agent')),
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
    assert.equal(can('agent', 'profiles:erase'), false);
    assert.equal(can('agent', 'profiles:import'), false);
    assert.equal(can('agent', 'processes:read'), false);
    assert.equal(can('agent', 'surveys:write'), false);
  });

  it('fails closed on unknown roles and permissions', () => {
    assert.equal(can('owner', 'segments:read'), false);
    assert.equal(can(null, 'segments:read'), false);
    assert.equal(can('admin', 'segments:delete'), false);
    assert.equal(isRole('root'), false);
    for (const r of ROLES) assert.ok(isRole(r));
  });

  it('covers read and write of every area, and only read of analytics and audit', () => {
    for (const a of AREAS) assert.ok(PERMISSIONS.includes(`${a}:read`), a);
    assert.equal(PERMISSIONS.includes('analytics:write'), false);
    assert.equal(PERMISSIONS.includes('audit:write'), false);
  });

  it('explains a refusal with the role and the area', () => {
    assert.equal(
      deniedMessage('analyst', 'segments:write'),
      'your role (analyst) may not change segments; ask an admin',
    );
    assert.equal(
      deniedMessage('agent', 'processes:read'),
      'your role (agent) may not see processes; ask an admin',
    );
    assert.match(deniedMessage('agent', undefined), /may not use this route/);
  });

  it('orders permissions stably for every role', () => {
    for (const r of ROLES as readonly Role[]) {
      const list = permissionsOf(r);
      assert.deepEqual(
        list,
        PERMISSIONS.filter((p) => list.includes(p)),
      );
    }
  });
});

describe('account rules', () => {
  it('lower-cases and trims emails, accepting single-label and internationalized domains', () => {
    assert.deepEqual(normalizeAccountEmail('  Sara@Example.COM '), { ok: true, value: 'sara@example.com' });
    assert.deepEqual(normalizeAccountEmail('admin@localhost'), { ok: true, value: 'admin@localhost' });
    assert.ok(normalizeAccountEmail('info@شرکت.ایران').ok);
    assert.ok(normalizeAccountEmail('first.last+tag@mail.example.co').ok);
  });

  it('refuses malformed emails naming the field and the reason', () => {
    for (const bad of [
      '',
      'no-at-sign',
      '@example.com',
      'a@',
      'a b@example.com',
      'a@exa mple.com',
      'a..b@x.com',
      'a@-x.com',
      'a@x..com',
    ]) {
      const r = normalizeAccountEmail(bad);
      assert.equal(r.ok, false, bad);
      if (!r.ok) {
        assert.equal(r.error.code, 'invalid_email');
        assert.equal(r.error.field, 'email');
      }
    }
    const long = normalizeAccountEmail(`${'a'.repeat(65)}@example.com`);
    assert.ok(!long.ok && /64/.test(long.error.message));
  });

  it('requires passwords of at least 10 characters that are not the email', () => {
    assert.ok(checkPassword('correct horse', 'sara@example.com').ok);
    const short = checkPassword('short', 'sara@example.com');
    assert.ok(
      !short.ok && short.error.code === 'weak_password' && /10 characters.*has 5/.test(short.error.message),
    );
    assert.equal(checkPassword('Sara@Example.com', 'sara@example.com').ok, false);
    assert.equal(checkPassword('sara.rahimi', 'sara.rahimi@example.com').ok, false);
    assert.equal(checkPassword(undefined, 'sara@example.com').ok, false);
    assert.equal(checkPassword('x'.repeat(1025), 'sara@example.com').ok, false);
  });

  it('counts characters, not bytes: a 10-letter Persian passphrase is long enough, 9 are not', () => {
    assert.ok(checkPassword('رمزعبورخوب', 'a@b.c').ok);
    assert.equal(checkPassword('رمزعبورخو', 'a@b.c').ok, false);
  });

  it('checks display names', () => {
    assert.deepEqual(checkName('  سارا  '), { ok: true, value: 'سارا' });
    assert.equal(checkName('   ').ok, false);
    assert.equal(checkName('x'.repeat(201)).ok, false);
  });
});

describe('audit summaries', () => {
  it('redacts secrets at any depth', () => {
    const s = auditSummary({
      email: 'a@b.c',
      password: 'hunter2hunter2',
      nested: {
        token: 't',
        apiKey: 'k',
        key: 'x',
        secret_value: 's',
        refreshToken: 'r',
        list: [{ password: 'p' }],
      },
      role: 'agent',
    }) as Record<string, unknown>;
    assert.equal(s.password, REDACTED);
    assert.equal(s.email, 'a@b.c');
    assert.equal(s.role, 'agent');
    const n = s.nested as Record<string, unknown>;
    for (const k of ['token', 'apiKey', 'key', 'secret_value', 'refreshToken'])
      assert.equal(n[k], REDACTED, k);
    assert.deepEqual(n.list, [{ password: REDACTED }]);
    assert.doesNotMatch(JSON.stringify(s), /hunter2/);
  });

  it('bounds the size of what is kept', () => {
    const big = {
      rule: { and: Array.from({ length: 500 }, (_, i) => ({ trait: `t${i}`, value: 'v'.repeat(1000) })) },
    };
    const s = auditSummary(big);
    assert.ok(JSON.stringify(s).length <= SUMMARY_MAX);
    const wide = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, 'x'.repeat(250)]));
    const w = auditSummary(wide) as Record<string, unknown>;
    assert.ok(JSON.stringify(w).length <= SUMMARY_MAX);
    assert.ok(w.truncated === true || Object.keys(w).length <= 51);
  });

  it('keeps nothing of bodies that are not JSON values', () => {
    assert.equal(auditSummary(undefined), null);
    assert.equal(auditSummary(new Uint8Array([1, 2])), null);
    class Stream {}
    assert.equal(auditSummary(new Stream()), null);
  });

  it('names actions from the route pattern and method', () => {
    assert.equal(auditAction('POST', '/api/v1/segments'), 'segments.create');
    assert.equal(auditAction('PATCH', '/api/v1/segments/:id'), 'segments.update');
    assert.equal(auditAction('DELETE', '/api/v1/keys/:id'), 'keys.delete');
    assert.equal(auditAction('PUT', '/api/v1/settings/identity'), 'settings.identity.update');
    assert.equal(auditAction('POST', '/api/v1/processes/:id/publish'), 'processes.publish');
    assert.equal(auditAction('POST', '/api/v1/contacts/import'), 'contacts.import');
    assert.equal(auditAction('DELETE', '/api/v1/segments/:id/members'), 'segments.members.delete');
    assert.equal(auditAction('GET', '/api/v1/profiles/:id/export'), 'profiles.export.read');
  });
});
