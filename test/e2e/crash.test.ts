// kill -9 acceptance test: a 200 from /v1/batch means the events are durably stored, exactly once, and the
// pipeline resumes after a crash without losing or double-counting events.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { openStore, type Store } from '@omnicx/store';
import { processDialects } from '@omnicx/store/testing';
import { adminGet, eventually, startServer, type RunningServer } from '../support/server';

const USERS = 200;
const BATCH_SIZE = 50;
const SENDERS = 4;
/** How long each phase sends before the server is killed. */
const PHASE_MS = 1500;
/** Also kill once this many batches were acknowledged in a phase (keeps the test short on fast machines). */
const PHASE_MAX_ACKED = 400;
const CRASHES = 2;

interface Batch {
  no: number;
  messageIds: string[];
  body: string;
}

interface ProfileView {
  id: string;
  eventCount: number;
  identities: { type: string; value: string }[];
}

const userId = (u: number) => `user-${u}`;
const anonId = (u: number) => `anon-${u}`;
const email = (u: number) => `user${u}@example.com`;

/** Generates batches of track/identify events for a pool of users and remembers how many events each user got. */
class Workload {
  readonly run = randomBytes(4).toString('hex');
  readonly perUser = new Map<number, number>();
  readonly all: string[] = [];
  #next = 0;

  batch(events?: Record<string, unknown>[]): Batch {
    const no = this.#next++;
    const list = events ?? Array.from({ length: BATCH_SIZE }, () => this.#event());
    const messageIds = list.map((e, i) => {
      const id = `${this.run}-${no}-${i}`;
      e.messageId = id;
      return id;
    });
    this.all.push(...messageIds);
    return { no, messageIds, body: JSON.stringify({ batch: list }) };
  }

  /** One identify per user carrying userId, anonymousId and email, so every anonymous profile gets linked. */
  linkingBatches(): Batch[] {
    const out: Batch[] = [];
    for (let start = 0; start < USERS; start += BATCH_SIZE) {
      const events: Record<string, unknown>[] = [];
      for (let u = start; u < Math.min(USERS, start + BATCH_SIZE); u++) events.push(this.#identify(u));
      out.push(this.batch(events));
    }
    return out;
  }

  #count(u: number): void {
    this.perUser.set(u, (this.perUser.get(u) ?? 0) + 1);
  }

  #identify(u: number): Record<string, unknown> {
    this.#count(u);
    return {
      type: 'identify',
      userId: userId(u),
      anonymousId: anonId(u),
      traits: { email: email(u), plan: u % 3 === 0 ? 'pro' : 'free', name: `User ${u}` },
      timestamp: new Date().toISOString(),
    };
  }

  #event(): Record<string, unknown> {
    const u = Math.floor(Math.random() * USERS);
    const r = Math.random();
    if (r < 0.1) return this.#identify(u);
    this.#count(u);
    const ids =
      r < 0.2
        ? { anonymousId: anonId(u) }
        : r < 0.3
          ? { userId: userId(u), anonymousId: anonId(u) }
          : { userId: userId(u) };
    return {
      type: 'track',
      ...ids,
      event: r < 0.6 ? 'Product Viewed' : 'Order Completed',
      properties: {
        sku: `sku-${Math.floor(Math.random() * 1000)}`,
        price: Math.round(Math.random() * 10000) / 100,
      },
      context: { page: { url: 'https://shop.example.com/p/1' } },
      timestamp: new Date().toISOString(),
    };
  }
}

/** Sends batches with several requests in flight; a batch is acknowledged only by a 200 {"success":true}. */
class Client {
  readonly acked = new Set<string>();
  /** Batches sent but not acknowledged; re-sent only after the next restart. */
  unacked: Batch[] = [];
  /** Answers other than 200 (a crash may only show as a failed request, never as an error status). */
  readonly badAnswers: string[] = [];
  inFlight = 0;
  ackedBatches = 0;
  /** Called right after a request was started (the test uses it to time the kill -9). */
  afterSend: (() => void) | undefined;

  constructor(private readonly work: Workload) {}

