// Turns what the analysis knows about an expression (its ShapeInfo) into the Markdown a hover shows:
// the shape with its symbolic names, the dtype, where the shape came from, and why it is unknown when the
// analysis knows (a model loaded from a file). Editor-free: the LSP layer
// wraps the string in a Hover.
import type { ShapeInfo } from '../analysis/index';

const KIND_LABEL: Record<ShapeInfo['kind'], string> = {
  tensor: 'Tensor',
  symbolic: 'Symbolic tensor',
  layer: 'Layer output',
  model: 'Model output',
  dataset: 'Dataset element',
  value: 'Value',
};

/** Markdown for a hover over an expression whose shape the analysis inferred. */
export function hoverMarkdown(info: ShapeInfo): string {
  const parts = [`**${KIND_LABEL[info.kind]}** \`${info.text}\``];
  if (info.dtype) parts.push(`\`${info.dtype}\``);
  const lines = [parts.join(' · ')];
  if (info.unknownReason) lines.push(`unknown: ${info.unknownReason}`);
  const names = symbolicNames(info.text);
  if (names.length) lines.push(`Symbolic dimensions: ${names.map((n) => `\`${n}\``).join(', ')} — sizes known only when the code runs.`);
  if (info.origin) lines.push(`Shape from line ${info.origin.start.line + 1}.`);
  return lines.join('\n\n');
}

/** The named (non-numeric, non-`?`) dimensions of a formatted shape such as `[batch, 28, 28, 1]`. */
export function symbolicNames(shapeText: string): string[] {
  const inner = /^\[(.*)\]$/.exec(shapeText.trim());
  if (!inner || !inner[1]) return [];
  return [...new Set(inner[1].split(',').map((d) => d.trim()).filter((d) => d && d !== '?' && !/^-?\d+$/.test(d)))];
}
