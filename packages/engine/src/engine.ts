import type { Store } from '@omnicx/store';
import { IngestService } from './ingest';
import { KeyService } from './keys';
import { Pipeline } from './pipeline';
import { SEGMENT_BUILD, SEGMENT_RECHECK, SEGMENT_REPLAY, SegmentRuntime } from './segment-runtime';
import { SegmentService } from './segments';
import { Scheduler } from './scheduler';
import { ProfileService } from './profiles';
import { WorkspaceService } from './workspaces';
import { SurveyService } from './surveys';
import { FeedbackService } from './feedback';
import { AccessService } from './users';
import {
  AUTOMATION_BULK,
  AUTOMATION_DATE,
  AUTOMATION_RESUME,
  AUTOMATION_SCHEDULE,
  AUTOMATION_SCORE,
  AUTOMATION_TIMER,
  AutomationRuntime,
} from './automation-runtime';
import { AutomationService } from './automation';
import { OutboxDispatcher, type Sender } from './outbox';
import { builtInSenders } from './senders';
import { MessagingService } from './messaging';
import { messageSenders, type MessageSenderOptions } from './message-senders';
import { noMetrics, silentLogger, systemClock, type Clock, type Logger, type Metrics } from './ports';

/** Everything the engine needs from outside; all optional except the store. */
export interface EngineDeps {
  store: Store;
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /**
   * `inline`: process events in the ingest transaction (default: on an in-process database, SQLite, where it
   * costs no round trips; on PostgreSQL it would hold the append lock across many round trips, so there the
   * pipeline loop processes them).
   */
  pipeline?: { batchSize?: number; pollMs?: number; inline?: boolean };
  scheduler?: { pollMs?: number; batch?: number };
  /** leaseMs: how long a claimed effect is ours (default 60 s); after a crash it waits this long. */
  outbox?: { pollMs?: number; maxAttempts?: number; concurrency?: number; leaseMs?: number };
  /**
   * Senders by outbox kind, added to (or replacing) the built-in ones: `message.log` and `log` (the
   * logger), `webhook` (signed with `webhookSecret`), `list` and `start_process` (omnicx itself).
   */
  senders?: Record<string, Sender>;
  /** HMAC secret webhooks are signed with (header omnicx-signature); unsigned when absent. */
  webhookSecret?: string;
  /**
   * Absolute base URL customers reach omnicx at, for links in messages (unsubscribe, preference page,
   * click and open tracking). Default http://localhost:8080.
   */
  publicUrl?: string;
  /** Options of the email / SMS / push senders. */
  messages?: MessageSenderOptions;
}

/** The composed engine: services over one store. Start the pipeline with `engine.pipeline.start()`. */
export interface Engine {
  store: Store;
  clock: Clock;
  logger: Logger;
  keys: KeyService;
  workspaces: WorkspaceService;
  ingest: IngestService;
  pipeline: Pipeline;
  profiles: ProfileService;
  segments: SegmentService;
  scheduler: Scheduler;
  automation: AutomationService;
  outbox: OutboxDispatcher;
  surveys: SurveyService;
  feedback: FeedbackService;
  /** Templates, content blocks, channel providers, consent, message links and delivery feedback. */
  messaging: MessagingService;
  /** Console users, sign-in, sessions, invitations and the audit log. */
  access: AccessService;
  /** Stops the pipeline after its current batch and waits for in-flight appends. Does not close the store. */
  stop(): Promise<void>;
}

