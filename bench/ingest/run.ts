// Ingest benchmark: `npm run bench`. See bench/README.md for what it measures and the knobs.
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPgDatabase, tempDir } from '@omnicx/store/testing';
import { runBaseline, storedRows, type BaselineResult } from './baseline';
import type { PrepareMessage, SendMessage, SendStats } from './loadgen';
import { formatSummary, summarize } from './profile-summary';
import { readMetrics, startBenchServer, type BenchServer } from './server';

const env = process.env;
const int = (name: string, def: number) => {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number (got "${v}")`);
  return n;
};
const list = (name: string, def: string) =>
  (env[name] || def)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const EVENTS = int('BENCH_EVENTS', 100_000);
const WARMUP = int('BENCH_WARMUP', 10_000);
const BATCH = int('BENCH_BATCH', 100);
const USERS = int('BENCH_USERS', 20_000);
const CONCURRENCY = list('BENCH_CONCURRENCY', '4,8,16').map(Number);
const SYNCS = list('BENCH_SYNC', 'full,normal') as ('full' | 'normal')[];
const PG = env.BENCH_PG === '1';
const PG_URL = env.BENCH_PG_URL || env.OMNICX_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const PROFILE = env.BENCH_PROFILE === '1';
const LOG_LEVEL = env.BENCH_LOG_LEVEL || 'info';
/** The whole run stops starting new measurements after this many seconds. */
const BUDGET_S = int('BENCH_BUDGET_S', 270);
/** One measurement gives up after this many seconds. */
const RUN_TIMEOUT_S = int('BENCH_RUN_TIMEOUT_S', 90);
const ANON = env.BENCH_ANON === undefined || env.BENCH_ANON === '' ? 0.05 : Number(env.BENCH_ANON);
const TARGET = 20_000;
const SEED = 42;

if (!(ANON >= 0 && ANON <= 0.2)) throw new Error('BENCH_ANON must be a share from 0 to 0.2 (e.g. 0.05)');
for (const c of CONCURRENCY)
  if (!Number.isInteger(c) || c <= 0) throw new Error('BENCH_CONCURRENCY: e.g. 4,8,16');
for (const s of SYNCS) if (s !== 'full' && s !== 'normal') throw new Error('BENCH_SYNC: full and/or normal');
if (!['127.0.0.1', 'localhost'].includes(new URL(PG_URL).hostname)) {
  throw new Error(`BENCH_PG_URL must point at 127.0.0.1 (got ${new URL(PG_URL).hostname})`);
}

interface RunResult {
  name: string;
  database: 'sqlite' | 'postgres';
  synchronous: 'full' | 'normal' | null;
  concurrency: number;
  events: number;
  ingestSec: number;
  processedSec: number;
  /** Events per second until the pipeline caught up (or over what was processed, when partial). */
  processedRate: number;
  /** Events per second until the last 200 (or ingested so far, when partial). */
  ingestRate: number;
  maxLag: number;
  /** Profile merges the pipeline made during the measured part. */
  merges: number;
  latency: SendStats['latencyMs'];
  serverCpu: number;
  /** Bytes the server wrote (write syscalls: WAL, checkpoints, log) during the measured part. */
  serverWritten: number;
  loadgenCpu: number;
  error?: string;
  /** Stopped at the deadline: the rates are over the events done so far. */
  partial?: boolean;
  profile?: string;
}

const started = Date.now();
const log = (msg: string) =>
  console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The load generator child and a typed request/answer over IPC. */
class LoadGen {
  readonly child: ChildProcess;
  #waiting: { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void } | undefined;

  constructor() {
    this.child = fork(fileURLToPath(new URL('./loadgen.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: Record<string, unknown>) => {
      const w = this.#waiting;
      this.#waiting = undefined;
      if (m.type === 'error') w?.reject(new Error(`load generator: ${String(m.message)}`));
      else w?.resolve(m);
    });
    this.child.on('exit', (code) => this.#waiting?.reject(new Error(`load generator exited with ${code}`)));
  }

  request<T>(m: PrepareMessage | SendMessage): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting = { resolve: resolve as (m: Record<string, unknown>) => void, reject };
      this.child.send(m);
    });
  }

  close(): void {
    if (this.child.connected) this.child.send({ cmd: 'exit' });
    setTimeout(() => this.child.kill('SIGKILL'), 2000).unref();
  }
}

/** Waits until the pipeline processed `total` events and the lag is 0; returns the largest lag seen. */
async function caughtUp(url: string, total: number, deadline: number, every: number): Promise<void> {
  for (;;) {
    const m = await readMetrics(url);
    if (m.lag === 0 && m.processed >= total) return;
    if (Date.now() > deadline)
      throw new Error(`pipeline did not catch up: lag ${m.lag}, processed ${m.processed}/${total}`);
    await sleep(every);
  }
}

async function measure(
  gen: LoadGen,
  name: string,
  database: 'sqlite' | 'postgres',
  synchronous: 'full' | 'normal' | null,
  concurrency: number,
  deadline: number,
): Promise<RunResult> {
  const result = emptyResult(name, database, synchronous, concurrency);
  const work = tempDir('omnicx-bench-');
  const profDir = PROFILE ? tempDir('omnicx-bench-prof-') : undefined;
  const pg = database === 'postgres' ? await createPgDatabase(PG_URL) : undefined;
  let server: BenchServer | undefined;
  let sending: Promise<unknown> | undefined;
  try {
    server = await startBenchServer({
      dataDir: join(work, 'data'),
      databaseUrl: pg?.url,
      logFile: join(work, 'server.log'),
      env: { LOG_LEVEL: LOG_LEVEL, ...(synchronous ? { OMNICX_SQLITE_SYNCHRONOUS: synchronous } : {}) },
      nodeFlags: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'] : [],
    });
    const url = server.url;
    const send = (phase: 'warmup' | 'measure') =>
      gen.request<SendStats>({ cmd: 'send', phase, url, writeKey: server!.writeKey, concurrency });
    const warm = await send('warmup');
    if (warm.failures.length > 0) throw new Error(`warm-up requests failed: ${warm.failures.join('; ')}`);
    await caughtUp(url, WARMUP, deadline, 50);
    const merges0 = (await readMetrics(url)).merges;

    const cpu0 = server.cpuSeconds();
    const written0 = server.writtenBytes();
    const t0 = performance.now();
    let ingestDone: number | undefined;
    let stats: SendStats | undefined;
    sending = send('measure').then((s) => {
      ingestDone = performance.now();
      stats = s;
    });
    let maxLag = 0;
    let merges = 0;
    // Poll /metrics while sending (coarsely: a scrape costs the server a COUNT query), then finely.
    for (;;) {
      const m = await readMetrics(url);
      maxLag = Math.max(maxLag, m.lag);
      merges = (Number.isFinite(m.merges) ? m.merges : 0) - (Number.isFinite(merges0) ? merges0 : 0);
      if (ingestDone !== undefined && m.lag === 0 && m.processed >= WARMUP + EVENTS) break;
      if (Date.now() > deadline) {
        // Out of time: report the rate over what was done so far, marked partial.
        const elapsed = (performance.now() - t0) / 1000;
        Object.assign(result, {
          partial: true,
          events: m.processed - WARMUP,
          processedSec: elapsed,
          processedRate: (m.processed - WARMUP) / elapsed,
          ingestRate:
            ingestDone !== undefined ? (EVENTS * 1000) / (ingestDone - t0) : (m.ingested - WARMUP) / elapsed,
          maxLag,
          merges,
          serverCpu: server.cpuSeconds() - cpu0,
          serverWritten: server.writtenBytes() - written0,
        });
        log(
          `${name}: out of time after ${elapsed.toFixed(1)} s, ${m.processed - WARMUP} of ${EVENTS} events processed`,
        );
        return result;
      }
      await sleep(ingestDone === undefined ? 250 : 20);
    }
    const processedDone = performance.now();
    const serverCpu = server.cpuSeconds() - cpu0;
    const serverWritten = server.writtenBytes() - written0;
    await sending;
    const s = stats!;
    if (s.failures.length > 0)
      throw new Error(`${s.failures.length}+ requests failed: ${s.failures.join('; ')}`);
    Object.assign(result, {
      ingestSec: (ingestDone! - t0) / 1000,
      processedSec: (processedDone - t0) / 1000,
      processedRate: (EVENTS * 1000) / (processedDone - t0),
      ingestRate: (EVENTS * 1000) / (ingestDone! - t0),
      maxLag,
      merges,
      latency: s.latencyMs,
      serverCpu,
      serverWritten,
      loadgenCpu: s.cpuMs / 1000,
    });
  } catch (e) {
    result.error = (e as Error).message;
    log(`${name}: ${result.error}`);
  } finally {
    const code = await server?.stop();
    // A load still running (out of time) ends with failed requests once the server is gone.
    await sending?.catch(() => {});
    if (server && code !== 0) log(`${name}: server exited with ${code}; log in ${join(work, 'server.log')}`);
    else rmSync(work, { recursive: true, force: true });
    await pg?.drop();
    if (profDir) {
      // One profile per thread (tsx runs its module hooks on a second thread): the main thread's is the largest.
      const file = readdirSync(profDir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort((a, b) => statSync(join(profDir, b)).size - statSync(join(profDir, a)).size)[0];
      if (file) {
        result.profile = join(profDir, file);
        log(`${name}: CPU profile ${result.profile}`);
      }
    }
  }
  return result;
}

function emptyResult(
  name: string,
  database: 'sqlite' | 'postgres',
  synchronous: 'full' | 'normal' | null,
  concurrency: number,
): RunResult {
  return {
    name,
    database,
    synchronous,
    concurrency,
    events: EVENTS,
    ingestSec: NaN,
    processedSec: NaN,
    processedRate: NaN,
    ingestRate: NaN,
    maxLag: NaN,
    merges: NaN,
    latency: { p50: NaN, p90: NaN, p99: NaN, max: NaN },
    serverCpu: NaN,
    serverWritten: NaN,
    loadgenCpu: NaN,
  };
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';

const pct = (x: number) => (Number.isFinite(x) ? `${fmt(100 * x)}%` : '—');

async function main(): Promise<void> {
  log(
    `events ${EVENTS} (+${WARMUP} warm-up) in batches of ${BATCH}, ${USERS} users, concurrency ${CONCURRENCY.join('/')}, ` +
      `SQLite synchronous ${SYNCS.join('/')}${PG ? ', PostgreSQL' : ''}, server LOG_LEVEL=${LOG_LEVEL}`,
  );

  // 1. Baseline: raw better-sqlite3 inserts of the rows the server would store.
  log('baseline: generating and parsing rows');
  const rows = storedRows(EVENTS, USERS, SEED, ANON);
  const avgPayload = rows.reduce((n, r) => n + r.json.length, 0) / rows.length;
  const baselines = new Map<string, BaselineResult>();
  for (const sync of SYNCS) {
    const b = runBaseline(rows, sync);
    baselines.set(sync, b);
    log(`baseline synchronous=${sync}: ${fmt(b.rowsPerSec)} rows/s (${b.seconds.toFixed(2)} s)`);
  }
  rows.length = 0;

  // 2. The real server, fed by a separate load generator process.
  const gen = new LoadGen();
  const results: RunResult[] = [];
  try {
    const ready = await gen.request<{ bytes: number }>({
      cmd: 'prepare',
      warmup: WARMUP,
      events: EVENTS,
      batchSize: BATCH,
      users: USERS,
      seed: SEED,
      anonShare: ANON,
    });
    log(`load generator ready: ${fmt(ready.bytes / EVENTS)} bytes per event as sent`);
    const plan: { name: string; db: 'sqlite' | 'postgres'; sync: 'full' | 'normal' | null; c: number }[] = [];
    for (const sync of SYNCS) {
      for (const c of CONCURRENCY) plan.push({ name: `sqlite ${sync} C=${c}`, db: 'sqlite', sync, c });
    }
    if (PG)
      for (const c of CONCURRENCY) plan.push({ name: `postgres C=${c}`, db: 'postgres', sync: null, c });
    for (const p of plan) {
      if (Date.now() - started > BUDGET_S * 1000) {
        log(`${p.name}: skipped (BENCH_BUDGET_S=${BUDGET_S} spent)`);
        results.push({
          ...emptyResult(p.name, p.db, p.sync, p.c),
          error: `skipped: BENCH_BUDGET_S=${BUDGET_S} spent`,
        });
        continue;
      }
      log(`${p.name}: running`);
      const deadline = Math.min(Date.now() + RUN_TIMEOUT_S * 1000, started + BUDGET_S * 1000);
      const r = await measure(gen, p.name, p.db, p.sync, p.c, deadline);
      if (!r.error) {
        log(
          `${p.name}: ${fmt(r.processedRate)} events/s processed${r.partial ? ' (partial)' : ''}, ${fmt(r.ingestRate)} ingested, ` +
            `p50 ${fmt(r.latency.p50, 1)} ms, p99 ${fmt(r.latency.p99, 1)} ms, server CPU ${pct(r.serverCpu / r.processedSec)}`,
        );
      }
      results.push(r);
    }
  } finally {
    gen.close();
  }

  // 3. Report.
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  out(`## Ingest benchmark — ${new Date().toISOString()}`);
  out();
  out(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM ` +
      `(${fmt(freemem() / 2 ** 30, 1)} free), Node ${process.version}, ${process.platform}`,
  );
  out(
    `Workload: ${fmt(EVENTS)} events measured after ${fmt(WARMUP)} warm-up, ${BATCH} per POST /v1/batch, ` +
      `${fmt(USERS)} users (80% track, 10% page, 10% identify with email; ${fmt(100 * ANON)}% anonymous-only), ` +
      `stored payload ${fmt(avgPayload)} bytes per event; server LOG_LEVEL=${LOG_LEVEL}`,
  );
  out();
  out('| baseline (better-sqlite3, 100 rows/tx) | rows/s | seconds | writes KB/row |');
  out('|---|---:|---:|---:|');
  for (const b of baselines.values())
    out(
      `| synchronous=${b.synchronous} | ${fmt(b.rowsPerSec)} | ${b.seconds.toFixed(2)} | ${fmt(b.bytesPerRow / 1024, 1)} |`,
    );
  out();
  out(
    '| omnicx run | processed events/s | ingest events/s | ratio processed ÷ baseline | p50 ms | p99 ms | max lag | merges | server CPU | server writes KB/event | load gen CPU | target 20k |',
  );
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results) {
    if (r.error) {
      out(`| ${r.name} | — | — | — | — | — | — | — | — | — | — | ${r.error.replace(/\|/g, '/')} |`);
      continue;
    }
    const base = r.synchronous ? baselines.get(r.synchronous) : undefined;
    const partial = r.partial ? ` (partial: ${fmt(r.events)} events)` : '';
    out(
      `| ${r.name} | ${fmt(r.processedRate)}${partial} | ${fmt(r.ingestRate)} | ` +
        `${base ? fmt(r.processedRate / base.rowsPerSec, 2) : '—'} | ${fmt(r.latency.p50, 1)} | ${fmt(r.latency.p99, 1)} | ` +
        `${fmt(r.maxLag)} | ${fmt(r.merges)} | ${pct(r.serverCpu / r.processedSec)} | ` +
        `${fmt(r.serverWritten / 1024 / r.events, 1)} | ${pct(r.loadgenCpu / r.ingestSec)} | ` +
        `${r.processedRate >= TARGET ? 'met' : `missed (${fmt((100 * r.processedRate) / TARGET)}%)`} |`,
    );
  }
  out();
  out(
    'processed = from the first request until the pipeline lag is 0 (every event on a profile); ingest = until the ' +
      'last 200. ratio = processed events/s ÷ baseline rows/s at the same synchronous setting, both from this run. ' +
      'CPU = share of one core over the run (100% = one core busy).',
  );
  const best = [...results].filter((r) => !r.error).sort((a, b) => b.processedRate - a.processedRate)[0];
  if (best) {
    out();
    out(
      `Target check: best fully processed rate ${fmt(best.processedRate)} events/s (${best.name}) vs target ` +
        `${fmt(TARGET)} events/s: ${best.processedRate >= TARGET ? 'MET' : `MISSED (${fmt((100 * best.processedRate) / TARGET)}% of target)`}`,
    );
  }
  console.log(lines.join('\n'));

  for (const r of results.filter((x) => x.profile)) {
    console.log(`\n### CPU profile of the server: ${r.name} (${r.profile})\n`);
    console.log('```');
    console.log(formatSummary(summarize(JSON.parse(readFileSync(r.profile!, 'utf8'))), 30));
    console.log('```');
  }
  if (results.some((r) => r.error)) process.exitCode = 1;
}

await main();
