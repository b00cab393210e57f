// Where the shared shape-bug corpus is: `shared/shape-corpus` beside the repository (as CI clones it), or
// MLTS_SHAPE_CORPUS. One place, so every test that reads the corpus finds the same one wherever the clone is.
import { join, resolve } from 'node:path';

export const SHAPE_CORPUS_DIR = process.env.MLTS_SHAPE_CORPUS ?? resolve(join(__dirname, '..', '..'), '..', 'shared', 'shape-corpus');
