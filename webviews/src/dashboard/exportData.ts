// CSV export of a chart's data (full resolution, raw and smoothed, never the downsampled points that were drawn).
// The writer quotes every field that needs it and defuses spreadsheet formulas, since run ids and group names are
// untrusted text. Pure; the PNG export (which needs a canvas) is in chartImage.ts.

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

/** A file-name-safe version of a metric or run name. */
export function safeFileName(text: string): string {
  return text.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'chart';
}
