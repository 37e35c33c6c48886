import { sql } from 'kysely';
import type { Store } from './store';

/**
 * A textual dump of the schema the migrations produce, for the drift check: the committed dump must equal
 * what migrating an empty database gives. `family` is sqlite or postgres (PGlite and the server dump alike).
 */
export async function dumpSchema(store: Store): Promise<{ family: 'sqlite' | 'postgres'; text: string }> {
  if (store.adapter.name === 'sqlite') {
    const rows = await sql<{ type: string; name: string; sql: string | null }>`
      select type, name, sql from sqlite_master where name not like 'sqlite_%' order by type, name`.execute(
      store.db,
    );
    return {
      family: 'sqlite',
      text: rows.rows.map((r) => `-- ${r.type} ${r.name}\n${r.sql ?? '(automatic)'};`).join('\n\n') + '\n',
    };
  }
  const cols = await sql<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
  }>`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = current_schema()
    order by table_name, ordinal_position`.execute(store.db);
  const idx = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes where schemaname = current_schema() order by indexname`.execute(
    store.db,
  );
  const lines: string[] = [];
  let table = '';
  for (const c of cols.rows) {
    if (c.table_name !== table) {
      table = c.table_name;
      lines.push(`\ntable ${table}`);
    }
    lines.push(
      `  ${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''}${c.column_default ? ` default ${c.column_default}` : ''}`,
    );
  }
  lines.push('\nindexes');
  for (const i of idx.rows) lines.push(`  ${i.indexdef};`);
  return { family: 'postgres', text: lines.join('\n').trimStart() + '\n' };
}
