import { createReadStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, type Store } from '@omnicx/store';
import { buildEngine, importContacts } from '@omnicx/engine';
import { STORE_FLAGS, loadConfig, type Config } from './config';
import { start } from './start';

const USAGE = `omnicx — omnichannel customer experience platform

Usage:
  omnicx start [--port N] [--host H] [--data-dir DIR] [--database-url URL]
  omnicx migrate                                   apply database migrations and exit
  omnicx keys list [--workspace ID]
  omnicx keys create --kind write|secret [--name NAME] [--workspace ID]
  omnicx keys revoke KEY_ID [--workspace ID]
  omnicx import contacts FILE.csv [--source NAME] [--workspace ID]
  omnicx users list [--workspace ID]
  omnicx users create --email EMAIL --role admin|marketer|analyst|agent [--name NAME] [--password P]
                                                   without --password one is generated and shown once

Environment: PORT (8080), HOST (0.0.0.0), OMNICX_DATA_DIR (./data), DATABASE_URL (PostgreSQL instead of
SQLite), OMNICX_WRITE_KEY / OMNICX_SECRET_KEY (keys of the default workspace on first start),
OMNICX_ADMIN_EMAIL / OMNICX_ADMIN_PASSWORD (first console admin), OMNICX_COOKIE_SECURE, LOG_LEVEL.
`;

/** Fails the command with a message for the operator (no stack trace). */
class UsageError extends Error {}

async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSynchronous: config.sqliteSynchronous,
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function workspaceId(store: Store, given: string | undefined): Promise<string> {
  const all = await store.workspaces.list();
  if (given) {
    if (!all.some((w) => w.id === given))
      throw new UsageError(`no workspace ${given}; known: ${all.map((w) => w.id).join(', ') || 'none'}`);
    return given;
  }
  if (all.length === 0) throw new UsageError('the store has no workspace yet: run `omnicx start` once first');
  return all[0]!.id;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...STORE_FLAGS,
      port: { type: 'string' },
      host: { type: 'string' },
      'log-level': { type: 'string' },
      'public-url': { type: 'string' },
      workspace: { type: 'string' },
      kind: { type: 'string' },
      name: { type: 'string' },
      source: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig(values, process.env);

  switch (command) {
    case 'start':
      return start(config);
    case 'migrate':
      await withStore(config, async () => {});
      process.stdout.write('migrations applied\n');
      return;
    case 'keys':
      return withStore(config, async (store) => {
        const engine = buildEngine({ store });
        const ws = await workspaceId(store, values.workspace);
        if (sub === 'list') {
          for (const k of await engine.keys.list(ws)) {
            process.stdout.write(
              `${k.id}  ${k.kind.padEnd(6)}  ${k.prefix}…  ${k.revokedAt ? 'revoked' : 'active '}  ${k.name}\n`,
            );
          }
        } else if (sub === 'create') {
          if (values.kind !== 'write' && values.kind !== 'secret')
            throw new UsageError('keys create needs --kind write or --kind secret');
          const k = await engine.keys.create(ws, values.kind, values.name ?? `${values.kind} key`);
          process.stdout.write(`${k.id}\n${k.key}\n(the key is shown only now)\n`);
        } else if (sub === 'revoke') {
          if (!arg) throw new UsageError('keys revoke needs the key id (see `omnicx keys list`)');
          if (!(await engine.keys.revoke(ws, arg)))
            throw new UsageError(`no active key ${arg} in workspace ${ws}`);
          process.stdout.write(`revoked ${arg}\n`);
        } else throw new UsageError('keys needs one of: list, create, revoke');
      });
    case 'users':
      return withStore(config, async (store) => {
        const engine = buildEngine({ store });
        const ws = await workspaceId(store, values.workspace);
        if (sub === 'list') {
          for (const u of await engine.access.listUsers(ws)) {
            process.stdout.write(
              `${u.id}  ${u.role.padEnd(8)}  ${u.disabled ? 'disabled' : 'active  '}  ${u.email}  ${u.name}\n`,
            );
          }
        } else if (sub === 'create') {
          if (!values.email || !values.role)
            throw new UsageError('users create needs --email and --role admin|marketer|analyst|agent');
          const r = await engine.access.createUser(
            ws,
            { email: values.email, role: values.role, name: values.name, password: values.password },
            { type: 'system', id: null, label: 'omnicx users create' },
          );
          if (!r.ok) throw new UsageError(r.error.message);
          process.stdout.write(`${r.value.user.id}  ${r.value.user.role}  ${r.value.user.email}\n`);
          if (r.value.password)
            process.stdout.write(`password: ${r.value.password}\n(the password is shown only now)\n`);
        } else throw new UsageError('users needs one of: list, create');
      });
    case 'import':
      if (sub !== 'contacts' || !arg) throw new UsageError('usage: omnicx import contacts FILE.csv');
      if (!existsSync(arg)) throw new UsageError(`no such file: ${arg}`);
      return withStore(config, async (store) => {
        const engine = buildEngine({ store });
        const ws = await workspaceId(store, values.workspace);
        const report = await importContacts(createReadStream(arg), {
          workspaceId: ws,
          source: values.source ?? basename(arg),
          ingest: engine.ingest,
          clock: engine.clock,
        });
        await engine.ingest.drained();
        process.stdout.write(
          `rows: ${report.rows}, accepted: ${report.accepted} (${report.inserted} new), rejected: ${report.rejected.length}\n`,
        );
        for (const r of report.rejected.slice(0, 100)) process.stdout.write(`  row ${r.row}: ${r.message}\n`);
        if (report.rejected.length > 100)
          process.stdout.write(`  … and ${report.rejected.length - 100} more\n`);
        process.stdout.write('The running server processes the imported contacts within a second.\n');
      });
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`omnicx: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
