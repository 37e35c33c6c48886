/** The time, injected everywhere so tests move it instead of sleeping. */
export interface Clock {
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Structured logger (pino-compatible subset). Never pass secrets to it. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

/** Counters and gauges the engine reports; the server backs them with Prometheus. */
export interface Metrics {
  eventsIngested(workspaceId: string, n: number): void;
  eventsDuplicate(workspaceId: string, n: number): void;
  eventsProcessed(n: number): void;
  pipelineBatch(durationMs: number, size: number): void;
  pipelineError(): void;
  identityMerges(n: number): void;
  identityConflicts(n: number): void;
}

/** Metrics that go nowhere. */
export const noMetrics: Metrics = {
  eventsIngested() {},
  eventsDuplicate() {},
  eventsProcessed() {},
  pipelineBatch() {},
  pipelineError() {},
  identityMerges() {},
  identityConflicts() {},
};
