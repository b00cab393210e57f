// Reads a file's `/** @mlts-params */` declaration for the launcher without the TypeScript compiler, which the
// extension does not bundle (it would weigh megabytes and slow activation): the run loader's own scanner
// (findParamsLiteral) finds the object literal, and a small parser reads each property's default when it is a plain
// value (numbers, strings, booleans, null, arrays and objects of those), reporting anything else as an expression, as
// paramsDeclaration.ts does with the compiler (the unit tests compare the two). It also provides the ParamsChecker
// the launcher hands to createQueuedRuns, so an unknown name or a value of the wrong type fails before any process
// starts, exactly as `mlts run` fails. Never throws on user code except ParamsError from the checker.
import { basename } from 'node:path';
import { findParamsLiteral } from '../../../runtime/src/params/paramsLiteral';
import { applyOverrides, ParamsError, type Overrides } from '../../../runtime/src/params/paramsValues';
import type { ParamValue } from '../../../runtime/src/store/runRecord';
import type { LauncherParam } from '../../../webviews/src/launcherProtocol';

export interface DeclaredParams {
  params: (LauncherParam & { line: number })[];
  problems: string[];
}

class NotLiteral extends Error {}

/** Parses one JavaScript literal value (JSON plus single quotes, plain templates, unquoted keys, trailing commas). */
class LiteralParser {
  private i = 0;

  constructor(private readonly text: string) {}

  parseAll(): ParamValue {
    const value = this.value();
    this.space();
    if (this.i !== this.text.length) throw new NotLiteral();
    return value;
  }

  private space(): void {
    const t = this.text;
    for (;;) {
      while (this.i < t.length && /\s/.test(t[this.i]!)) this.i++;
      if (t.startsWith('//', this.i)) this.i = t.includes('\n', this.i) ? t.indexOf('\n', this.i) : t.length;
      else if (t.startsWith('/*', this.i)) this.i = t.includes('*/', this.i) ? t.indexOf('*/', this.i) + 2 : t.length;
      else return;
    }
  }

  private value(): ParamValue {
    this.space();
    const t = this.text;
    const ch = t[this.i];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"' || ch === "'" || ch === '`') return this.string();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (t.startsWith(word, this.i) && !/[\w$]/.test(t[this.i + word.length] ?? '')) {
        this.i += word.length;
        return value;
      }
    }
    const number = /^[+-]?(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)(?![\w$])/.exec(t.slice(this.i));
    if (number) {
      this.i += number[0].length;
      const clean = number[0].replace(/_/g, '');
      const sign = clean.startsWith('-') ? -1 : 1;
      const n = sign * Number(clean.replace(/^[+-]/, ''));
      if (Number.isNaN(n)) throw new NotLiteral();
      return n;
    }
    throw new NotLiteral();
  }

  private string(): string {
    const t = this.text;
    const quote = t[this.i++]!;
    let out = '';
    while (this.i < t.length && t[this.i] !== quote) {
      const ch = t[this.i++]!;
      if (quote === '`' && ch === '$' && t[this.i] === '{') throw new NotLiteral();
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const e = t[this.i++]!;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
      if (e in simple) out += simple[e];
      else if (e === 'u' && t[this.i] === '{') {
        const close = t.indexOf('}', this.i);
        out += String.fromCodePoint(parseInt(t.slice(this.i + 1, close), 16));
        this.i = close + 1;
      } else if (e === 'u' || e === 'x') {
        const width = e === 'u' ? 4 : 2;
        out += String.fromCharCode(parseInt(t.slice(this.i, this.i + width), 16));
        this.i += width;
      } else if (e !== '\n') out += e;
    }
    if (t[this.i] !== quote) throw new NotLiteral();
    this.i++;
    return out;
  }

  private array(): ParamValue[] {
    this.i++;
    const items: ParamValue[] = [];
    for (;;) {
      this.space();
      if (this.text[this.i] === ']') {
        this.i++;
        return items;
      }
      items.push(this.value());
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== ']') throw new NotLiteral();
    }
  }

  private object(): Record<string, ParamValue> {
    this.i++;
    const object: Record<string, ParamValue> = {};
    for (;;) {
      this.space();
      if (this.text[this.i] === '}') {
        this.i++;
        return object;
      }
      const key = this.key();
      this.space();
      if (this.text[this.i++] !== ':') throw new NotLiteral();
      object[key] = this.value();
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== '}') throw new NotLiteral();
    }
  }

  private key(): string {
    const ch = this.text[this.i];
    if (ch === '"' || ch === "'") return this.string();
    const m = /^(?:[A-Za-z_$][\w$]*|\d+)/.exec(this.text.slice(this.i));
    if (!m) throw new NotLiteral();
    this.i += m[0].length;
    return m[0];
  }
}

