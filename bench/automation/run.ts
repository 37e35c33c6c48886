// bench/automation — issue 4's two figures, each with a baseline measured in the same run:
//  (a) latency from the ingest request's 200 to the effect in the outbox, p50/p99, with 1,000 published
//      processes (999 listening to other events, 1 to the benchmark event with a send step). On SQLite the
//      event is processed inside the ingest transaction, so the effect is in the outbox when the 200 is sent:
//      the latency is the request's own. Baseline: the same requests with no process defined.
//  (b) due timers fired per second with BENCH_TIMERS (default 1,000,000) instances waiting. Each fire
//      advances an instance past its wait to a second wait (state, history, counters, a new timer: the full
//      machinery, no effect). Baseline: the scheduler claiming and deleting the same jobs with a no-op
//      handler (the least any timer must cost).
// Run: npm run bench:automation        (BENCH_TIMERS=200000 for a quicker run)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newInstance, step, validateProcess } from '@omnicx/core';
import { openStore, type InstanceRecord, type Store } from '@omnicx/store';
import { buildEngine, type Engine } from '@omnicx/engine';
import { buildApp } from '@omnicx/server';

const TIMERS = Number(process.env.BENCH_TIMERS ?? 1_000_000);
const FIRE = Math.min(TIMERS, Number(process.env.BENCH_FIRE ?? 200_000));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const PROCESSES = 1000;
const WK = 'wk_bench_0123456789abcdef';
const SK = 'sk_bench_0123456789abcdef';
const T0 = Date.parse('2026-11-23T10:00:00Z');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function fresh(): Promise<{
  store: Store;
  engine: Engine;
  ws: string;
  clock: { t: number; now(): number };
  done(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'omnicx-bench-automation-'));
  const store = await openStore({ dataDir: dir, sqliteSynchronous: 'normal' });
  const clock = {
    t: T0,
    now() {
      return this.t;
    },
  };
  const engine = buildEngine({
    store,
    clock,
    pipeline: { batchSize: 5000, pollMs: 60_000 },
    scheduler: { batch: 2000 },
  });
  const boot = await engine.workspaces.bootstrap({ writeKey: WK, secretKey: SK });
  return {
    store,
    engine,
    ws: boot.workspace.id,
    clock,
    async done() {
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function latency(withProcesses: boolean): Promise<{ p50: number; p99: number; effects: number }> {
  const env = await fresh();
  const { engine, ws } = env;
  if (withProcesses) {
    for (let k = 0; k < PROCESSES; k++) {
      const target = k === PROCESSES - 1;
      const p = await engine.automation.create(ws, {
        name: `P${k}`,
        definition: {
          nodes: [
            {
              id: 't',
              type: 'trigger',
              trigger: { kind: 'event', event: target ? 'Bench Trigger' : `Other Event ${k}` },
            },
            {
              id: 'a',
              type: 'action',
              action: { kind: 'send_message', channel: 'email', template: 'bench' },
            },
          ],
          edges: [{ from: 't', to: 'a' }],
          entry: { recurrence: 'always' },
        },
      });
      if (!p.ok) throw new Error(p.error.message);
      const r = await engine.automation.publish(ws, p.value.id);
      if (!r.ok) throw new Error(r.error.message);
    }
  }
  engine.pipeline.start();
  const app = await buildApp({ engine, logger: false });
  const auth = `Basic ${Buffer.from(`${WK}:`).toString('base64')}`;
  const times: number[] = [];
  for (let i = 0; i < REQUESTS + 200; i++) {
    const t = performance.now();
    const r = await app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ userId: `user-${i % 500}`, event: 'Bench Trigger', properties: { i } }),
    });
    if (r.statusCode !== 200) throw new Error(r.body);
    if (i >= 200) times.push(performance.now() - t); // the first 200 warm up
  }
  const counts = await env.store.outbox.countByStatus(ws);
  await app.close();
  await env.done();
  return { p50: pct(times, 50), p99: pct(times, 99), effects: counts.pending ?? 0 };
}

