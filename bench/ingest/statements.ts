// Where the database time of one processed event goes, without HTTP: generates the benchmark's workload,
// appends it through the engine (group commit, processing at ingest) on a fresh SQLite file, and prints
// events/s plus the cost of every statement the direct executor ran (µs per call, calls per event).
// A diagnostic for bench/RESULTS.md, not a benchmark with a target. Run:
//   npx tsx bench/ingest/statements.ts            (N=60000 events, 8 appends in flight, synchronous=normal)
//   N=100000 INLINE=0 SYNC=full npx tsx bench/ingest/statements.ts
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBatch } from '@omnicx/core';
import { openStore } from '@omnicx/store';
import { buildEngine } from '@omnicx/engine';
import { Workload } from './workload';

const N = Number(process.env.N ?? 60000);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'omnicx-statements-'));
const store = await openStore({
  dataDir: dir,
  sqliteSynchronous: process.env.SYNC === 'full' ? 'full' : 'normal',
});
await store.migrate();
const direct = store.adapter.direct;
if (!direct) throw new Error('the direct executor exists on SQLite only');

// Time every direct statement by its SQL text.
const costs = new Map<string, { ms: number; calls: number }>();
for (const method of ['run', 'get', 'all'] as const) {
  const original = direct[method].bind(direct) as (sql: string, params: readonly unknown[]) => unknown;
  (direct as unknown as Record<string, unknown>)[method] = (sql: string, params: readonly unknown[]) => {
    const t = performance.now();
    const r = original(sql, params);
    const c = costs.get(sql) ?? { ms: 0, calls: 0 };
    c.ms += performance.now() - t;
    c.calls++;
    costs.set(sql, c);
    return r;
  };
}

const engine = buildEngine({ store, pipeline: { inline: process.env.INLINE !== '0' } });
const boot = await engine.workspaces.bootstrap({
  writeKey: 'wk_bench_0123456789abcdef',
  secretKey: 'sk_bench_0123456789abcdef',
});
const ws = boot.workspace.id;
engine.pipeline.start();
const workload = new Workload({ users: 20000, seed: 1 });
const started = performance.now();
let parseMs = 0;
const inFlight: Promise<unknown>[] = [];
for (let i = 0; i < N / 100; i++) {
  const t = performance.now();
  const parsed = parseBatch(
    { batch: Array.from({ length: 100 }, () => workload.message()) },
    { receivedAt: Date.now(), newMessageId: () => randomUUID() },
  );
  parseMs += performance.now() - t;
  if (!parsed.ok) throw new Error(parsed.error.message);
  inFlight.push(engine.ingest.append(ws, parsed.value));
  if (inFlight.length >= IN_FLIGHT) await Promise.all(inFlight.splice(0));
}
await Promise.all(inFlight);
await engine.pipeline.drain();
const seconds = (performance.now() - started) / 1000;
await engine.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });

console.log(`${N} events in ${seconds.toFixed(2)} s: ${Math.round(N / seconds)} events/s fully processed`);
console.log(
  `generating + validating the messages: ${((parseMs * 1000) / N).toFixed(1)} µs/event (included above)`,
);
let total = 0;
for (const [sql, c] of [...costs].sort((a, b) => b[1].ms - a[1].ms)) {
  total += c.ms;
  console.log(
    `${((c.ms * 1000) / c.calls).toFixed(1).padStart(7)} µs/call ${(c.calls / N).toFixed(2).padStart(5)} calls/event ` +
      `${((c.ms * 1000) / N).toFixed(1).padStart(6)} µs/event  ${sql.slice(0, 60)}`,
  );
}
console.log(`direct statements in all: ${((total * 1000) / N).toFixed(1)} µs/event`);