/** Builds the engine from its dependencies (no globals: two engines can run side by side in one test). */
export function buildEngine(deps: EngineDeps): Engine {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noMetrics;
  const keys = new KeyService(deps.store, clock);
  const workspaces = new WorkspaceService(deps.store, keys, clock);
  const segmentRuntime = new SegmentRuntime(logger);
  const automationRuntime = new AutomationRuntime(logger);
  // Survey links put in message effects (send_message with a survey) are absolute, like other message links.
  automationRuntime.publicBaseUrl = (deps.publicUrl ?? 'http://localhost:8080').replace(/\/+$/, '');
  const pipeline = new Pipeline(
    deps.store,
    workspaces,
    clock,
    logger,
    metrics,
    segmentRuntime,
    automationRuntime,
    {
      batchSize: deps.pipeline?.batchSize ?? 5000,
      pollMs: deps.pipeline?.pollMs ?? 1000,
    },
  );
  const ingest = new IngestService(
    deps.store,
    metrics,
    () => {
      pipeline.notify();
      automationRuntime.committed();
    },
    5000,
    (deps.pipeline?.inline ?? deps.store.adapter.direct !== undefined)
      ? (tx, ws, items) => pipeline.processAppended(tx, ws, items)
      : undefined,
    logger,
  );
  const profiles = new ProfileService(deps.store, workspaces, pipeline, clock);
  const segments = new SegmentService(deps.store, segmentRuntime, pipeline, workspaces, clock);
  const surveys = new SurveyService(deps.store, pipeline, clock);
  const feedback = new FeedbackService(deps.store, workspaces, surveys, pipeline, clock);
  const access = new AccessService(deps.store, clock);
  const scheduler = new Scheduler(deps.store, clock, logger, {
    pollMs: deps.scheduler?.pollMs ?? 1000,
    leaseMs: 60_000,
    batch: deps.scheduler?.batch ?? 1000,
  });
  const automation = new AutomationService(deps.store, automationRuntime, pipeline, clock);
  const outbox = new OutboxDispatcher(deps.store, clock, logger, pipeline, {
    pollMs: deps.outbox?.pollMs ?? 1000,
    leaseMs: deps.outbox?.leaseMs ?? 60_000,
    batch: 100,
    concurrency: deps.outbox?.concurrency ?? 8,
    maxAttempts: deps.outbox?.maxAttempts ?? 10,
  });
  const messaging = new MessagingService(
    deps.store,
    profiles,
    pipeline,
    clock,
    logger,
    (deps.publicUrl ?? 'http://localhost:8080').replace(/\/+$/, ''),
  );
  const messageChannels = messageSenders({
    store: deps.store,
    messaging,
    profiles,
    clock,
    logger,
    ...(deps.messages ? { options: deps.messages } : {}),
  });
  messaging.testSend = messageChannels.testSend;
  const senders = {
    ...messageChannels.senders,
    ...builtInSenders({
      logger,
      automation,
      segments: () => segments,
      webhookSecret: deps.webhookSecret,
      clock,
    }),
    ...deps.senders,
  };
  for (const [kind, sender] of Object.entries(senders)) outbox.register(kind, sender);
  automationRuntime.onOutbox(() => outbox.notify());
  scheduler.handleBatch(AUTOMATION_TIMER, (jobs, owner) => automation.fireTimers(jobs, owner));
  scheduler.handle(AUTOMATION_DATE, (job) => automation.fireDate(job));
  scheduler.handle(AUTOMATION_SCHEDULE, (job) => automation.fireSchedule(job));
  scheduler.handle(AUTOMATION_BULK, async (job) =>
    (await automation.bulkStep(job.workspaceId, job.key)) === 'more' ? { again: clock.now() } : undefined,
  );
  scheduler.handle(AUTOMATION_RESUME, async (job) =>
    (await automation.resumeStep(job.workspaceId, job.key)) === 'more' ? { again: clock.now() } : undefined,
  );
  scheduler.handle(SEGMENT_REPLAY, async (job) => {
    const cursor = await segments.replayStep(job.workspaceId, (job.payload.cursor as string | null) ?? null);
    if (cursor === null) return undefined;
    job.payload.cursor = cursor;
    return { again: clock.now() };
  });
  scheduler.handle(SEGMENT_RECHECK, (job) => segments.recheck(job.workspaceId, job.key));
  scheduler.handle(AUTOMATION_SCORE, (job) => pipeline.rescore(job.workspaceId, job.key));
  scheduler.handle(SEGMENT_BUILD, async (job) => {
    const r = await segments.buildStep(
      job.workspaceId,
      job.key,
      Number(job.payload.version),
      job.payload.replay !== false,
    );
    return r === 'more' ? { again: clock.now() } : undefined;
  });
  return {
    store: deps.store,
    clock,
    logger,
    keys,
    workspaces,
    ingest,
    pipeline,
    profiles,
    segments,
    scheduler,
    automation,
    outbox,
    surveys,
    feedback,
    messaging,
    access,
    async stop() {
      await scheduler.stop();
      await outbox.stop();
      messageChannels.close();
      await ingest.drained();
      await pipeline.stop();
    },
  };
}
