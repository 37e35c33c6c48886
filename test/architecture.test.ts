// The layers of ARCHITECTURE.md, enforced: imports point down only, and core stays pure.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('..', import.meta.url).pathname;

// Which workspace packages each layer may import.
const ALLOWED: Record<string, string[]> = {
  core: [],
  store: ['core'],
  channels: ['core'],
  engine: ['core', 'store', 'channels'],
  server: ['core', 'store', 'engine', 'channels'],
  cli: ['core', 'store', 'engine', 'server', 'channels'],
  // The admin console talks to the server over HTTP only.
  web: [],
};

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') || name.endsWith('.tsx')) out.push(p);
  }
  return out;
}

const importsOf = (text: string) =>
  [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2]!,
  );

for (const [layer, allowed] of Object.entries(ALLOWED)) {
  test(`${layer} imports only from ${allowed.length ? allowed.join(', ') : 'itself and pure libraries'}`, () => {
    for (const file of sources(join(ROOT, 'packages', layer, 'src'))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const m = /^@omnicx\/([a-z]+)/.exec(spec);
        if (m && m[1] !== layer)
          assert.ok(allowed.includes(m[1]!), `${file} imports ${spec}: ${layer} may not depend on ${m[1]}`);
      }
    }
  });
}

test('core is pure: no node built-ins, no drivers, no clock, no randomness', () => {
  for (const file of sources(join(ROOT, 'packages', 'core', 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const spec of importsOf(text)) {
      assert.ok(
        spec.startsWith('.') || spec === 'libphonenumber-js',
        `${file} imports ${spec}; core may import only its own modules and pure libraries`,
      );
    }
    assert.doesNotMatch(
      text,
      /Date\.now\(|new Date\(\)|Math\.random\(|performance\.now\(/,
      `${file} reads the clock or randomness`,
    );
  }
});
