// Serves the admin console (packages/web/dist) at `/`: hashed assets cached for a year, index.html never
// cached, and a single-page-app fallback to index.html for GETs of console paths. API and public prefixes
// (/api, /v1, /s/, …) are never answered with the console: an unknown path there stays a JSON 404.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Path prefixes the console never claims (API, ingestion, public survey/unsubscribe/tracking links, ops). */
export const RESERVED_PREFIXES = [
  '/api',
  '/v1',
  '/s',
  '/u',
  '/t',
  '/health',
  '/metrics',
  '/webhooks',
  '/hooks',
  '/docs',
] as const;

/** Default location of the built console: packages/web/dist next to this package. */
export const DEFAULT_WEB_DIST = join(new URL('.', import.meta.url).pathname, '..', '..', 'web', 'dist');

const isReserved = (path: string) => RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>omnicx: console not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>The admin console has not been built</h1>
<p>The server is running and its API answers at <a href="/api/docs">/api/docs</a>, but the web console's files are missing.</p>
<p>Build them with <code>npm run build -w @omnicx/web</code> and reload this page (<code>npm start</code> does this for you).</p>
</body></html>`;

export interface WebOptions {
  /** Directory holding the built console (index.html + assets/); default packages/web/dist. */
  dist?: string;
}

/** Registers the console routes. The dist directory is looked up per request, so a build after start works. */
export async function webRoutes(app: FastifyInstance, opts: WebOptions): Promise<void> {
  const dist = opts.dist ?? DEFAULT_WEB_DIST;
  await app.register(fastifyStatic, { root: dist, serve: false, suppressWarning: true, index: false });

  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(join(dist, 'index.html'))) {
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT);
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  };

  app.get('/', { schema: { hide: true } }, async (_req, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(req.url.split('?')[0]!);
    } catch {
      return reply.callNotFound();
    }
    if (isReserved(path) || path.includes('\0')) return reply.callNotFound();
    const last = path.slice(path.lastIndexOf('/') + 1);
    if (path.startsWith('/assets/')) {
      // Vite names these by content hash: safe to cache for a year.
      return reply.sendFile(path.slice(1), { maxAge: 365 * 24 * 3600 * 1000, immutable: true });
    }
    if (last.includes('.')) {
      // Other files at the root of dist (favicon, robots.txt): short cache; missing → JSON 404.
      if (!existsSync(join(dist, 'index.html'))) return reply.callNotFound();
      return reply.sendFile(path.slice(1), { maxAge: 3600 * 1000 });
    }
    return sendIndex(reply);
  });
}
