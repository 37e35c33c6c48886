// CSV for exports (RFC 4180), safe to open in a spreadsheet.

/**
 * One CSV cell. Quotes when needed; a text starting with = + - @ (or tab / carriage return) gets a leading
 * apostrophe so a spreadsheet never runs a customer's comment as a formula (CSV injection). Numbers pass as is.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document: a header row and data rows, CRLF line ends, with a UTF-8 BOM so Excel reads Persian and Arabic. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
