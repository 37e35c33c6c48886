import { resolve } from 'node:path';

/** Runtime configuration, from flags first, then the environment, then defaults. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  writeKey: string | undefined;
  secretKey: string | undefined;
  logLevel: string;
  sqliteSynchronous: 'full' | 'normal';
}

/** Flags shared by the commands that open the store. */
export const STORE_FLAGS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
} as const;

/** Reads configuration; throws an Error whose message says which setting is wrong and how to fix it. */
export function loadConfig(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): Config {
  const str = (flag: string, name: string) => {
    const f = flags[flag];
    return typeof f === 'string' ? f : env[name] || undefined;
  };
  const portText = str('port', 'PORT') ?? '8080';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535 (got "${portText}")`);
  }
  const sync = (str('sqlite-sync', 'OMNICX_SQLITE_SYNCHRONOUS') ?? 'full').toLowerCase();
  if (sync !== 'full' && sync !== 'normal') {
    throw new Error(`OMNICX_SQLITE_SYNCHRONOUS must be "full" or "normal" (got "${sync}")`);
  }
  const databaseUrl = str('database-url', 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(
      'DATABASE_URL must be a postgres:// URL; leave it unset to use the embedded SQLite store',
    );
  }
  return {
    port,
    host: str('host', 'HOST') ?? '0.0.0.0',
    dataDir: resolve(str('data-dir', 'OMNICX_DATA_DIR') ?? './data'),
    databaseUrl,
    writeKey: env.OMNICX_WRITE_KEY || undefined,
    secretKey: env.OMNICX_SECRET_KEY || undefined,
    logLevel: str('log-level', 'LOG_LEVEL') ?? 'info',
    sqliteSynchronous: sync,
  };
}
