import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { tempDir } from '@omnicx/store/testing';
import { adminGet, eventually, ingest, startServer } from '../support/server';

test('the server starts on an empty SQLite data directory, ingests, and serves the profile', async () => {
  const dataDir = tempDir();
  const s = await startServer({ dataDir });
  try {
    assert.equal(
      (await ingest(s, 'identify', { userId: 'u1', traits: { email: 'a@example.com' } })).status,
      200,
    );
    const p = await eventually(async () => {
      const r = await adminGet<{ id: string }>(s, '/api/v1/profiles/lookup?email=A@example.com');
      return r.status === 200 && r.body;
    });
    assert.match(p.id, /^prf_/);
    assert.equal(await s.stop(), 0);
  } finally {
    await s.kill9();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
