import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@omnicx/store/testing';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dataDir = tempDir();
after(() => rmSync(dataDir, { recursive: true, force: true }));

function omnicx(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      OMNICX_DATA_DIR: dataDir,
      DATABASE_URL: '',
      OMNICX_SECRET_KEY: 'sk_cli_0123456789abcdef',
      OMNICX_WRITE_KEY: '',
    },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('commands that need a workspace say to start the server first', () => {
  const r = omnicx('keys', 'list');
  assert.equal(r.code, 2);
  assert.match(r.err, /run `omnicx start` once first/);
});

test('keys create, list and revoke manage the default workspace keys; plaintext is shown once', async () => {
  // The first start bootstraps the workspace; `migrate` then does not, so bootstrap via a short start.
  const { startServer } = await import('../../../test/support/server');
  const s = await startServer({ dataDir, secretKey: 'sk_cli_0123456789abcdef' });
  await s.stop();
  const created = omnicx('keys', 'create', '--kind', 'write', '--name', 'store POS');
  assert.equal(created.code, 0, created.err);
  const [id, key] = created.out.split('\n');
  assert.match(id!, /^key_/);
  assert.match(key!, /^ocx_wk_/);
  const list = omnicx('keys', 'list');
  assert.match(list.out, new RegExp(`${id}\\s+write\\s+\\S+…\\s+active\\s+store POS`));
  assert.ok(!list.out.includes(key!), 'list never shows a whole key');
  assert.equal(omnicx('keys', 'revoke', id!).code, 0);
  assert.match(omnicx('keys', 'list').out, new RegExp(`${id}.*revoked`));
  const again = omnicx('keys', 'revoke', id!);
  assert.equal(again.code, 2);
  assert.match(again.err, /no active key/);
  assert.equal(omnicx('keys', 'create', '--kind', 'admin').code, 2);
});

test('import contacts reports accepted and rejected rows with reasons', () => {
  const file = join(dataDir, 'contacts.csv');
  writeFileSync(file, 'email,phone,name\nreza@example.com,09120001234,رضا\n,,بی‌نام\n');
  const r = omnicx('import', 'contacts', file);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /rows: 2, accepted: 1 \(1 new\), rejected: 1/);
  assert.match(r.out, /row 3: /);
  assert.equal(omnicx('import', 'contacts', join(dataDir, 'missing.csv')).code, 2);
});

test('bad configuration is refused with the setting named', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: 'eighty', OMNICX_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /PORT must be a whole number/);
});
