export { buildApp, type AppOptions } from './app';
export { createMetrics, type ServerMetrics } from './metrics';
