import type { IncomingEvent } from '@omnicx/core';
import type { Store } from '@omnicx/store';
import type { Metrics } from './ports';

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
        for (const p of group) out.push(await tx.events.append(p.workspaceId, p.events));
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
