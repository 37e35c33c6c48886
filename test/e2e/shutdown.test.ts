import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { openStore } from '@omnicx/store';
import { tempDir } from '@omnicx/store/testing';
import { startServer } from '../support/server';

test('SIGTERM finishes in-flight batches: every answered batch is stored, and the process exits 0', async () => {
  const dataDir = tempDir();
  const s = await startServer({ dataDir });
  const auth = `Basic ${Buffer.from(`${s.writeKey}:`).toString('base64')}`;
  const acked: string[] = [];
  try {
    const send = async (i: number) => {
      const ids = Array.from({ length: 100 }, (_, j) => `sd-${i}-${j}`);
      const body = JSON.stringify({
        batch: ids.map((messageId) => ({ type: 'track', messageId, userId: `u-${i % 7}`, event: 'Viewed' })),
      });
      try {
        const res = await fetch(`${s.url}/v1/batch`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body,
        });
        if (res.status === 200) acked.push(...ids);
        else assert.equal(res.status, 503, 'a request arriving during shutdown is refused, not half-done');
      } catch {
        // Connection refused after close: the client never got a 200, so nothing was promised.
      }
    };
    const inflight = Array.from({ length: 30 }, (_, i) => send(i));
    await new Promise((r) => setTimeout(r, 20));
    const code = await s.stop();
    await Promise.all(inflight);
    assert.equal(code, 0, s.output());
    assert.ok(acked.length > 0, 'some batches were answered before the shutdown');
  } finally {
    await s.kill9();
  }
  const store = await openStore({ dataDir });
  try {
    const ws = (await store.workspaces.list())[0]!.id;
    const counts = await store.events.countByMessageIds(ws, acked);
    assert.equal(counts.size, acked.length, 'every acknowledged event is stored');
    assert.ok([...counts.values()].every((n) => n === 1));
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
