// The AnalysisHost that reads the real file system, shared by the language server and the CLI. The analysis
// itself never touches the disk; it asks its host. A missing or unreadable file is simply unknown to it.
// `readFileHead` reads only the first bytes, so checking a CSV header never loads a large data file whole.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { AnalysisHost } from './analysis/api';

function readHead(path: string, maxBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(maxBytes);
    const read = readSync(fd, buffer, 0, maxBytes, 0);
    // A multi-byte character cut at the end decodes to U+FFFD; the analysis only uses complete lines.
    return buffer.subarray(0, read).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export const fileSystemHost: AnalysisHost = {
  readFile(path: string) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  readFileHead: readHead,
};
