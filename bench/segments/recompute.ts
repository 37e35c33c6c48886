// bench/segments — full recompute of one 3-condition segment over N profiles (default 1,000,000) on SQLite,
// through the engine's real build path (pages of profiles, evaluation, membership writes, Segment Entered
// events), with a baseline measured in the same run: a plain better-sqlite3 scan that reads and JSON-parses
// the same profile rows (the least any recompute must do). Also prints peak resident memory.
// Run: npx tsx bench/segments/recompute.ts           (BENCH_PROFILES=200000 for a quicker run)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type SqliteType from 'better-sqlite3';
import { openStore, type ProfileRecord } from '@omnicx/store';
import { buildEngine } from '@omnicx/engine';

// better-sqlite3 is the store package's dependency, not the root's.
const Sqlite = createRequire(new URL('../../packages/store/package.json', import.meta.url))(
  'better-sqlite3',
) as typeof SqliteType;

const N = Number(process.env.BENCH_PROFILES ?? 1_000_000);
const OTHER_SEGMENTS = 99;
const CITIES = ['تهران', 'مشهد', 'اصفهان', 'شیراز', 'تبریز', 'الرياض', 'جدة', 'دبي', 'London', 'Berlin'];
const CHANNELS = ['web', 'app', 'email', 'sms', 'store', 'phone'];

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const mb = (b: number) => `${Math.round(b / 1048576)} MB`;

const dir = mkdtempSync(join(tmpdir(), 'omnicx-bench-segments-'));
const store = await openStore({ dataDir: dir, sqliteSynchronous: 'normal' });
await store.migrate();
const engine = buildEngine({ store, pipeline: { batchSize: 5000, pollMs: 60_000 } });
const boot = await engine.workspaces.bootstrap({
  writeKey: 'wk_bench_0123456789abcdef',
  secretKey: 'sk_bench_0123456789abcdef',
});
const ws = boot.workspace.id;

// 1. N profiles as the pipeline would have left them (traits and channel statistics).
let t = performance.now();
let rand = 42;
const next = () => (rand = (Math.imul(rand, 1103515245) + 12345) >>> 0) / 4294967296;
const now = Date.parse('2026-11-23T12:00:00Z');
for (let start = 0; start < N; start += 50_000) {
  const records: ProfileRecord[] = [];
  for (let i = start; i < Math.min(N, start + 50_000); i++) {
    const channels: Record<
      string,
      { channel: string; touchpoint: null; count: number; firstSeenAt: number; lastSeenAt: number }
    > = {};
    for (const c of CHANNELS) {
      if (next() < 0.4)
        channels[c] = {
          channel: c,
          touchpoint: null,
          count: 1 + Math.floor(next() * 20),
          firstSeenAt: now - 1e10,
          lastSeenAt: now - Math.floor(next() * 1e9),
        };
    }
    records.push({
      id: `prf_${String(i).padStart(8, '0')}`,
      mergedInto: null,
      traits: {
        city: CITIES[Math.floor(next() * CITIES.length)],
        age: 18 + Math.floor(next() * 60),
        plan: next() < 0.2 ? 'gold' : 'basic',
        email: `user${i}@example.com`,
      },
      traitTimes: { city: now, age: now, plan: now, email: now },
      channels,
      firstSeenAt: now - 1e10,
      lastSeenAt: now,
      eventCount: 1 + Math.floor(next() * 50),
      createdAt: now,
      updatedAt: now,
      aggregates: {},
      memberships: [],
    });
  }
  await store.transaction((tx) => tx.profiles.upsertMany(ws, records));
}
const generateS = (performance.now() - t) / 1000;

// 2. 99 other segments (trait, channel and behaviour rules) so the compiled set has 100.
for (let i = 0; i < OTHER_SEGMENTS; i++) {
  const rule =
    i % 3 === 0
      ? { condition: { type: 'trait', trait: 'age', op: 'gte', value: 20 + (i % 50) } }
      : i % 3 === 1
        ? {
            condition: {
              type: 'channel',
              channel: CHANNELS[i % CHANNELS.length],
              window: { last: 30 + i, unit: 'days' },
            },
          }
        : {
            condition: {
              type: 'performed',
              event: { name: `Event ${i}` },
              window: { last: 7, unit: 'days' },
            },
          };
  const r = await engine.segments.create(ws, { name: `other ${i}`, rule });
  if (!r.ok) throw new Error(r.error.message);
  // Mark them built: this bench measures the recompute of the one segment below.
  await store.segments.setBuild(ws, r.value.id, 1, { done: N, total: N, cursor: null, status: 'ready' });
  await store.jobs.cancel(ws, 'segments.build', r.value.id);
}

// 3. Baseline: read and parse every profile row with better-sqlite3 directly.
const raw = new Sqlite(join(dir, 'omnicx.sqlite'), { readonly: true });
t = performance.now();
let parsed = 0;
for (const row of raw
  .prepare('select id, traits, channels, aggregates, memberships from profiles where workspace_id = ?')
  .iterate(ws) as Iterable<Record<string, string>>) {
  JSON.parse(row.traits!);
  JSON.parse(row.channels!);
  JSON.parse(row.aggregates!);
  JSON.parse(row.memberships!);
  parsed++;
}
const baselineS = (performance.now() - t) / 1000;
raw.close();

// 4. The measured recompute: create the segment, run its build to the end.
const rule = {
  and: [
    { condition: { type: 'trait', trait: 'city', op: 'in', value: ['تهران', 'مشهد', 'الرياض'] } },
    { condition: { type: 'trait', trait: 'age', op: 'between', value: [25, 45] } },
    { condition: { type: 'channel', channel: 'app', window: { last: 90, unit: 'days' } } },
  ],
};
t = performance.now();
const seg = await engine.segments.create(ws, { name: 'app users 25–45 in three cities', rule });
if (!seg.ok) throw new Error(seg.error.message);
let steps = 0;
for (;;) {
  const r = await engine.segments.buildStep(ws, seg.value.id, 1, false);
  steps++;
  if (r !== 'more') break;
}
const recomputeS = (performance.now() - t) / 1000;
const built = await store.segments.get(ws, seg.value.id);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await engine.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `profiles: ${N.toLocaleString('en')} (generated in ${generateS.toFixed(1)} s), segments: ${OTHER_SEGMENTS + 1}`,
);
console.log(
  `baseline (better-sqlite3 scan + JSON.parse of ${parsed.toLocaleString('en')} rows): ${baselineS.toFixed(2)} s`,
);
console.log(
  `full recompute of one 3-condition segment: ${recomputeS.toFixed(2)} s in ${steps} steps, ` +
    `${built?.size.toLocaleString('en')} members (ratio to baseline ${(recomputeS / baselineS).toFixed(2)}); target < 20 s: ` +
    (recomputeS < 20 ? 'met' : 'MISSED'),
);
console.log(
  `peak resident memory: ${mb(peakRss)} (target < 1 GB: ${peakRss < 1024 ** 3 ? 'met' : 'MISSED'})`,
);
