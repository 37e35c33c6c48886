import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cookie from '@fastify/cookie';
import type { Engine } from '@omnicx/engine';
import { auditChanges, permissionFor, requireAdmin } from './auth';
import { installErrorHandlers } from './errors';
import { createMetrics, type ServerMetrics } from './metrics';
import { adminRoutes } from './routes/admin';
import { ingestRoutes } from './routes/ingest';
import { opsRoutes } from './routes/ops';
import { profileRoutes } from './routes/profiles';
import { segmentRoutes } from './routes/segments';
import { surveyRoutes } from './routes/surveys';
import { surveyPageRoutes } from './routes/survey-pages';
import { automationRoutes } from './routes/automation';
import { authRoutes } from './routes/auth';
import { userRoutes } from './routes/users';
import { ErrorBody } from './schemas';
import { statsRoutes } from './routes/stats';
import { webRoutes } from './web';
import { messagingRoutes } from './routes/messaging';
import { messagePageRoutes } from './routes/message-pages';

/** Options for {@link buildApp}. */
export interface AppOptions {
  engine: Engine;
  metrics?: ServerMetrics;
  /** Fastify logger setting: a pino instance or options; false in tests. */
  logger?: FastifyServerOptions['loggerInstance'] | boolean;
  version?: string;
  /** Mark the session cookie Secure even on plain http (behind a TLS proxy): OMNICX_COOKIE_SECURE=1. */
  cookieSecure?: boolean;
  /** Serve the admin console from this directory (default packages/web/dist); false to not serve it. */
  webDist?: string | false;
}

/** Builds the HTTP application over an engine. `app.inject()` tests it in-process; `app.listen()` serves it. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const metrics = opts.metrics ?? createMetrics();
  const base: FastifyServerOptions = {
    // Route tests and the kill -9 test rely on requests finishing during close, never being cut.
    return503OnClosing: true,
    // Signed tokens travel in paths (/u/:token, /t/c/:token): longer than Fastify's default of 100.
    routerOptions: { maxParamLength: 4096 },
    forceCloseConnections: 'idle',
    ajv: {
      customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false },
    },
  };
  const app: FastifyInstance =
    typeof opts.logger === 'object' && opts.logger
      ? Fastify({ ...base, loggerInstance: opts.logger })
      : Fastify({ ...base, logger: opts.logger === true });

  metrics.onLag(() => opts.engine.pipeline.lag());

  // Graceful close: Node closes idle keep-alive connections only once, when close starts; a connection busy
  // at that moment would then idle until its keep-alive timeout and hold the process open. So once closing,
  // responses say `Connection: close` and idle connections are swept until the server is closed.
  let sweeper: NodeJS.Timeout | undefined;
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    sweeper = setInterval(() => app.server.closeIdleConnections(), 50);
  });
  app.addHook('onClose', async () => clearInterval(sweeper));
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      { route: req.routeOptions.url ?? 'unknown', method: req.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  installErrorHandlers(app);
  app.addSchema(ErrorBody);
  await app.register(cookie);
  // Every /api/v1 route with the permission it needs: the route-coverage test reads this list.
  const apiRoutes: ApiRoute[] = [];
  app.decorate('apiRoutes', apiRoutes);
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/v1/')) return;
    for (const method of [r.method].flat()) {
      apiRoutes.push({ method, url: r.url, permission: permissionFor(method, r.url) });
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'omnicx API',
        version: opts.version ?? '0.1.0',
        description:
          'Ingestion is Segment-compatible (/v1/*, write key as HTTP Basic username). The admin API (/api/v1/*) takes a secret key as Bearer token, or the console session cookie (omnicx_session, from POST /api/v1/auth/login) with an x-csrf-token header on changes; each route needs a permission of the signed-in user role. Errors are {"error":{"code","message","field"?}}.',
      },
      components: {
        securitySchemes: {
          basic: {
            type: 'http',
            scheme: 'basic',
            description: 'Write key as username, empty password (Segment SDKs)',
          },
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Write key (ingestion) or secret key (admin API)',
          },
          cookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'omnicx_session',
            description:
              'Console session (POST /api/v1/auth/login); changes also need the x-csrf-token header',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(opsRoutes, { engine: opts.engine, metrics });
  await app.register(ingestRoutes, { engine: opts.engine, metrics });
  await app.register(surveyPageRoutes, { engine: opts.engine });
  await app.register(messagePageRoutes, { engine: opts.engine });
  // Sign-in routes answer without a key; each checks the session (and CSRF) itself.
  await app.register(authRoutes, { engine: opts.engine, cookieSecure: opts.cookieSecure ?? false });
  await app.register(async (admin) => {
    // A secret key or a session, CSRF, and the route's permission for the role: one gate for every route.
    admin.addHook('onRequest', requireAdmin({ engine: opts.engine }));
    admin.addHook('onSend', auditChanges({ engine: opts.engine }));
    await admin.register(userRoutes, { engine: opts.engine });
    await admin.register(profileRoutes, { engine: opts.engine });
    await admin.register(adminRoutes, { engine: opts.engine });
    await admin.register(segmentRoutes, { engine: opts.engine });
    await admin.register(surveyRoutes, { engine: opts.engine });
    await admin.register(automationRoutes, { engine: opts.engine });
    await admin.register(statsRoutes, { engine: opts.engine });
    await admin.register(messagingRoutes, { engine: opts.engine });
  });
  if (opts.webDist !== false) await app.register(webRoutes, opts.webDist ? { dist: opts.webDist } : {});
  return app;
}

/** A registered /api/v1 route and the permission the table gives it (undefined: admins only). */
export interface ApiRoute {
  method: string;
  url: string;
  permission: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    apiRoutes: readonly ApiRoute[];
  }
}
