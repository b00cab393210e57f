// Says a full disk in one line. Every writer of the run store (the CLI, the run process, the extension) meets the
// same ENOSPC from a full store; a raw stack trace says nothing a user can act on, so each catches the error at
// its top and prints this instead. Kept apart from runStore.ts so that dist/cli.js, which loads every command's
// code lazily, can say it without loading the store.

/**
 * One line for a write that failed because the disk (or the user's quota) is full: `disk full: could not write
 * PATH`; null for any other error, which callers report as they did.
 */
export function diskFullText(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return null;
  const path = (err as NodeJS.ErrnoException).path;
  return `disk full: could not write ${path ?? 'to the run store'} (${code === 'EDQUOT' ? 'quota exceeded' : 'no space left on device'})`;
}
