// Finds the data contracts declared in a source file: JSDoc comments holding `@data-contract`, with an optional
// path before the `{`, otherwise the first string literal of the statement after the comment (a path constant
// or a `tf.data.csv('file://…')` call). Text only — no TypeScript parser — so kernels and run processes can use
// it cheaply; offsets are kept so that diagnostics land on the contract's column entries.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Position, Range } from '../../../server/src/analysis/api';
import { parseContract, type ContractError, type DataContract } from './contract';

/** The tag that starts a contract inside a `/** … *\/` comment. */
export const DATA_CONTRACT_TAG = '@data-contract';

export type { Position, Range };

export interface DeclaredContract {
  /** The data file's path as written (without `file://`), if one was found. */
  path?: string;
  /** The path resolved against the source file's folder. */
  resolvedPath?: string;
  contract: DataContract;
  errors: { message: string; range: Range }[];
  /** The whole comment. */
  commentRange: Range;
  /** The string literal (or the path written in the tag). */
  pathRange?: Range;
  /** Each declared column's entry in the comment, by name. */
  columnRanges: Map<string, Range>;
}

const COMMENT = /\/\*\*[\s\S]*?\*\//g;
const STRING_LITERAL = /(['"`])((?:\\.|(?!\1)[^\\\n$])*)\1/;

/** 0-based line and character for each offset of a text. */
export function positionMapper(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo]! };
  };
}

/** Resolves a data path (maybe a `file://` URL) against the source file's folder; undefined for other URLs. */
export function resolveContractPath(sourceFile: string, path: string): string | undefined {
  let p = path;
  if (p.startsWith('file://')) p = p.slice('file://'.length);
  else if (/^[a-z]+:\/\//i.test(p)) return undefined;
  return isAbsolute(p) ? p : resolve(dirname(sourceFile), p);
}

export function findDataContracts(sourceFile: string, text: string): DeclaredContract[] {
  if (!text.includes(DATA_CONTRACT_TAG)) return [];
  const at = positionMapper(text);
  const range = (start: number, end: number): Range => ({ start: at(start), end: at(end) });
  const found: DeclaredContract[] = [];
  for (const match of text.matchAll(COMMENT)) {
    const comment = match[0];
    const tagAt = comment.indexOf(DATA_CONTRACT_TAG);
    if (tagAt < 0) continue;
    const base = match.index!;
    // Blank out the comment's decoration (`/**`, leading `*`, `*/`) so offsets stay those of the source.
    const body = comment
      .replace(/^\/\*\*/, '   ')
      .replace(/\*\/$/, '  ')
      .replace(/(\n[ \t]*)\*/g, '$1 ');
    let cursor = tagAt + DATA_CONTRACT_TAG.length;
    while (cursor < body.length && /\s/.test(body[cursor]!)) cursor++;
    let path: string | undefined;
    let pathRange: Range | undefined;
    if (body[cursor] !== '{') {
      const token = /^\S+/.exec(body.slice(cursor))?.[0];
      if (token && !token.startsWith('@')) {
        path = token.replace(/^['"]|['"]$/g, '');
        pathRange = range(base + cursor, base + cursor + token.length);
        cursor += token.length;
      }
    }
    const parsed = parseContract(body, cursor);
    const errors = parsed.errors.map((e: ContractError) => ({ message: e.message, range: range(base + e.start, base + e.end) }));
    const columnRanges = new Map<string, Range>();
    for (const column of parsed.contract.columns) columnRanges.set(column.name, range(base + column.start, base + column.end));
    const commentEnd = base + comment.length;
    if (path === undefined) {
      // The statement after the comment: up to its `;` or a blank line, at most a few hundred characters.
      const after = text.slice(commentEnd, commentEnd + 400);
      const statement = after.split(/;|\n\s*\n/)[0] ?? '';
      const literal = STRING_LITERAL.exec(statement);
      if (literal) {
        path = literal[2]!.replace(/^file:\/\//, '');
        const start = commentEnd + literal.index;
        pathRange = range(start, start + literal[0].length);
      }
    }
    const declared: DeclaredContract = { contract: parsed.contract, errors, commentRange: range(base, commentEnd), columnRanges };
    if (path !== undefined) {
      declared.path = path;
      declared.resolvedPath = resolveContractPath(sourceFile, path);
      declared.pathRange = pathRange;
    } else {
      declared.errors.push({
        message: 'This data contract names no file: put it on the path constant (`const csvPath = "data/x.csv"`) or write the path after the tag (`@data-contract data/x.csv { … }`).',
        range: range(base + tagAt, base + tagAt + DATA_CONTRACT_TAG.length),
      });
    }
    found.push(declared);
  }
  return found;
}
