// The git state a run records: the commit checked out in the experiment's repository and whether the working
// tree differs from it (tracked files only). No git, or a file outside a repository, gives null: runs still work.
import { execFileSync } from 'node:child_process';

export interface GitState {
  commit: string;
  dirty: boolean;
}

export function readGitState(dir: string): GitState | null {
  const git = (args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  try {
    const commit = git(['rev-parse', 'HEAD']).trim();
    const dirty = git(['status', '--porcelain', '--untracked-files=no']).trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}
