// PNG export of a chart: its canvas drawn on the theme's background under the chart's title, encoded in the browser.
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
