import type { FastifyInstance } from 'fastify';
import type { Engine } from '@omnicx/engine';
import type { ServerMetrics } from '../metrics';

/** Health and Prometheus metrics (public: they reveal no customer data). */
export async function opsRoutes(
  app: FastifyInstance,
  opts: { engine: Engine; metrics: ServerMetrics },
): Promise<void> {
  app.get(
    '/health',
    { schema: { tags: ['operations'], summary: 'Liveness and database reachability' } },
    async (_req, reply) => {
      try {
        await opts.engine.workspaces.list();
        return { status: 'ok', database: opts.engine.store.adapter.name };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: opts.engine.store.adapter.name });
      }
    },
  );
  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false } },
    async (_req, reply) => {
      reply.header('content-type', opts.metrics.registry.contentType);
      return opts.metrics.registry.metrics();
    },
  );
}
