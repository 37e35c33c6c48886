import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { contactRowToEvent, type IncomingEvent } from '@omnicx/core';
import type { Clock } from './ports';
import type { IngestService } from './ingest';

/** Why one CSV row was not imported. */
export interface RejectedRow {
  row: number;
  code: string;
  message: string;
}

/** The outcome of a contact import. */
export interface ImportReport {
  rows: number;
  accepted: number;
  /** Accepted rows that were new (re-importing the same rows stores nothing twice). */
  inserted: number;
  rejected: RejectedRow[];
}

const CHUNK = 500;

/**
 * Imports contacts from CSV (header row required). Each accepted row becomes an `identify` event on the
 * `import` channel, so it goes through the same identity resolution as live traffic. A row's messageId is a
 * hash of its content: importing the same file twice stores it once.
 */
export async function importContacts(
  input: Readable | string,
  opts: { workspaceId: string; source: string; ingest: IngestService; clock: Clock },
): Promise<ImportReport> {
  const report: ImportReport = { rows: 0, accepted: 0, inserted: 0, rejected: [] };
  const parser = parse({
    columns: true,
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  });
  let pending: IncomingEvent[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const { inserted } = await opts.ingest.append(opts.workspaceId, pending);
    report.inserted += inserted;
    pending = [];
  };
  const feed = typeof input === 'string' ? null : input;
  if (feed) feed.pipe(parser);
  else parser.end(input);
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    report.rows++;
    // Row numbers as a spreadsheet shows them: the header is row 1.
    const rowNumber = report.rows + 1;
    const digest = createHash('sha256').update(JSON.stringify(record)).digest('base64url').slice(0, 27);
    const r = contactRowToEvent(record, {
      rowNumber,
      receivedAt: opts.clock.now(),
      newMessageId: () => `import-${digest}`,
      source: opts.source,
    });
    if (!r.ok) {
      report.rejected.push({ row: rowNumber, code: r.error.code, message: r.error.message });
      continue;
    }
    report.accepted++;
    pending.push(r.value);
    if (pending.length >= CHUNK) await flush();
  }
  await flush();
  return report;
}