/** TIMERS waiting instances (written directly, as the engine would have), FIRE of them due now. */
async function timers(noop: boolean): Promise<{ fired: number; ms: number; setupMs: number }> {
  const env = await fresh();
  const { engine, store, ws, clock } = env;
  const definition = {
    nodes: [
      { id: 't', type: 'trigger', trigger: { kind: 'manual' } },
      { id: 'w1', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'hours' } },
      { id: 'w2', type: 'wait', wait: { kind: 'duration', amount: 30, unit: 'days' } },
      { id: 'x', type: 'exit' },
    ],
    edges: [
      { from: 't', to: 'w1' },
      { from: 'w1', to: 'w2' },
      { from: 'w2', to: 'x' },
    ],
  };
  const p = await engine.automation.create(ws, { name: 'Timers', definition });
  if (!p.ok) throw new Error(p.error.message);
  await engine.automation.publish(ws, p.value.id);
  const proc = validateProcess(definition);
  if (!proc.ok) throw new Error('definition');
  const setup = performance.now();
  const CHUNK = 5000;
  for (let base = 0; base < TIMERS; base += CHUNK) {
    const n = Math.min(CHUNK, TIMERS - base);
    const rows: InstanceRecord[] = [];
    const jobs = [];
    for (let i = 0; i < n; i++) {
      const k = base + i;
      const id = `ins_${String(k).padStart(8, '0')}`;
      const profileId = `prf_${String(k).padStart(8, '0')}`;
      // The first FIRE instances are due at T0 + 1 h; the rest a day later.
      const startedAt = k < FIRE ? T0 : T0 + 86_400_000;
      const inst = newInstance({
        id,
        processId: p.value.id,
        version: 1,
        profileId,
        trigger: { kind: 'manual', node: 't' },
        now: startedAt,
      });
      const r = step(
        proc.value,
        inst,
        { kind: 'start', trigger: 't' },
        { now: startedAt, paused: false, profile: { traits: {}, segments: new Set() } },
      );
      rows.push({
        id,
        processId: p.value.id,
        version: 1,
        profileId,
        status: r.instance.status,
        node: r.instance.node,
        running: true,
        state: { ...r.instance, historyCount: 2 } as unknown as Record<string, unknown>,
        startedAt,
        updatedAt: startedAt,
        endedAt: null,
      });
      jobs.push({
        workspace_id: ws,
        id: `job_${String(k).padStart(8, '0')}`,
        kind: 'automation.timer',
        key: id,
        run_at: r.timer!.at,
        payload: JSON.stringify({ token: r.timer!.token }),
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: startedAt,
      });
    }
    // Profiles exist for the instances (the machine reads their traits).
    await store.transaction(async (tx) => {
      await tx.processes.putInstances(ws, rows);
      await tx.profiles.upsertMany(
        ws,
        rows.map((r) => ({
          id: r.profileId,
          mergedInto: null,
          traits: {},
          traitTimes: {},
          channels: {},
          firstSeenAt: T0,
          lastSeenAt: T0,
          eventCount: 1,
          createdAt: T0,
          updatedAt: T0,
          aggregates: {},
          memberships: [],
        })),
      );
    });
    for (let i = 0; i < jobs.length; i += 500)
      await store.db
        .insertInto('jobs')
        .values(jobs.slice(i, i + 500))
        .execute();
  }
  const setupMs = performance.now() - setup;
  if (noop) {
    engine.scheduler.handleBatch('automation.timer', async (list, owner) => {
      await store.transaction((tx) =>
        tx.jobs.completeMany(
          list.map((j) => j.id),
          owner,
        ),
      );
    });
  }
  clock.t = T0 + 3_600_000;
  const t = performance.now();
  const fired = await engine.scheduler.runDue();
  const ms = performance.now() - t;
  await env.done();
  return { fired, ms, setupMs };
}

console.log(`# bench/automation — ${new Date().toISOString()}`);
const base = await latency(false);
const withP = await latency(true);
console.log(
  `(a) ingest 200 → effect in outbox, ${REQUESTS} requests, SQLite (processing at ingest):\n` +
    `    no processes:      p50 ${base.p50.toFixed(2)} ms  p99 ${base.p99.toFixed(2)} ms\n` +
    `    ${PROCESSES} processes:   p50 ${withP.p50.toFixed(2)} ms  p99 ${withP.p99.toFixed(2)} ms  (effects in outbox at the 200: ${withP.effects})\n` +
    `    ratio p99: ${(withP.p99 / base.p99).toFixed(2)}  (target p99 < 50 ms)`,
);
const floor = await timers(true);
const real = await timers(false);
const rate = (r: { fired: number; ms: number }) => (r.fired / r.ms) * 1000;
console.log(
  `(b) ${FIRE} due timers fired with ${TIMERS} pending (setup ${(real.setupMs / 1000).toFixed(0)} s):\n` +
    `    baseline (claim + delete, no-op): ${rate(floor).toFixed(0)} /s\n` +
    `    instances advanced:               ${rate(real).toFixed(0)} /s  (${real.fired} fired)\n` +
    `    ratio: ${(rate(real) / rate(floor)).toFixed(2)}  (target ≥ 10,000 /s)`,
);
