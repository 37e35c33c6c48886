import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDialects } from '@omnicx/store/testing';
import { engineWithWorkspace, msg } from './helpers';

// The pipeline loop reads a batch, then writes it in a transaction that appends derived events (here:
// Process Started / Ended from an automation process). Events ingested between the read and that
// transaction lie between the batch and the derived events in the log; they must be processed, not skipped
// by the cursor moving past the derived events.
for (const dialect of testDialects())
  describe(`pipeline loop with events ingested mid-batch on ${dialect.name}`, () => {
    test('events committed between the read and the write are processed, none skipped', async () => {
      const { store, cleanup } = await dialect.open();
      try {
        const { engine, ws } = await engineWithWorkspace(store, { inline: false });
        const p = await engine.automation.create(ws, {
          name: 'Welcome',
          definition: {
            nodes: [
              { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Signed Up' } },
              { id: 'a', type: 'action', action: { kind: 'emit_event', event: 'Welcomed' } },
            ],
            edges: [{ from: 't', to: 'a' }],
          },
        });
        assert.ok(p.ok && (await engine.automation.publish(ws, p.value.id)).ok);
        await engine.ingest.append(ws, [msg('track', { userId: 'first', event: 'Signed Up' })]);
        // Ingest two more events the moment the pipeline opens its write transaction.
        const transaction = store.transaction.bind(store);
        let injected = false;
        store.transaction = (async (fn: Parameters<typeof transaction>[0]) => {
          if (!injected) {
            injected = true;
            await engine.ingest.append(ws, [
              msg('track', { userId: 'second', event: 'Signed Up' }),
              msg('identify', { userId: 'third', traits: { plan: 'gold' } }),
            ]);
          }
          return transaction(fn);
        }) as typeof store.transaction;
        await engine.pipeline.runOnce();
        store.transaction = transaction;
        assert.ok(injected);
        await engine.pipeline.drain();
        assert.equal(await engine.pipeline.lag(), 0);
        for (const userId of ['first', 'second', 'third']) {
          const found = await store.identities.findOwners(ws, [{ type: 'user_id', value: userId }]);
          assert.equal(found.length, 1, `${userId} has a profile`);
        }
        const second = (await store.identities.findOwners(ws, [{ type: 'user_id', value: 'second' }]))[0]!;
        const instances = await store.processes.instances(ws, { profileId: second.profileId, limit: 5 });
        assert.equal(instances.length, 1, 'the interleaved Signed Up started its process');
        await engine.stop();
      } finally {
        await cleanup();
      }
    });
  });
