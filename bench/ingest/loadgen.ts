// Load generator, run as a separate process (forked by run.ts) so its CPU use is not the server's.
// Protocol over IPC:
//   parent → { cmd: 'prepare', warmup, events, batchSize, users, seed }   child → { type: 'ready', bytes }
//   parent → { cmd: 'send', phase: 'warmup' | 'measure', url, writeKey, concurrency }
//                                                                            child → { type: 'sent', ...SendStats }
//   parent → { cmd: 'exit' }
// Requests go only to the URL given (127.0.0.1), over `concurrency` keep-alive connections.
import http from 'node:http';
import { Workload } from './workload';

export interface PrepareMessage {
  cmd: 'prepare';
  warmup: number;
  events: number;
  batchSize: number;
  users: number;
  seed: number;
  anonShare: number;
}

export interface SendMessage {
  cmd: 'send';
  phase: 'warmup' | 'measure';
  url: string;
  writeKey: string;
  concurrency: number;
}

/** What one phase of sending observed. */
export interface SendStats {
  phase: 'warmup' | 'measure';
  requests: number;
  events: number;
  failures: string[];
  /** Wall time from the first request to the last answer, measured here (ms). */
  elapsedMs: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** CPU this process used while sending (ms, user + system). */
  cpuMs: number;
}

type Body = { body: Buffer; events: number };

let prepared: { warmup: Body[]; measure: Body[] } | undefined;

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function post(
  agent: http.Agent,
  url: URL,
  auth: string,
  body: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/v1/batch',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: auth },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

async function send(m: SendMessage): Promise<SendStats> {
  const bodies = m.phase === 'warmup' ? prepared!.warmup : prepared!.measure;
  const url = new URL(m.url);
  if (url.hostname !== '127.0.0.1')
    throw new Error(`refusing to send load to ${url.hostname}: only 127.0.0.1`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: m.concurrency });
  const auth = `Basic ${Buffer.from(m.writeKey + ':').toString('base64')}`;
  const latencies = new Float64Array(bodies.length);
  const failures: string[] = [];
  let next = 0;
  let events = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const b = bodies[i]!;
      const started = performance.now();
      try {
        const res = await post(agent, url, auth, b.body);
        if (res.status !== 200) failures.push(`${res.status} ${res.text.slice(0, 300)}`);
        else events += b.events;
      } catch (e) {
        failures.push(String(e));
      }
      latencies[i] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: m.concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  latencies.sort();
  return {
    phase: m.phase,
    requests: bodies.length,
    events,
    failures: failures.slice(0, 20),
    elapsedMs,
    latencyMs: {
      p50: quantile(latencies, 0.5),
      p90: quantile(latencies, 0.9),
      p99: quantile(latencies, 0.99),
      max: latencies[latencies.length - 1] ?? NaN,
    },
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on('message', (m: PrepareMessage | SendMessage | { cmd: 'exit' }) => {
  void (async () => {
    try {
      if (m.cmd === 'prepare') {
        // Pre-serialize every body so that sending costs the generator as little CPU as possible.
        const work = new Workload({ users: m.users, seed: m.seed, anonShare: m.anonShare });
        const toBodies = (n: number) =>
          work.bodies(n, m.batchSize).map((b) => ({ body: Buffer.from(b.body), events: b.events }));
        prepared = { warmup: toBodies(m.warmup), measure: toBodies(m.events) };
        const bytes = prepared.measure.reduce((n, b) => n + b.body.length, 0);
        process.send!({ type: 'ready', bytes });
      } else if (m.cmd === 'send') {
        process.send!({ type: 'sent', ...(await send(m)) });
      } else {
        process.disconnect();
        process.exit(0);
      }
    } catch (e) {
      process.send!({ type: 'error', message: String((e as Error).stack ?? e) });
    }
  })();
});
