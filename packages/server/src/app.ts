import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Engine } from '@omnicx/engine';
import { requireKey } from './auth';
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
import { ErrorBody } from './schemas';

/** Options for {@link buildApp}. */
export interface AppOptions {
  engine: Engine;
  metrics?: ServerMetrics;
  /** Fastify logger setting: a pino instance or options; false in tests. */
  logger?: FastifyServerOptions['loggerInstance'] | boolean;
  version?: string;
}

/** Builds the HTTP application over an engine. `app.inject()` tests it in-process; `app.listen()` serves it. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const metrics = opts.metrics ?? createMetrics();
  const base: FastifyServerOptions = {
    // Route tests and the kill -9 test rely on requests finishing during close, never being cut.
    return503OnClosing: true,
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

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'omnicx API',
        version: opts.version ?? '0.1.0',
        description:
          'Ingestion is Segment-compatible (/v1/*, write key as HTTP Basic username). The admin API (/api/v1/*) takes a secret key as Bearer token. Errors are {"error":{"code","message","field"?}}.',
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
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(opsRoutes, { engine: opts.engine, metrics });
  await app.register(ingestRoutes, { engine: opts.engine, metrics });
  await app.register(surveyPageRoutes, { engine: opts.engine });
  await app.register(async (admin) => {
    admin.addHook('preHandler', requireKey({ keys: opts.engine.keys, kinds: ['secret'] }));
    await admin.register(profileRoutes, { engine: opts.engine });
    await admin.register(adminRoutes, { engine: opts.engine });
    await admin.register(segmentRoutes, { engine: opts.engine });
    await admin.register(surveyRoutes, { engine: opts.engine });
    await admin.register(automationRoutes, { engine: opts.engine });
  });
  return app;
}
