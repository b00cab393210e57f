// Small DOM helpers for the dashboard and launcher: element creation that only ever sets text (never HTML), the
// theme kind VS Code puts on the body (or the browser's colour scheme under `mlts ui`), and theme colours read from
// VS Code's CSS variables with fallbacks.
import type { ThemeKind } from './runColours';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A custom element (the vscode-elements controls) with attributes set, but never innerHTML. */
export function custom(tag: string, attributes: Record<string, string> = {}, text?: string): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function themeKind(): ThemeKind {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast') || classes.contains('vscode-high-contrast-light')) return 'high-contrast';
  if (classes.contains('vscode-light')) return 'light';
  if (classes.contains('vscode-dark')) return 'dark';
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

type ChartColours = { foreground: string; grid: string; background: string; focus: string };
let coloursCache: { key: string; colours: ChartColours } | null = null;

/**
 * Colours charts and canvases draw with, from the current theme. Kept until the theme changes (VS Code sets the body's
 * class and the root's style variables), because reading computed styles right after the table changed forces the
 * browser to recompute them then and there.
 */
export function chartColours(): ChartColours {
  const key = `${document.body.className}\u0000${document.documentElement.getAttribute('style') ?? ''}`;
  if (coloursCache?.key === key) return coloursCache.colours;
  const light = themeKind() === 'light';
  const colours = {
    foreground: cssVar('--vscode-foreground', light ? '#333' : '#ccc'),
    grid: cssVar('--vscode-editorWidget-border', light ? '#ddd' : '#444'),
    background: cssVar('--vscode-editor-background', light ? '#fff' : '#1e1e1e'),
    focus: cssVar('--vscode-focusBorder', '#0078d4'),
  };
  coloursCache = { key, colours };
  return colours;
}

/** Formats a number for tables and axis labels: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

export function formatSeconds(ms: number | null): string {
  if (ms === null) return '';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
}