  /**
   * Runs SENDERS loops against `s`: first the batches left unacknowledged by the previous server, then new
   * ones while `newBatches` is true. Resolves when every loop ended (after `halt()`, or when out of work).
   */
  start(s: RunningServer, newBatches: boolean): { halt(): void; done: Promise<void> } {
    const retry = this.unacked;
    this.unacked = [];
    const failed: Batch[] = [];
    let halted = false;
    const auth = `Basic ${Buffer.from(s.writeKey + ':').toString('base64')}`;
    const loop = async () => {
      while (!halted) {
        const b = retry.shift() ?? (newBatches ? this.work.batch() : undefined);
        if (!b) return;
        this.inFlight++;
        try {
          const answer = fetch(`${s.url}/v1/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: b.body,
            signal: AbortSignal.timeout(15000),
          });
          this.afterSend?.();
          const res = await answer;
          const text = await res.text();
          if (res.status === 200 && JSON.parse(text).success === true) {
            for (const id of b.messageIds) this.acked.add(id);
            this.ackedBatches++;
          } else {
            this.badAnswers.push(`batch ${b.no}: ${res.status} ${text}`);
            failed.push(b);
          }
        } catch {
          // Connection reset / refused: the server died. Not acknowledged; retried after the restart.
          failed.push(b);
        } finally {
          this.inFlight--;
        }
      }
    };
    const done = Promise.all(Array.from({ length: SENDERS }, loop)).then(() => {
      this.unacked = [...retry, ...failed];
    });
    return {
      halt: () => {
        halted = true;
      },
      done,
    };
  }
}

/** Reads the stored copies of the given messageIds: none may be stored twice. */
async function storedCounts(store: Store, ids: readonly string[]): Promise<Map<string, number>> {
  const [w] = await store.workspaces.list();
  assert.ok(w, 'the server created the default workspace');
  return store.events.countByMessageIds(w.id, ids);
}

async function withStore<T>(
  config: { databaseUrl?: string; dataDir?: string },
  fn: (s: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function metric(s: RunningServer, name: string): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

for (const dialect of processDialects()) {
  test(
    `kill -9 during ingestion loses no acknowledged event and double-counts nothing (${dialect.name})`,
    { timeout: 120_000 },
    async (t) => {
      const db = await dialect.open();
      // The server opens the database itself; this handle only created it.
      await db.store.close();
      const config = db.config;
      const keys = {
        writeKey: `wk_test_${randomBytes(12).toString('hex')}`,
        secretKey: `sk_test_${randomBytes(12).toString('hex')}`,
      };
      const work = new Workload();
      const client = new Client(work);
      let server: RunningServer | undefined;
      try {
        for (let crash = 1; crash <= CRASHES; crash++) {
          server = await startServer({ ...config, ...keys });
          const victim = server;
          const ackedBefore = client.ackedBatches;
          const until = Date.now() + PHASE_MS;
          let inFlight = 0;
          let halt = () => {};
          // Once the phase is over, kill -9 right after a request was started: at once the first time (that
          // request surely gets no answer), 0–5 ms later the second time (it may commit without being
          // answered). The other senders' requests are at random stages either way.
          const killed = new Promise<void>((resolve, reject) => {
            const kill = () => {
              inFlight = client.inFlight;
              victim.kill9().then(resolve, reject);
            };
            client.afterSend = () => {
              if (Date.now() < until && client.ackedBatches - ackedBefore < PHASE_MAX_ACKED) return;
              client.afterSend = undefined;
              halt();
              if (crash === 1) kill();
              else setTimeout(kill, Math.random() * 5);
            };
          });
          const run = client.start(server, true);
          halt = run.halt;
          await killed;
          await run.done;
          t.diagnostic(
            `crash ${crash}: ${client.ackedBatches - ackedBefore} batches acknowledged in this phase, ` +
              `${inFlight} requests in flight at kill -9, ${client.unacked.length} batches to retry`,
          );
          if (crash === 1) {
            // (The second time the requests may all have been answered within the delay: that is fine.)
            assert.ok(inFlight > 0, 'the server was killed while requests were in flight');
            assert.ok(client.unacked.length > 0, 'the request sent just before the kill got no answer');
          }
          assert.ok(client.ackedBatches > ackedBefore, 'batches were acknowledged before the crash');

          // Right after the crash, before any retry: every acknowledged event is there, once.
          const sent = [...work.all];
          const counts = await withStore(config, (s) => storedCounts(s, sent));
          const lost = [...client.acked].filter((id) => counts.get(id) !== 1);
          assert.deepEqual(
            lost.slice(0, 10),
            [],
            `${lost.length} acknowledged events are missing after kill -9`,
          );
          const twice = [...counts].filter(([, n]) => n !== 1);
          assert.deepEqual(twice.slice(0, 10), [], 'no messageId is stored twice');
          const committedUnacked = sent.filter((id) => !client.acked.has(id) && counts.has(id)).length;
          t.diagnostic(
            `crash ${crash}: ${committedUnacked} events were committed but not acknowledged (retried below)`,
          );
        }

        // Restart, re-send what was never acknowledged (same messageIds), then a few more batches and one
        // identify per user that links each anonymous id to its user.
        server = await startServer({ ...config, ...keys });
        await client.start(server, false).done;
        client.unacked.push(...work.linkingBatches());
        for (let i = 0; i < 4; i++) client.unacked.push(work.batch());
        await client.start(server, false).done;
        assert.deepEqual(client.badAnswers, [], 'every request was answered 200 or not at all');
        assert.equal(client.unacked.length, 0, 'every batch is acknowledged after the restart');
        assert.equal(client.acked.size, work.all.length);

        // The pipeline catches up from its stored cursor.
        const live = server;
        await eventually(async () => (await metric(live, 'omnicx_pipeline_lag_events')) === 0, 30000);
        const sample = [0, 1, 7, 42, 99, 123, 150, USERS - 1];
        for (const u of sample) {
          const byUser = await adminGet<ProfileView>(live, `/api/v1/profiles/lookup?userId=${userId(u)}`);
          assert.equal(byUser.status, 200, `profile of ${userId(u)}`);
          assert.equal(byUser.body.eventCount, work.perUser.get(u) ?? 0, `event count of ${userId(u)}`);
          const byEmail = await adminGet<ProfileView>(live, `/api/v1/profiles/lookup?email=${email(u)}`);
          assert.equal(
            byEmail.body.id,
            byUser.body.id,
            `${email(u)} resolves to the profile of ${userId(u)}`,
          );
          const byAnon = await adminGet<ProfileView>(
            live,
            `/api/v1/profiles/lookup?anonymousId=${anonId(u)}`,
          );
          assert.equal(
            byAnon.body.id,
            byUser.body.id,
            `${anonId(u)} was merged into the profile of ${userId(u)}`,
          );
        }
        assert.equal(await live.stop(), 0, 'graceful shutdown after the crashes');

        await withStore(config, async (store) => {
          const [w] = await store.workspaces.list();
          const ws = w!.id;
          const counts = await store.events.countByMessageIds(ws, work.all);
          const bad = work.all.filter((id) => counts.get(id) !== 1);
          assert.deepEqual(bad.slice(0, 10), [], `${bad.length} events are not stored exactly once`);
          const total = await store.db
            .selectFrom('events')
            .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('seq').as('maxSeq')])
            .where('workspace_id', '=', ws)
            .executeTakeFirstOrThrow();
          assert.equal(Number(total.n), work.all.length, 'the log holds every event once and nothing else');
          assert.equal(
            await store.cursors.get(ws, 'pipeline'),
            Number(total.maxSeq),
            'the cursor reached the end of the log',
          );
          const unassigned = await store.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('workspace_id', '=', ws)
            .where('profile_id', 'is', null)
            .executeTakeFirstOrThrow();
          assert.equal(Number(unassigned.n), 0, 'every event landed on a profile');

          // Each live profile counted exactly the events that point at it: nothing was applied twice or skipped
          // when the pipeline resumed from its cursor.
          const perProfile = new Map<string, number>();
          for (const r of await store.db
            .selectFrom('events')
            .select(['profile_id', (eb) => eb.fn.countAll<number>().as('n')])
            .where('workspace_id', '=', ws)
            .groupBy('profile_id')
            .execute()) {
            perProfile.set(r.profile_id!, Number(r.n));
          }
          const profiles = await store.db
            .selectFrom('profiles')
            .select(['id', 'event_count', 'merged_into'])
            .where('workspace_id', '=', ws)
            .execute();
          const live = profiles.filter((p) => p.merged_into === null);
          assert.equal(live.length, USERS, 'one live profile per user');
          for (const p of live)
            assert.equal(Number(p.event_count), perProfile.get(p.id) ?? 0, `event count of ${p.id}`);
          for (const p of profiles.filter((p) => p.merged_into !== null)) {
            assert.equal(perProfile.get(p.id), undefined, `no event points at merged-away profile ${p.id}`);
          }
          assert.equal(
            live.reduce((n, p) => n + Number(p.event_count), 0),
            work.all.length,
            'the profiles count every stored event once',
          );
          t.diagnostic(
            `${work.all.length} events, ${live.length} profiles, ${profiles.length - live.length} merged away`,
          );
        });
      } finally {
        await server?.kill9();
        await db.cleanup();
      }
    },
  );
}
