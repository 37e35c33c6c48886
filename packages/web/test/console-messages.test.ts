// Every UI string exists in fa, ar and en, each key carries its folder's prefix, and placeholders match.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sets } from '../src/messages/index';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every message set has the same keys in en, fa and ar, with the same placeholders', () => {
  const problems: string[] = [];
  for (const [name, set] of Object.entries(sets)) {
    const all = new Set([...Object.keys(set.en), ...Object.keys(set.fa), ...Object.keys(set.ar)]);
    for (const key of all) {
      for (const l of ['en', 'fa', 'ar'] as const) {
        const v = set[l][key];
        if (v === undefined) problems.push(`${name}: "${key}" missing in ${l}`);
        else if (!v.trim()) problems.push(`${name}: "${key}" empty in ${l}`);
        else if (l !== 'en' && set.en[key] !== undefined)
          if (placeholders(v).join() !== placeholders(set.en[key]!).join())
            problems.push(`${name}: "${key}" placeholders differ in ${l}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('keys are prefixed with their folder name (common also owns nav.*) and unique across folders', () => {
  const owner = new Map<string, string>();
  for (const [name, set] of Object.entries(sets)) {
    for (const key of Object.keys(set.en)) {
      const prefix = key.split('.')[0]!;
      assert.ok(
        prefix === name || (name === 'common' && prefix === 'nav'),
        `${name}: key "${key}" lacks the "${name}." prefix`,
      );
      assert.ok(!owner.has(key), `"${key}" defined in both ${owner.get(key)} and ${name}`);
      owner.set(key, name);
    }
  }
});

test('fa and ar strings are not untranslated English copies', () => {
  // A sentence with at least two Latin words copied verbatim into fa/ar is almost certainly untranslated.
  const latinSentence = /^[A-Za-z][A-Za-z ,.'’-]*\s[A-Za-z]+/;
  const copies: string[] = [];
  for (const [name, set] of Object.entries(sets))
    for (const l of ['fa', 'ar'] as const)
      for (const [key, v] of Object.entries(set[l]))
        if (v === set.en[key] && latinSentence.test(v)) copies.push(`${name}/${l}: ${key}`);
  assert.deepEqual(copies, []);
});

test('every message folder under src/screens is merged into messages/index.ts', () => {
  const screens = join(new URL('..', import.meta.url).pathname, 'src', 'screens');
  for (const dir of readdirSync(screens)) {
    if (!statSync(join(screens, dir)).isDirectory()) continue;
    const hasMessages = readdirSync(join(screens, dir)).includes('messages.ts');
    if (hasMessages)
      assert.ok(dir in sets, `screens/${dir}/messages.ts is not listed in src/messages/index.ts`);
  }
});

test('t() keys used in the source exist in the en dictionary', () => {
  const src = join(new URL('..', import.meta.url).pathname, 'src');
  const en = new Set(Object.values(sets).flatMap((s) => Object.keys(s.en)));
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(name)) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g))
          if (!en.has(m[1]!)) missing.push(`${p}: ${m[1]}`);
      }
    }
  };
  walk(src);
  assert.deepEqual(missing, []);
});
