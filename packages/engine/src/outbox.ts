import type { OutboxRecord, Store } from '@omnicx/store';
import type { SendResult } from '@omnicx/channels';
import type { Clock, Logger } from './ports';
import type { Pipeline } from './pipeline';
import { newId } from './ids';
import { systemEvent } from './system-events';

/**
 * What a sender answers: a {@link SendResult}, or — for messages — that the message must wait (quiet hours,
 * the provider's rate: it goes out at `until`, no attempt counted) or was held back for good (no consent,
 * frequency cap, no address: recorded, never sent).
 */
export type SendOutcome =
  | SendResult
  | { deferred: true; until: number; code: string; message: string }
  | { suppressed: true; code: string; message: string };

/** Delivers one kind of effect. Never throws for delivery problems: it answers with a {@link SendOutcome}. */
export interface Sender {
  send(effect: OutboxRecord): Promise<SendOutcome>;
}

export interface DispatcherOptions {
  pollMs: number;
  leaseMs: number;
  batch: number;
  /** Sends in flight at once. */
  concurrency: number;
  /** Attempts before a retryable failure becomes dead. */
  maxAttempts: number;
}

/**
 * Drains the outbox (ARCHITECTURE step 8): claims due effects with a lease, hands each to the sender of its
 * kind with the effect's idempotency key, and records the outcome — sent, failed with a retry time
 * (exponential backoff, honouring the provider's Retry-After), or dead (permanent error, or out of
 * attempts; visible in the API and retryable by an operator). A crash between a send and its record sends
 * again after the lease with the same key, which the receiver uses to drop the duplicate.
 * Messages that went out, or died, become `Message Sent` / `Message Failed` events on the profile, which
 * process conditions read ("if the offer email was sent / clicked").
 */
export class OutboxDispatcher {
  readonly #senders = new Map<string, Sender>();
  readonly #owner = newId('out');
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;
  #again = false;
  #stopped = true;
  /** stop() was called: a drain in progress finishes its sends and takes no new batch. */
  #halting = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pipeline: Pipeline,
    private readonly opts: DispatcherOptions = {
      pollMs: 1000,
      leaseMs: 60_000,
      batch: 100,
      concurrency: 8,
      maxAttempts: 10,
    },
  ) {}

  /** Registers the sender of an outbox kind (`message.email`, `webhook`, `list`, …). */
  register(kind: string, sender: Sender): void {
    this.#senders.set(kind, sender);
  }

  get kinds(): string[] {
    return [...this.#senders.keys()];
  }

  start(): void {
    this.#stopped = false;
    this.#halting = false;
    const tick = () => {
      if (this.#stopped) return;
      void this.runDue()
        .catch((e: unknown) => this.logger.error({ err: e }, 'outbox run failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.opts.pollMs).unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#halting = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running?.catch(() => 0);
  }

  /** New effects were written: drain soon (coalesces). */
  notify(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    void this.runDue().catch((e: unknown) => this.logger.error({ err: e }, 'outbox run failed'));
  }

  /** Sends everything due now; returns how many effects were attempted. */
  runDue(): Promise<number> {
    if (this.#running) return this.#running;
    this.#running = this.#runDue().finally(() => {
      this.#running = null;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        this.notify();
      }
    });
    return this.#running;
  }

  async #runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const due = await this.store.outbox.claimDue(
        now,
        this.opts.batch,
        this.#owner,
        this.opts.leaseMs,
        this.kinds,
      );
      if (due.length === 0) return total;
      total += due.length;
      // A pool of `concurrency` sends: a slow one holds one slot, not the next group. An effect whose
      // lease is about to run out is left alone: another dispatcher may claim it once the lease ends, and
      // sending it here too would send it twice.
      const leaseEnd = now + this.opts.leaseMs - Math.min(10_000, this.opts.leaseMs / 4);
      let next = 0;
      const worker = async () => {
        while (next < due.length) {
          const e = due[next++]!;
          if (this.clock.now() >= leaseEnd) continue;
          await this.#deliver(e);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, due.length) }, worker));
      if (this.#halting) return total;
    }
  }

  async #deliver(e: OutboxRecord): Promise<void> {
    const sender = this.#senders.get(e.kind);
    let r: SendOutcome;
    try {
      r = sender
        ? await sender.send(e)
        : { ok: false, retryable: true, code: 'no_sender', message: `no sender for ${e.kind}` };
    } catch (err) {
      // A sender bug must not stop the queue: treat it as a temporary failure, logged.
      this.logger.error({ err, effect: e.id, kind: e.kind }, 'sender threw');
      r = {
        ok: false,
        retryable: true,
        code: 'sender_error',
        message: String((err as Error).message ?? err),
      };
    }
    const now = this.clock.now();
    const attempts = e.attempts + 1;
    if ('deferred' in r) {
      await this.store.outbox.defer(e.id, this.#owner, {
        until: r.until,
        note: `${r.code}: ${r.message}`,
        at: now,
      });
      return;
    }
    if ('suppressed' in r) {
      const settled = await this.store.outbox.settle(e.id, this.#owner, {
        status: 'suppressed',
        result: { suppressed: r.code, detail: r.message },
        at: now,
      });
      if (settled) await this.#feedback(e, 'Message Suppressed', { reason: r.code });
      return;
    }
    if (r.ok) {
      const settled = await this.store.outbox.settle(e.id, this.#owner, {
        status: 'sent',
        result: { providerMessageId: r.providerMessageId ?? null, detail: r.detail ?? null },
        at: now,
      });
      if (settled)
        await this.#feedback(e, 'Message Sent', { provider_message_id: r.providerMessageId ?? null });
      return;
    }
    const error = `${r.code}: ${r.message}`;
    if (!r.retryable || attempts >= this.opts.maxAttempts) {
      const settled = await this.store.outbox.settle(e.id, this.#owner, { status: 'dead', error, at: now });
      this.logger.warn({ effect: e.id, kind: e.kind, code: r.code, attempts }, 'effect dead-lettered');
      if (settled) await this.#feedback(e, 'Message Failed', { error: r.code });
      return;
    }
    const backoff = Math.min(3_600_000, 1000 * 2 ** Math.min(attempts - 1, 12));
    await this.store.outbox.settle(e.id, this.#owner, {
      status: 'failed',
      error,
      retryAt: now + Math.max(backoff, r.retryAfterMs ?? 0),
      at: now,
    });
  }

  /** A message's outcome as an event on the profile (only for messages sent by a process step). */
  async #feedback(e: OutboxRecord, name: string, extra: Record<string, string | null>): Promise<void> {
    if (!e.kind.startsWith('message.') || e.profileId === null) return;
    const now = this.clock.now();
    const channel = e.kind.slice('message.'.length);
    const event = systemEvent({
      name,
      // A message is a touchpoint of its channel: the timeline shows it with email / SMS / push.
      channel: channel === 'log' ? undefined : channel,
      properties: {
        channel,
        effect_id: e.id,
        process_id: e.processId,
        process_instance_id: e.instanceId,
        process_node_id: e.node,
        template: ((e.payload.action as { template?: string } | undefined)?.template ?? null) as
          string | null,
        ...extra,
      },
      touchpoint: e.processId ? `process:${e.processId}` : null,
      now,
      messageId: `fx:${e.key}:${name}`,
    });
    await this.store.transaction((tx) => tx.events.append(e.workspaceId, [event], [e.profileId]));
    this.pipeline.notify();
  }
}
