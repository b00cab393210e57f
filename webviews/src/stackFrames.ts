// How the cell-output panel lays out an error's stack frames: the user's frames one by one, runs of library frames
// (node_modules, Node's internals) folded into one line, and every location 1-based as editors and Node print it,
// while the kernel's frames are 0-based (kernelProtocol.ts). Pure: no DOM, so tests check it directly.
import type { CellError } from './cellOutputProtocol';

export type Frame = CellError['frames'][number];

/** A frame's text as Node prints it: `name (file:line:column)`, 1-based. */
export function frameText(frame: Frame): string {
  return `${frame.functionName ?? '<anonymous>'} (${frame.file}:${frame.line + 1}:${frame.column + 1})`;
}

/** Whether a frame names a file on disk that a click can open (not `node:internal/…` nor a URL). */
export function isOpenable(frame: Frame): boolean {
  return frame.file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(frame.file);
}

export type FrameGroup = { kind: 'user'; frame: Frame } | { kind: 'library'; frames: Frame[] };

/** The frames in order, consecutive library frames grouped so the panel can fold them. */
export function groupFrames(frames: readonly Frame[]): FrameGroup[] {
  const groups: FrameGroup[] = [];
  for (const frame of frames) {
    const last = groups.at(-1);
    if (!frame.library) groups.push({ kind: 'user', frame });
    else if (last?.kind === 'library') last.frames.push(frame);
    else groups.push({ kind: 'library', frames: [frame] });
  }
  return groups;
}
