export { buildApp, type AppOptions, type ApiRoute } from './app';
export { createMetrics, type ServerMetrics } from './metrics';
export { permissionFor, allowed, ROUTE_AREAS, ROUTE_OVERRIDES, SESSION_COOKIE, CSRF_HEADER } from './auth';
