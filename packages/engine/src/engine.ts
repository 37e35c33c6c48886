import type { Store } from '@omnicx/store';
import { IngestService } from './ingest';
import { KeyService } from './keys';
import { Pipeline } from './pipeline';
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
  const pipeline = new Pipeline(deps.store, workspaces, clock, logger, metrics, {
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
  return {
    store: deps.store,
    clock,
    logger,
    keys,
    workspaces,
    ingest,
    pipeline,
    profiles,
    async stop() {
      await ingest.drained();
      await pipeline.stop();
    },
  };
}
