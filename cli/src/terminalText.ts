// Makes text from run data safe to print on a terminal. Run messages, metric names and parameters are written by
// user code and may hold escape sequences (colours, cursor moves, a changed window title, OSC 8 links) or bidi
// controls that reorder what is shown; printed raw, they would repaint the terminal. Each such character is shown
// as a visible escape (`\u001b`) instead. JSON output needs none of this: JSON.stringify escapes controls itself.

/** C0 controls (tab and newline included: each field prints on one line), DEL, C1 controls, bidi overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this module.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as `\uXXXX`. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
