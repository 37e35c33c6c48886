import pino from 'pino';
import { openStore } from '@omnicx/store';
import { buildEngine } from '@omnicx/engine';
import { buildApp, createMetrics } from '@omnicx/server';
import type { Config } from './config';

/**
 * Runs everything in one process: HTTP API, event pipeline (and, as later issues add them, scheduler and
 * senders). SIGTERM/SIGINT shut down gracefully: stop accepting, finish in-flight batches, drain the pipeline's
 * current batch, close the database.
 */
export async function start(config: Config): Promise<void> {
  const logger = pino({
    level: config.logLevel,
    // Keys travel in these headers; they must never reach a log line.
    redact: [
      'req.headers.authorization',
      'req.headers.cookie',
      'req.headers["x-csrf-token"]',
      'headers.authorization',
    ],
  });
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSynchronous: config.sqliteSynchronous,
  });
  const metrics = createMetrics({ defaultMetrics: true });
  const engine = buildEngine({ store, logger, metrics: metrics.engine, publicUrl: config.publicUrl });
  const boot = await engine.workspaces.bootstrap({ writeKey: config.writeKey, secretKey: config.secretKey });
  if (boot.created) logger.info({ workspace: boot.workspace.id }, 'created the default workspace');
  const generated = boot.keys.filter((k) => k.key);
  if (generated.length > 0) {
    // Printed once, to the terminal only (not the structured log): only hashes are stored.
    process.stdout.write(
      [
        '',
        '  omnicx created API keys for the default workspace. They are shown only now: store them safely.',
        ...generated.map(
          (k) => `    ${k.kind === 'write' ? 'write key  (ingestion)' : 'secret key (admin API)'}: ${k.key}`,
        ),
        '  Set OMNICX_WRITE_KEY / OMNICX_SECRET_KEY before the first start to choose them yourself.',
        '',
        '',
      ].join('\n'),
    );
  }
  const admin = await engine.access.bootstrapAdmin(boot.workspace.id, {
    email: config.adminEmail,
    password: config.adminPassword,
  });
  if (admin.created) {
    logger.info({ workspace: boot.workspace.id }, 'created the first admin user');
    // The generated password, like the keys, goes to the terminal once and never to the structured log.
    process.stdout.write(
      admin.password
        ? [
            '',
            '  omnicx created the first console user. The password is shown only now:',
            `    email:    ${admin.email}`,
            `    password: ${admin.password}`,
            '  Sign in at /, then change it under your profile. Set OMNICX_ADMIN_EMAIL / OMNICX_ADMIN_PASSWORD',
            '  before the first start to choose them yourself.',
            '',
            '',
          ].join('\n')
        : `\n  omnicx created the first console user ${admin.email} (password from OMNICX_ADMIN_PASSWORD).\n\n`,
    );
  }
  const app = await buildApp({ engine, metrics, logger, cookieSecure: config.cookieSecure });
  engine.pipeline.start();
  engine.scheduler.start();
  engine.outbox.start();
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { database: store.adapter.name, dataDir: config.databaseUrl ? undefined : config.dataDir },
    'omnicx is ready',
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error({}, 'shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25000).unref();
    try {
      await app.close();
      logger.info({}, 'HTTP server closed; draining the pipeline');
      await engine.stop();
      logger.info({}, 'pipeline stopped; closing the database');
      await store.close();
      clearTimeout(force);
      logger.info({}, 'stopped');
      process.exit(0);
    } catch (e) {
      logger.error({ err: e }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
