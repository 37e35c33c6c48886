import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { StatsService, type Engine } from '@omnicx/engine';
import { ADMIN_SECURITY, ErrorBody } from '../schemas';

const EventsQuery = Type.Object({
  days: Type.Integer({
    minimum: 1,
    maximum: 366,
    default: 30,
    description: 'How many days back, today included',
  }),
  offsetMinutes: Type.Integer({
    minimum: -840,
    maximum: 840,
    default: 0,
    description: "The viewer's offset from UTC in minutes (Tehran +210) so days start at local midnight",
  }),
});

const EventsStats = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  offsetMinutes: Type.Integer(),
  days: Type.Array(
    Type.Object({
      start: Type.Number({ description: 'Epoch ms of the local midnight the day starts at' }),
      date: Type.String({ description: 'YYYY-MM-DD' }),
      counts: Type.Record(Type.String(), Type.Integer(), { description: 'Events per channel' }),
      total: Type.Integer(),
    }),
  ),
  channels: Type.Array(Type.Object({ channel: Type.String(), total: Type.Integer() })),
  total: Type.Integer(),
});

/** Aggregates for the console's dashboard. */
export async function statsRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const stats = new StatsService(opts.engine.store, opts.engine.clock);
  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/api/v1/stats/events',
    {
      schema: {
        tags: ['stats'],
        security: ADMIN_SECURITY,
        summary: 'Events per day and channel over the last N days',
        querystring: EventsQuery,
        response: { 200: EventsStats, '4xx': ErrorBody },
      },
    },
    async (req) => stats.eventsPerDay(req.principal!.workspaceId, req.query.days, req.query.offsetMinutes),
  );
}
