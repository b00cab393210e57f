// CSV export of a chart's data (full resolution, raw and smoothed, never the downsampled points that were drawn).
// The writer quotes every field that needs it and defuses spreadsheet formulas, since run ids and group names are
// untrusted text (runtime/src/dashboard/csv.ts, shared with the hosts' full-resolution export). Pure; the PNG export
// (which needs a canvas) is in chartImage.ts.
export { csvField, csvText } from '../../../runtime/src/dashboard/csv';

/** A file-name-safe version of a metric or run name. */
export function safeFileName(text: string): string {
  return text.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'chart';
}
