#!/usr/bin/env node
// Runs every *.test.ts file with Node's own test runner (through tsx), so CI reads the runner's summary.
// Usage: node scripts/test.mjs [--pg] [path-filter ...]
//   --pg   also run the store conformance suite and the end-to-end tests against the real PostgreSQL
//          server at OMNICX_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const env = { ...process.env };
if (args.includes('--pg')) {
  env.OMNICX_TEST_PG_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
}
const filters = args.filter((a) => !a.startsWith('--'));

/** Lists test files under a directory, skipping dependencies. */
function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = [...walk(join(root, 'packages'), []), ...walk(join(root, 'test'), [])]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
