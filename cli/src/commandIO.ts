// What a CLI command may touch: its working directory and output streams. Commands take this instead of
// `process` so tests can run them in-process and read what they printed.
export interface CommandIO {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A mistake in how the command was called; main.ts prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** True for a UsageError from any bundle: each command bundle has its own copy of the class. */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && err.name === 'UsageError';
}

export const processIO: CommandIO = {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
