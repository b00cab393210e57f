// The data-contract language (docs/data-contracts.md): a compact, TypeScript-like description of the columns a
// data file must have, written in a JSDoc tag next to the code that reads the file:
//
//   /** @data-contract { sepal_length: number 0..10, species: int in [0, 1, 2], notes?: string, ... } */
//
// This module parses the contract text into rules (with offsets for diagnostics) and checks one cell against a
// rule. It never throws on user text: a parse returns the rules it understood and the errors. Finding contracts
// in a source file is contractSource.ts; checking files is contractSink.ts.

export type ContractType = 'number' | 'int' | 'string' | 'boolean' | 'any';

export type ContractLiteral = number | string | boolean;

export interface ColumnRule {
  name: string;
  /** `name?:` — cells may be missing (empty, NA, null, …). */
  nullable: boolean;
  type: ContractType;
  /** Inclusive bounds from `lo..hi` (either side may be left out). */
  min?: number;
  max?: number;
  /** `in [a, b, c]`. */
  allowed?: ContractLiteral[];
  /** `/regex/flags`, for strings. */
  pattern?: RegExp;
  /** The rule as written after the colon, for messages (`int in [0, 1, 2]`). */
  text: string;
  /** Offsets of the entry (name to end of its rule) in the contract text. */
  start: number;
  end: number;
}

export interface DataContract {
  columns: ColumnRule[];
  /** `...` at the end: columns the contract does not name are allowed. Without it, they are violations. */
  open: boolean;
}

export interface ContractError {
  message: string;
  start: number;
  end: number;
}

export interface ParsedContract {
  contract: DataContract;
  errors: ContractError[];
  /** Offset just past the closing `}` (or where parsing stopped). */
  end: number;
}

const TYPE_NAMES: Record<string, ContractType> = {
  number: 'number',
  float: 'number',
  int: 'int',
  integer: 'int',
  string: 'string',
  str: 'string',
  boolean: 'boolean',
  bool: 'boolean',
  any: 'any',
};

type Token = { kind: 'punct' | 'name' | 'number' | 'string' | 'regex' | 'end'; text: string; value?: string | number; start: number; end: number };

class Lexer {
  pos: number;
  constructor(
    private readonly text: string,
    start: number,
  ) {
    this.pos = start;
  }

  /** Reads the next token; `/` starts a regex literal only where a rule expects one. */
  next(regexAllowed = false): Token {
    const text = this.text;
    while (this.pos < text.length && /\s/.test(text[this.pos]!)) this.pos++;
    const start = this.pos;
    if (start >= text.length) return { kind: 'end', text: '', start, end: start };
    const c = text[start]!;
    if (text.startsWith('...', start)) return this.take('punct', start, 3);
    if (text.startsWith('..', start)) return this.take('punct', start, 2);
    const number = /^[-+]?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(start, start + 40));
    if (number && (/[\d.]/.test(c) || /[-+]/.test(c))) {
      this.pos = start + number[0].length;
      return { kind: 'number', text: number[0], value: Number(number[0]), start, end: this.pos };
    }
    if (c === '"' || c === "'") {
      let i = start + 1;
      let value = '';
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      this.pos = Math.min(text.length, i + 1);
      return { kind: 'string', text: text.slice(start, this.pos), value, start, end: this.pos };
    }
    if (c === '/' && regexAllowed) {
      let i = start + 1;
      let inClass = false;
      while (i < text.length && (text[i] !== '/' || inClass)) {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        i++;
      }
      const body = text.slice(start + 1, i);
      i++;
      const flagStart = i;
      while (i < text.length && /[a-z]/.test(text[i]!)) i++;
      this.pos = Math.min(i, text.length);
      return { kind: 'regex', text: text.slice(start, this.pos), value: `${body}/${text.slice(flagStart, this.pos)}`, start, end: this.pos };
    }
    const word = /^[A-Za-z_$][\w$.-]*/.exec(text.slice(start, start + 200));
    if (word) return this.take('name', start, word[0].length);
    return this.take('punct', start, 1);
  }

  private take(kind: Token['kind'], start: number, length: number): Token {
    this.pos = start + length;
    return { kind, text: this.text.slice(start, this.pos), value: this.text.slice(start, this.pos), start, end: this.pos };
  }

  peek(regexAllowed = false): Token {
    const saved = this.pos;
    const token = this.next(regexAllowed);
    this.pos = saved;
    return token;
  }
}

