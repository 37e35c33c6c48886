import type { Store } from '@omnicx/store';
import { IngestService } from './ingest';
import { KeyService } from './keys';
import { Pipeline } from './pipeline';
import { SEGMENT_BUILD, SEGMENT_RECHECK, SEGMENT_REPLAY, SegmentRuntime } from './segment-runtime';
import { SegmentService } from './segments';
import { Scheduler } from './scheduler';
import { ProfileService } from './profiles';
import { WorkspaceService } from './workspaces';
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
  scheduler?: { pollMs?: number };
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
  const pipeline = new Pipeline(deps.store, workspaces, clock, logger, metrics, segmentRuntime, {
    batchSize: deps.pipeline?.batchSize ?? 5000,
    pollMs: deps.pipeline?.pollMs ?? 1000,
  });
  const ingest = new IngestService(
    deps.store,
    metrics,
    () => pipeline.notify(),
    5000,
    (deps.pipeline?.inline ?? deps.store.adapter.direct !== undefined)
      ? (tx, ws, items) => pipeline.processAppended(tx, ws, items)
      : undefined,
    logger,
  );
  const profiles = new ProfileService(deps.store, workspaces, pipeline, clock);
  const segments = new SegmentService(deps.store, segmentRuntime, pipeline, workspaces, clock);
  const scheduler = new Scheduler(deps.store, clock, logger, {
    pollMs: deps.scheduler?.pollMs ?? 1000,
    leaseMs: 60_000,
    batch: 100,
  });
  scheduler.handle(SEGMENT_REPLAY, async (job) => {
    const cursor = await segments.replayStep(job.workspaceId, (job.payload.cursor as string | null) ?? null);
    if (cursor === null) return undefined;
    job.payload.cursor = cursor;
    return { again: clock.now() };
  });
  scheduler.handle(SEGMENT_RECHECK, (job) => segments.recheck(job.workspaceId, job.key));
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
    async stop() {
      await scheduler.stop();
      await ingest.drained();
      await pipeline.stop();
    },
  };
}