/** Splits the literal's body at its top-level commas, skipping strings, templates, comments and nested brackets. */
function topLevelProperties(text: string, start: number, end: number): { from: number; to: number }[] {
  const pieces: { from: number; to: number }[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const ch = text[i]!;
    if (ch === '/' && text[i + 1] === '/') i = text.includes('\n', i) ? text.indexOf('\n', i) : end;
    else if (ch === '/' && text[i + 1] === '*') i = text.includes('*/', i + 2) ? text.indexOf('*/', i + 2) + 1 : end;
    else if (ch === '"' || ch === "'" || ch === '`') {
      for (i++; i < end && text[i] !== ch; i++) if (text[i] === '\\') i++;
    } else if (ch === '{' || ch === '[' || ch === '(') depth++;
    else if (ch === '}' || ch === ']' || ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      pieces.push({ from, to: i });
      from = i + 1;
    }
  }
  pieces.push({ from, to: end });
  return pieces;
}

/** Whitespace and comments before a property: its line is where its name starts. */
const LEADING_TRIVIA = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/;
const PROPERTY = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:([A-Za-z_$][\w$]*)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\d+))\s*:\s*/;

function typeOf(value: ParamValue | undefined): LauncherParam['type'] {
  if (value === undefined) return 'expression';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'number' | 'string' | 'boolean' | 'object';
}

/** The file's declared parameters and defaults, or null when it declares none. */
export function readDeclaredParams(text: string): DeclaredParams | null {
  const range = findParamsLiteral(text);
  if (!range) return null;
  const result: DeclaredParams = { params: [], problems: [] };
  for (const { from, to } of topLevelProperties(text, range.start + 1, range.end - 1)) {
    const piece = text.slice(from, to);
    if (piece.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').trim() === '') continue;
    const lead = LEADING_TRIVIA.exec(piece)![0].length;
    const line = text.slice(0, from + lead).split('\n').length - 1;
    const m = PROPERTY.exec(piece);
    if (!m) {
      result.problems.push(`line ${line + 1}: "${piece.trim()}" is not a name: value property, so it cannot be a parameter`);
      continue;
    }
    const name = m[1] ?? m[4] ?? new LiteralParser(`"${m[2] ?? m[3] ?? ''}"`).parseAll();
    const valueText = piece.slice(m[0].length).replace(/\s+$/, '');
    let value: ParamValue | undefined;
    try {
      value = new LiteralParser(valueText).parseAll();
    } catch {
      value = undefined;
    }
    result.params.push({ name: String(name), type: typeOf(value), text: valueText.trim(), ...(value !== undefined ? { value } : {}), line });
  }
  return result;
}

/**
 * createQueuedRuns' checker for the launcher: the declared defaults merged with one set of overrides (paramsValues'
 * applyOverrides coerces them). Overrides of defaults that are expressions pass as text; the run coerces them.
 */
export function launcherParams(text: string, file: string, overrides: Overrides): Record<string, ParamValue> {
  const declared = readDeclaredParams(text)?.params ?? [];
  const unknown = Object.keys(overrides).filter((name) => !declared.some((p) => p.name === name));
  if (unknown.length) {
    const known = declared.map((p) => p.name).join(', ');
    throw new ParamsError(`${basename(file)} declares ${known ? `${known}, not ${unknown.join(', ')}` : 'no parameters (add a /** @mlts-params */ object)'}`);
  }
  const defaults = Object.fromEntries(declared.filter((p) => p.value !== undefined).map((p) => [p.name, p.value!]));
  const expressions = Object.entries(overrides).filter(([name]) => !(name in defaults));
  const literal = Object.fromEntries(Object.entries(overrides).filter(([name]) => name in defaults));
  return { ...applyOverrides(defaults, literal), ...Object.fromEntries(expressions) };
}
