// A stable colour per run: the run id is hashed (FNV-1a) into a fixed palette, so a run keeps its colour whatever
// else is selected, filtered or sorted, and across reloads. Positions never pick colours. The palette has a
// variant per theme kind (lighter hues on dark backgrounds, darker on light ones, saturated on high contrast).
// Pure; the dashboard passes the theme kind it reads from the body's class.

export type ThemeKind = 'dark' | 'light' | 'high-contrast';

/** Twelve hues far enough apart to tell lines apart, tuned per theme kind for contrast against the editor. */
const PALETTES: Record<ThemeKind, readonly string[]> = {
  dark: ['#4fc1ff', '#f9a03f', '#89d185', '#c586c0', '#f48771', '#dcdcaa', '#4ec9b0', '#b5cea8', '#d7ba7d', '#9cdcfe', '#ff8cc6', '#a0a0ff'],
  light: ['#0065b3', '#b35900', '#267326', '#8a3f99', '#c0392b', '#7a6a00', '#00796b', '#5b6b00', '#8b5a2b', '#2e5fa8', '#b0306f', '#4b4bc4'],
  'high-contrast': ['#00d7ff', '#ffa500', '#00ff66', '#ff66ff', '#ff5050', '#ffff00', '#00ffd0', '#c0ff40', '#ffc080', '#80c0ff', '#ff80c0', '#b0b0ff'],
};

/** FNV-1a over the UTF-16 code units of `text`: fast, and spreads similar ids (run-1, run-2) apart. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function paletteSize(): number {
  return PALETTES.dark.length;
}

/** The run's colour in the given theme kind; the same id always gets the same palette slot. */
export function runColour(runId: string, theme: ThemeKind = 'dark'): string {
  const palette = PALETTES[theme];
  return palette[hashString(runId) % palette.length]!;
}

/** A colour with an alpha, for faint raw lines and group bands (`#rrggbb` → `rgba(...)`). */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}
