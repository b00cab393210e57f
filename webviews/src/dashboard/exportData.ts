// Exports: a chart's data as CSV (full resolution, raw and smoothed, never the downsampled points that were drawn)
// and a chart's canvas as PNG with its title and the theme's background. The CSV writer quotes every field that
// needs it and defuses spreadsheet formulas, since run ids and group names are untrusted text.

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

/** Draws `source` (a chart's canvas) on the theme background under `title` and encodes it as PNG bytes. */
export async function canvasPng(source: HTMLCanvasElement, title: string, background: string, foreground: string): Promise<Uint8Array> {
  const titleHeight = 28;
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height + titleHeight;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = foreground;
  ctx.font = '14px sans-serif';
  ctx.fillText(title, 8, 19);
  ctx.drawImage(source, 0, titleHeight);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  return new Uint8Array(blob ? await blob.arrayBuffer() : new ArrayBuffer(0));
}