/**
 * Parses a contract starting at `start` (which should be at or before its `{`). Grammar:
 *
 *   contract := '{' (entry (',' entry)* ','?)? '}'
 *   entry    := '...' | name '?'? ':' type rule*
 *   name     := identifier | "quoted" | 'quoted'
 *   type     := number | int | string | boolean | any   (aliases: float, integer, str, bool)
 *   rule     := lo '..' hi | lo '..' | '..' hi | 'in' '[' literal (',' literal)* ']' | /regex/flags
 */
export function parseContract(text: string, start = 0): ParsedContract {
  const lexer = new Lexer(text, start);
  const errors: ContractError[] = [];
  const contract: DataContract = { columns: [], open: false };
  const fail = (message: string, token: Token) => errors.push({ message, start: token.start, end: Math.max(token.end, token.start + 1) });
  const open = lexer.next();
  if (open.text !== '{') {
    fail('A data contract starts with `{`, as in `{ price: number 0.., label: int in [0, 1] }`.', open);
    return { contract, errors, end: open.start };
  }
  const names = new Set<string>();
  for (;;) {
    let token = lexer.next();
    if (token.text === '}') return { contract, errors, end: token.end };
    if (token.kind === 'end') {
      fail('The data contract is missing its closing `}`.', open);
      return { contract, errors, end: token.end };
    }
    if (token.text === '...') {
      contract.open = true;
      token = lexer.next();
      if (token.text === ',') token = lexer.next();
      if (token.text !== '}') fail('`...` (other columns allowed) must come last.', token);
      else return { contract, errors, end: token.end };
      skipEntry(lexer);
      continue;
    }
    if (token.kind !== 'name' && token.kind !== 'string') {
      fail(`Expected a column name, found \`${token.text}\`.`, token);
      if (skipEntry(lexer) === '}') return { contract, errors, end: lexer.pos };
      continue;
    }
    const name = String(token.value);
    const entryStart = token.start;
    let nullable = false;
    let next = lexer.next();
    if (next.text === '?') {
      nullable = true;
      next = lexer.next();
    }
    if (next.text !== ':') {
      fail(`Expected \`:\` and a type after the column "${name}".`, next);
      if (skipEntry(lexer, next) === '}') return { contract, errors, end: lexer.pos };
      continue;
    }
    const typeToken = lexer.next();
    const type = TYPE_NAMES[typeToken.text];
    if (!type) {
      fail(`Unknown type \`${typeToken.text}\` for "${name}"; use number, int, string, boolean or any.`, typeToken);
      if (skipEntry(lexer, typeToken) === '}') return { contract, errors, end: lexer.pos };
      continue;
    }
    const rule: ColumnRule = { name, nullable, type, text: '', start: entryStart, end: typeToken.end };
    let stop: Token | undefined;
    for (;;) {
      const t = lexer.next(true);
      if (t.text === ',' || t.text === '}' || t.kind === 'end') {
        stop = t;
        break;
      }
      if (t.text === '?') {
        rule.nullable = true;
      } else if (t.kind === 'number' || t.text === '..') {
        // A range: lo..hi, lo.., ..hi
        let lo: number | undefined;
        let dots = t;
        if (t.kind === 'number') {
          lo = Number(t.value);
          dots = lexer.next();
          if (dots.text !== '..') {
            fail(`Expected \`..\` after ${t.text} (a range is written \`lo..hi\`).`, dots);
            stop = dots;
            break;
          }
        }
        const hiToken = lexer.peek();
        let hi: number | undefined;
        if (hiToken.kind === 'number') {
          lexer.next();
          hi = Number(hiToken.value);
        }
        if (lo === undefined && hi === undefined) fail('A range needs at least one bound (`0..`, `..1`, `0..1`).', dots);
        if (lo !== undefined && hi !== undefined && lo > hi) fail(`The range ${lo}..${hi} is empty.`, t);
        if (type === 'string' || type === 'boolean') fail(`A range does not apply to ${type} values.`, t);
        rule.min = lo;
        rule.max = hi;
      } else if (t.text === 'in') {
        const list = parseList(lexer, fail);
        if (list) rule.allowed = list;
      } else if (t.kind === 'regex') {
        const [body, flags] = splitRegex(String(t.value));
        try {
          rule.pattern = new RegExp(body, flags);
        } catch (err) {
          fail(`Invalid pattern ${t.text}: ${err instanceof Error ? err.message : String(err)}.`, t);
        }
      } else {
        fail(`Unexpected \`${t.text}\` in the rule for "${name}"; expected a range (0..1), \`in [...]\` or /pattern/.`, t);
      }
      rule.end = lexer.pos;
    }
    rule.text = text.slice(typeToken.start, rule.end).replace(/\s+/g, ' ').trim();
    if (names.has(name)) fail(`The column "${name}" is declared twice.`, token);
    names.add(name);
    contract.columns.push(rule);
    if (stop.text === '}') return { contract, errors, end: stop.end };
    if (stop.kind === 'end') {
      fail('The data contract is missing its closing `}`.', open);
      return { contract, errors, end: stop.end };
    }
  }
}

