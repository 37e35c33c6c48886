// Starts the real `omnicx start` as a child process for end-to-end tests (SQLite data dir or PostgreSQL URL).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'packages/cli/src/main.ts';

/** A running server process. */
export interface RunningServer {
  url: string;
  port: number;
  writeKey: string;
  secretKey: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  /** Sends SIGTERM and waits for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** kill -9: no shutdown code runs. */
  kill9(): Promise<void>;
}

/** Options: where the data lives, fixed keys (default random), extra environment. */
export interface StartOptions {
  dataDir?: string;
  databaseUrl?: string;
  writeKey?: string;
  secretKey?: string;
  env?: Record<string, string>;
  /** Fixed port (default: a free one chosen by the OS). */
  port?: number;
  timeoutMs?: number;
}

/** Starts `omnicx start` and resolves once it listens. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const writeKey = opts.writeKey ?? `wk_test_${randomBytes(12).toString('hex')}`;
  const secretKey = opts.secretKey ?? `sk_test_${randomBytes(12).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(opts.port ?? 0),
    OMNICX_WRITE_KEY: writeKey,
    OMNICX_SECRET_KEY: secretKey,
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  delete env.DATABASE_URL;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  if (opts.dataDir) env.OMNICX_DATA_DIR = opts.dataDir;
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start', '--log-level', 'info'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start within ${opts.timeoutMs ?? 20000} ms:\n${out}`)),
      opts.timeoutMs ?? 20000,
    );
    const check = () => {
      const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    writeKey,
    secretKey,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Calls the admin API with the secret key; returns status and parsed JSON. */
export async function adminGet<T = unknown>(
  s: RunningServer,
  path: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(s.url + path, { headers: { authorization: `Bearer ${s.secretKey}` } });
  return { status: res.status, body: (await res.json()) as T };
}

/** Sends one ingestion request with the write key as HTTP Basic username (as Segment SDKs do). */
export async function ingest(
  s: RunningServer,
  route: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${s.url}/v1/${route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(s.writeKey + ':').toString('base64')}`,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Polls until `fn` returns a truthy value (the pipeline is asynchronous), or throws after `ms`. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, ms = 10000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until)
      throw new Error(`condition not met within ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
