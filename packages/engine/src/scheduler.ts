import type { JobRecord, Store } from '@omnicx/store';
import type { Clock, Logger } from './ports';
import { newId } from './ids';

/** Runs one kind of job. Return `{ again: runAt }` to run the same job again later (long work in steps). */
export type JobHandler = (job: JobRecord) => Promise<void | { again: number }>;

/**
 * Runs many jobs of one kind together. It must complete them itself (`tx.jobs.complete(job.id, owner,
 * job.runAt)`, in the transaction that does their work, so work and completion commit together); if it
 * throws, every job of the batch is retried with backoff.
 */
export type BatchJobHandler = (jobs: JobRecord[], owner: string) => Promise<void>;

/**
 * The embedded scheduler (ARCHITECTURE "Durable time"): polls the jobs table and runs due jobs with a lease,
 * so a job whose runner crashed runs again after the lease. Time comes from the injected clock; `runDue`
 * lets tests move the clock and run what is due without waiting.
 */
export class Scheduler {
  readonly #handlers = new Map<string, JobHandler>();
  readonly #batchHandlers = new Map<string, BatchJobHandler>();
  readonly #owner = newId('run');
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;
  #stopped = true;
  /** stop() was called: finish the claimed batch, claim no more (runDue without start() runs everything). */
  #halt = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: { pollMs: number; leaseMs: number; batch: number } = {
      pollMs: 1000,
      leaseMs: 60_000,
      batch: 100,
    },
  ) {}

  handle(kind: string, handler: JobHandler): void {
    this.#handlers.set(kind, handler);
  }

  handleBatch(kind: string, handler: BatchJobHandler): void {
    this.#batchHandlers.set(kind, handler);
  }

  start(): void {
    this.#stopped = false;
    this.#halt = false;
    const tick = () => {
      if (this.#stopped) return;
      void this.runDue()
        .catch((e: unknown) => this.logger.error({ err: e }, 'scheduler run failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.opts.pollMs).unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#halt = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running?.catch(() => 0);
  }

  /** Runs every job due now (repeatedly, while more are due); returns how many ran. */
  runDue(): Promise<number> {
    if (this.#running) return this.#running;
    this.#running = this.#runDue().finally(() => (this.#running = null));
    return this.#running;
  }

  async #runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const jobs = await this.store.jobs.claimDue(now, this.opts.batch, this.#owner, this.opts.leaseMs);
      if (jobs.length === 0) return total;
      const batched = new Map<string, JobRecord[]>();
      for (const job of jobs)
        if (this.#batchHandlers.has(job.kind)) batched.set(job.kind, [...(batched.get(job.kind) ?? []), job]);
      for (const [kind, list] of batched) {
        total += list.length;
        try {
          await this.#batchHandlers.get(kind)!(list, this.#owner);
        } catch (e) {
          this.logger.error({ err: e, kind, jobs: list.length }, 'job batch failed');
          for (const job of list) {
            const delay = Math.min(3_600_000, 1000 * 2 ** Math.min(job.attempts, 12));
            await this.store.jobs.fail(
              job.id,
              this.#owner,
              String((e as Error).message ?? e),
              this.clock.now() + delay,
            );
          }
        }
      }
      for (const job of jobs) {
        if (this.#batchHandlers.has(job.kind)) continue;
        total++;
        const handler = this.#handlers.get(job.kind);
        try {
          if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
          const r = await handler(job);
          if (r && 'again' in r) {
            await this.store.jobs.schedule(
              job.workspaceId,
              {
                id: job.id,
                kind: job.kind,
                key: job.key,
                runAt: Math.max(r.again, job.runAt + 1),
                payload: job.payload,
              },
              this.clock.now(),
            );
          }
          await this.store.jobs.complete(job.id, this.#owner, job.runAt);
        } catch (e) {
          const delay = Math.min(3_600_000, 1000 * 2 ** Math.min(job.attempts, 12));
          this.logger.error({ err: e, job: job.id, kind: job.kind, retryInMs: delay }, 'job failed');
          await this.store.jobs.fail(
            job.id,
            this.#owner,
            String((e as Error).message ?? e),
            this.clock.now() + delay,
          );
        }
      }
      if (this.#halt) return total; // stop() waits for this run: finish the claimed batch, no more
    }
  }
}
