import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { dumpSchema, testDialects } from '../src/testing';

// Migrations are append-only; the committed dump is the reviewed schema. A change to the schema must come
// with a new migration and a regenerated dump (`npx tsx scripts/schema-dump.ts`).
for (const dialect of testDialects()) {
  test(`the migrated ${dialect.name} schema matches the committed dump`, async () => {
    const { store, cleanup } = await dialect.open();
    try {
      const { family, text } = await dumpSchema(store);
      const committed = readFileSync(new URL(`../schema/${family}.sql`, import.meta.url), 'utf8');
      assert.equal(
        text,
        committed,
        `schema drift on ${dialect.name}: add a migration and run npx tsx scripts/schema-dump.ts`,
      );
    } finally {
      await cleanup();
    }
  });
}
