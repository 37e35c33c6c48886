import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics } from '@omnicx/engine';

/** Prometheus-backed metrics: the engine's port plus the HTTP layer's own counters. */
export interface ServerMetrics {
  registry: Registry;
  engine: Metrics;
  rejected: Counter<'code'>;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  /** Sets how the lag gauge is computed at scrape time. */
  onLag(fn: () => Promise<number>): void;
}

/** Creates a registry of its own (no global state: two apps in one test do not share counters). */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'omnicx_' });
  const ingested = new Counter({
    name: 'omnicx_events_ingested_total',
    help: 'Events committed to the event log',
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'omnicx_events_duplicate_total',
    help: 'Events accepted but already stored (repeated messageId)',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'omnicx_events_rejected_total',
    help: 'Ingestion requests rejected, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const processed = new Counter({
    name: 'omnicx_events_processed_total',
    help: 'Events processed by the pipeline',
    registers: [registry],
  });
  const errors = new Counter({
    name: 'omnicx_pipeline_errors_total',
    help: 'Pipeline batches that failed and were retried',
    registers: [registry],
  });
  const merges = new Counter({
    name: 'omnicx_identity_merges_total',
    help: 'Profile merges',
    registers: [registry],
  });
  const conflicts = new Counter({
    name: 'omnicx_identity_conflicts_total',
    help: 'Identifiers refused by identity rules',
    registers: [registry],
  });
  const batch = new Histogram({
    name: 'omnicx_pipeline_batch_seconds',
    help: 'Time to process one pipeline batch',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'omnicx_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  let lagFn: () => Promise<number> = async () => 0;
  new Gauge({
    name: 'omnicx_pipeline_lag_events',
    help: 'Events committed but not yet processed by the pipeline',
    registers: [registry],
    async collect() {
      this.set(await lagFn());
    },
  });
  return {
    registry,
    rejected,
    httpDuration,
    onLag(fn) {
      lagFn = fn;
    },
    engine: {
      eventsIngested: (_w, n) => ingested.inc(n),
      eventsDuplicate: (_w, n) => n > 0 && duplicates.inc(n),
      eventsProcessed: (n) => processed.inc(n),
      pipelineBatch: (ms) => batch.observe(ms / 1000),
      pipelineError: () => errors.inc(),
      identityMerges: (n) => n > 0 && merges.inc(n),
      identityConflicts: (n) => n > 0 && conflicts.inc(n),
    },
  };
}
