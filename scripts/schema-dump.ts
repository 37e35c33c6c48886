// Regenerates packages/store/schema/*.sql from the migrations (run after adding a migration):
//   npx tsx scripts/schema-dump.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dumpSchema, testDialects } from '@omnicx/store/testing';

const dir = new URL('../packages/store/schema/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
for (const d of testDialects().filter((x) => x.name !== 'postgres')) {
  const { store, cleanup } = await d.open();
  const { family, text } = await dumpSchema(store);
  writeFileSync(`${dir}${family}.sql`, text);
  console.log(`wrote ${dir}${family}.sql`);
  await cleanup();
}
