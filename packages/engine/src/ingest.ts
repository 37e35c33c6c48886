import type { IncomingEvent } from '@omnicx/core';
import type { Store, StoreTx } from '@omnicx/store';
import type { Logger, Metrics } from './ports';

interface Pending {
  workspaceId: string;
  events: readonly IncomingEvent[];
  resolve: (r: { inserted: number }) => void;
  reject: (e: unknown) => void;
}

/**
 * Appends accepted events to the event log (ARCHITECTURE step 1).
 *
 * Group commit: requests that arrive while a commit is in flight are queued and written together in the
 * next transaction, and each caller is answered only after the transaction holding its events committed.
 * One fsync then covers many HTTP batches, which is what lets SQLite with synchronous=FULL keep up with
 * ingest (see bench/RESULTS.md).
 */
export class IngestService {
  #queue: Pending[] = [];
  #flushing = false;
  #inflight = 0;
  #idle: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly metrics: Metrics,
    /** Called after every commit, so the pipeline processes new events at once. */
    private readonly onCommit: () => void,
    /** Most events written by one transaction. */
    private readonly maxEventsPerCommit = 5000,
    /**
     * Processes the events just appended inside the same transaction (the pipeline's `processAppended`);
     * returns false when it left them for the pipeline loop. A failure is rolled back to a savepoint and the
     * append still commits: accepting an event never depends on processing it.
     */
    private readonly processInline?: (
      tx: StoreTx,
      workspaceId: string,
      items: { seq: number; event: IncomingEvent }[],
    ) => Promise<boolean>,
    private readonly logger?: Logger,
  ) {}

  /** Durably appends events; resolves after commit with how many were new (duplicates are ignored). */
  append(workspaceId: string, events: readonly IncomingEvent[]): Promise<{ inserted: number }> {
    if (events.length === 0) return Promise.resolve({ inserted: 0 });
    this.#inflight++;
    return new Promise<{ inserted: number }>((resolve, reject) => {
      this.#queue.push({ workspaceId, events, resolve, reject });
      if (!this.#flushing) setImmediate(() => void this.#flush());
    }).finally(() => {
      if (--this.#inflight === 0) for (const f of this.#idle.splice(0)) f();
    });
  }

  /** Resolves when every append accepted so far has committed (graceful shutdown). */
  drained(): Promise<void> {
    return this.#inflight === 0 ? Promise.resolve() : new Promise((r) => this.#idle.push(r));
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        const group: Pending[] = [];
        let n = 0;
        while (
          this.#queue.length > 0 &&
          (group.length === 0 || n + this.#queue[0]!.events.length <= this.maxEventsPerCommit)
        ) {
          const p = this.#queue.shift()!;
          group.push(p);
          n += p.events.length;
        }
        await this.#commit(group);
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #commit(group: Pending[]): Promise<void> {
    let results: { inserted: number }[];
    try {
      results = await this.store.transaction(async (tx) => {
        const out: { inserted: number }[] = [];
        const appended = new Map<string, { seq: number; event: IncomingEvent }[]>();
        for (const p of group) {
          const r = await tx.events.append(p.workspaceId, p.events);
          out.push({ inserted: r.inserted });
          let list = appended.get(p.workspaceId);
          if (!list) appended.set(p.workspaceId, (list = []));
          for (const a of r.appended) list.push({ seq: a.seq, event: p.events[a.index]! });
        }
        if (this.processInline) {
          for (const [workspaceId, items] of appended) {
            try {
              await tx.savepoint('inline_process', () => this.processInline!(tx, workspaceId, items));
            } catch (e) {
              this.logger?.error(
                { err: e, workspaceId },
                'processing at ingest failed; the pipeline will retry',
              );
            }
          }
        }
        return out;
      });
    } catch (e) {
      // Nothing of the group committed: every caller gets the error (the client retries; messageIds dedupe).
      for (const p of group) p.reject(e);
      return;
    }
    group.forEach((p, i) => {
      const r = results[i]!;
      this.metrics.eventsIngested(p.workspaceId, r.inserted);
      this.metrics.eventsDuplicate(p.workspaceId, p.events.length - r.inserted);
      p.resolve(r);
    });
    this.onCommit();
  }
}
