// One engine + HTTP app per describe block on a test dialect, with a clock the test moves and the helpers
// the HTTP story tests share: admin calls with the secret key, batches with the write key, "settle" (what
// the running engine would have done by now), lookups and publishing.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildEngine, type Engine, type EngineDeps } from '@omnicx/engine';
import type { testDialects } from '@omnicx/store/testing';
import { buildApp } from '../src/index';

export const WK = 'wk_test_0123456789abcdef';
export const SK = 'sk_test_0123456789abcdef';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;

type Dialect = ReturnType<typeof testDialects>[number];

/** Call inside `describe`: registers before/after hooks and returns the helpers. */
export function httpHarness(
  dialect: Dialect,
  opts: { start: number; engine?: Omit<EngineDeps, 'store' | 'clock'> },
) {
  let cleanup: () => Promise<void> = async () => {};
  let engine: Engine | undefined;
  let app: FastifyInstance | undefined;
  const h = {
    now: opts.start,
    clock: { now: () => h.now },
    get engine(): Engine {
      return engine!;
    },
    get app(): FastifyInstance {
      return app!;
    },
    /** A call with a key (default the secret key; null: none); the body parsed when it is JSON. */
    async api(method: InjectOptions['method'], url: string, body?: unknown, key: string | null = SK) {
      const r = await app!.inject({
        method,
        url,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      let parsed: Body = {};
      try {
        parsed = r.body ? (r.json() as Body) : {};
      } catch {
        parsed = { text: r.body };
      }
      return { status: r.statusCode, body: parsed, raw: r };
    },
    /** An admin call that must answer `status`; returns the body. */
    async ok(method: InjectOptions['method'], url: string, body?: unknown, status = 200): Promise<Body> {
      const r = await h.api(method, url, body);
      assert.equal(r.status, status, `${method} ${url}: ${JSON.stringify(r.body)}`);
      return r.body;
    },
    /** Sends messages in one /v1/batch with the write key, stamped with the test clock. */
    async send(messages: Body[]): Promise<void> {
      const r = await app!.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { authorization: `Bearer ${WK}`, 'content-type': 'application/json' },
        payload: JSON.stringify({
          batch: messages.map((m) => ({ timestamp: new Date(h.now).toISOString(), ...m })),
        }),
      });
      assert.equal(r.statusCode, 200, r.body);
    },
    /** What the running engine would have done by now: due jobs, the log, the outbox — a few rounds. */
    async settle(rounds = 3): Promise<void> {
      for (let i = 0; i < rounds; i++) {
        await engine!.scheduler.runDue();
        await engine!.pipeline.drain();
        await engine!.outbox.runDue();
        await engine!.pipeline.drain();
      }
    },
    async profileOf(userId: string): Promise<string> {
      // Events omnicx appended itself (webhooks, consent changes) go through the pipeline loop; an ingest
      // behind them waits its turn, so let the loop catch up before looking the profile up.
      await engine!.pipeline.drain();
      return (await h.ok('GET', `/api/v1/profiles/lookup?userId=${encodeURIComponent(userId)}`)).id as string;
    },
    /** Creates and publishes a process; returns its id. */
    async publish(name: string, definition: unknown): Promise<string> {
      const c = await h.ok('POST', '/api/v1/processes', { name, definition }, 201);
      await h.ok('POST', `/api/v1/processes/${c.id}/publish`);
      return c.id as string;
    },
    /** A profile's timeline (up to 500 events, newest first) as event name, channel and properties. */
    async timeline(profileId: string) {
      return ((await h.ok('GET', `/api/v1/profiles/${profileId}/events?limit=500`)).events as Body[]).map(
        (e) => ({
          event: e.event as string,
          channel: e.channel as string,
          properties: (e.properties ?? {}) as Body,
        }),
      );
    },
  };
  before(async () => {
    const opened = await dialect.open();
    cleanup = opened.cleanup;
    engine = buildEngine({
      ...opts.engine,
      store: opened.store,
      clock: h.clock,
      pipeline: { pollMs: 60_000, inline: true, ...opts.engine?.pipeline },
    });
    await engine.workspaces.bootstrap({ writeKey: WK, secretKey: SK });
    engine.pipeline.start();
    app = await buildApp({ engine, logger: false, webDist: false });
  });
  after(async () => {
    await app?.close();
    await engine?.stop();
    await cleanup();
  });
  return h;
}