function splitRegex(value: string): [string, string] {
  const i = value.lastIndexOf('/');
  return [value.slice(0, i), value.slice(i + 1)];
}

function parseList(lexer: Lexer, fail: (message: string, token: Token) => void): ContractLiteral[] | undefined {
  const open = lexer.next();
  if (open.text !== '[') {
    fail('`in` takes a list, as in `in [0, 1, 2]` or `in ["cat", "dog"]`.', open);
    return undefined;
  }
  const values: ContractLiteral[] = [];
  for (;;) {
    const t = lexer.next();
    if (t.text === ']') return values;
    if (t.kind === 'end') {
      fail('The list is missing its closing `]`.', open);
      return values;
    }
    if (t.text === ',') continue;
    if (t.kind === 'number') values.push(Number(t.value));
    else if (t.kind === 'string') values.push(String(t.value));
    else if (t.text === 'true' || t.text === 'false') values.push(t.text === 'true');
    else if (t.kind === 'name') values.push(t.text);
    else fail(`Unexpected \`${t.text}\` in the list.`, t);
  }
}

/** Skips to the next `,` or `}` at this level; returns which one ended the entry. */
function skipEntry(lexer: Lexer, current?: Token): ',' | '}' | 'end' {
  let t = current ?? lexer.next();
  let depth = 0;
  for (;;) {
    if (t.kind === 'end') return 'end';
    if (t.text === '[') depth++;
    else if (t.text === ']') depth--;
    else if (depth <= 0 && (t.text === ',' || t.text === '}')) return t.text as ',' | '}';
    t = lexer.next();
  }
}

/** A cell as the checker sees it: its text and, when it parses as one, its number. */
export interface CellValue {
  missing: boolean;
  text: string;
  number: number;
}

const TRUE_TEXT = new Set(['true', 'True', 'TRUE', '1']);
const FALSE_TEXT = new Set(['false', 'False', 'FALSE', '0']);

/**
 * Checks one cell against a rule; returns why it fails (a short phrase such as `not a number` or
 * `above the maximum 10`) or undefined when it passes.
 */
export function checkCell(rule: ColumnRule, cell: CellValue): string | undefined {
  if (cell.missing) return rule.nullable ? undefined : 'missing (the column is not nullable; write `name?:` to allow it)';
  const n = cell.number;
  switch (rule.type) {
    case 'number':
      if (n !== n) return 'not a number';
      break;
    case 'int':
      if (n !== n) return 'not an integer';
      if (!Number.isInteger(n)) return 'not an integer';
      break;
    case 'boolean':
      if (!TRUE_TEXT.has(cell.text) && !FALSE_TEXT.has(cell.text)) return 'not a boolean';
      break;
    case 'string':
    case 'any':
      break;
  }
  if (rule.min !== undefined && n === n && n < rule.min) return `below the minimum ${rule.min}`;
  if (rule.max !== undefined && n === n && n > rule.max) return `above the maximum ${rule.max}`;
  if ((rule.min !== undefined || rule.max !== undefined) && n !== n && rule.type === 'any') return 'not a number';
  if (rule.allowed && !rule.allowed.some((a) => matchesLiteral(a, cell))) return `not one of ${formatList(rule.allowed)}`;
  if (rule.pattern) {
    rule.pattern.lastIndex = 0;
    if (!rule.pattern.test(cell.text)) return `does not match ${String(rule.pattern)}`;
  }
  return undefined;
}

function matchesLiteral(literal: ContractLiteral, cell: CellValue): boolean {
  if (typeof literal === 'number') return cell.number === literal;
  if (typeof literal === 'boolean') return (literal ? TRUE_TEXT : FALSE_TEXT).has(cell.text);
  return cell.text === literal;
}

export function formatList(values: ContractLiteral[]): string {
  const shown = values.slice(0, 8).map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)));
  return `[${shown.join(', ')}${values.length > 8 ? ', …' : ''}]`;
}

/** The contract written back in its own syntax (for hovers and reports). */
export function formatContract(contract: DataContract): string {
  const entries = contract.columns.map((c) => `${/^[A-Za-z_$][\w$]*$/.test(c.name) ? c.name : JSON.stringify(c.name)}${c.nullable && !c.text.includes('?') ? '?' : ''}: ${c.text}`);
  if (contract.open) entries.push('...');
  return `{ ${entries.join(', ')} }`;
}
