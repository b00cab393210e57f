// CSV text for exports: every field that needs it is quoted, and text that a spreadsheet would run as a formula
// (a leading =, +, - or @) is defused, since run ids and group names are untrusted. Pure: used by the dashboard page
// (a chart's CSV) and by the hosts' full-resolution export (metricsCsv.ts).

/** Quotes a CSV field when needed; a leading =, +, - or @ on text is prefixed with ' so spreadsheets do not run it. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(header: string[], rows: Iterable<(string | number | null)[]>): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return lines.join('\n') + '\n';
}
