import { resolve } from 'node:path';

/** Runtime configuration, from flags first, then the environment, then defaults. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  writeKey: string | undefined;
  secretKey: string | undefined;
  /** The first admin of the default workspace (created when it has no users). */
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** Mark the session cookie Secure even on plain http (TLS ends at a proxy). */
  cookieSecure: boolean;
  /** Absolute URL customers reach omnicx at: links in messages (unsubscribe, tracking). */
  publicUrl: string;
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
  const cookieSecure = (env.OMNICX_COOKIE_SECURE ?? '').toLowerCase();
  if (cookieSecure && !['1', '0', 'true', 'false'].includes(cookieSecure)) {
    throw new Error(`OMNICX_COOKIE_SECURE must be 1 or 0 (got "${env.OMNICX_COOKIE_SECURE}")`);
  }
  return {
    port,
    host: str('host', 'HOST') ?? '0.0.0.0',
    dataDir: resolve(str('data-dir', 'OMNICX_DATA_DIR') ?? './data'),
    databaseUrl,
    writeKey: env.OMNICX_WRITE_KEY || undefined,
    secretKey: env.OMNICX_SECRET_KEY || undefined,
    adminEmail: env.OMNICX_ADMIN_EMAIL || undefined,
    adminPassword: env.OMNICX_ADMIN_PASSWORD || undefined,
    cookieSecure: cookieSecure === '1' || cookieSecure === 'true',
    publicUrl: publicUrlOf(str('public-url', 'OMNICX_PUBLIC_URL'), port),
    logLevel: str('log-level', 'LOG_LEVEL') ?? 'info',
    sqliteSynchronous: sync,
  };
}

/** OMNICX_PUBLIC_URL, checked; default http://localhost:<port>. */
function publicUrlOf(value: string | undefined, port: number): string {
  if (!value) return `http://localhost:${port}`;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(
      `OMNICX_PUBLIC_URL must be an absolute URL such as https://cx.example.com (got "${value}")`,
    );
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new Error(`OMNICX_PUBLIC_URL must start with https:// or http:// (got "${value}")`);
  return value.replace(/\/+$/, '');
}
