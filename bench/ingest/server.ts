// Starts the real `omnicx start` as a child process for the benchmark (its log goes to a file, not a pipe),
// and reads its /metrics and its CPU time.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchServer {
  url: string;
  writeKey: string;
  child: ChildProcess;
  /** CPU seconds (user + system, all threads) the server process used so far. */
  cpuSeconds(): number;
  /** Bytes the server process passed to write(2) so far (database, WAL, log, sockets): /proc/PID/io wchar. */
  writtenBytes(): number;
  /** SIGTERM and wait (a CPU profile, when asked for, is written on this exit). */
  stop(): Promise<number | null>;
  kill(): void;
}

export interface BenchServerOptions {
  dataDir?: string;
  databaseUrl?: string;
  logFile: string;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

const CLK_TCK = 100;

function cpuOf(pid: number): number {
  try {
    // Fields after the command name (which is in parentheses and may contain spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

function wcharOf(pid: number): number {
  try {
    const m = /^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

export async function startBenchServer(opts: BenchServerOptions): Promise<BenchServer> {
  const writeKey = `wk_bench_${randomBytes(12).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    OMNICX_WRITE_KEY: writeKey,
    OMNICX_SECRET_KEY: `sk_bench_${randomBytes(12).toString('hex')}`,
    ...opts.env,
  };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  if (opts.dataDir) env.OMNICX_DATA_DIR = opts.dataDir;
  const log = openSync(opts.logFile, 'a');
  const child = spawn(
    process.execPath,
    [...(opts.nodeFlags ?? []), '--import', 'tsx', 'packages/cli/src/main.ts', 'start'],
    { cwd: ROOT, env, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));
  const until = Date.now() + 30_000;
  let port: number | undefined;
  while (port === undefined) {
    const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(opts.logFile, 'utf8'));
    if (m) port = Number(m[1]);
    else if (dead || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start; see ${opts.logFile}`);
    } else await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    writeKey,
    child,
    cpuSeconds: () => cpuOf(child.pid!),
    writtenBytes: () => wcharOf(child.pid!),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The pipeline lag and counters from /metrics. */
export async function readMetrics(
  url: string,
): Promise<{ lag: number; processed: number; ingested: number; merges: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const num = (name: string) => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : NaN;
  };
  return {
    lag: num('omnicx_pipeline_lag_events'),
    processed: num('omnicx_events_processed_total'),
    ingested: num('omnicx_events_ingested_total'),
    merges: num('omnicx_identity_merges_total'),
  };
}
