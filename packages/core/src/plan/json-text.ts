import { Either, left, right } from 'fp-ts/Either';

/** Where a plan file's text goes wrong: the line and column (from 1) a person's editor shows. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

export interface JsonSyntaxError extends TextPosition {
  readonly reason: string;
}

/** A parsed document, and where each of its values starts (by path, as the plan's problems name them). */
export interface ParsedJson {
  readonly value: unknown;
  /** The value at the path, or else its nearest enclosing value that is there. */
  locate(path: string): TextPosition | undefined;
}

/** Quotes and punctuation an editor set for Chinese text puts where JSON needs the ASCII ones. */
const FULL_WIDTH: Readonly<Record<string, string>> = {
  '“': '"', '”': '"', '‘': '"', '’': '"', '＂': '"', '：': ':', '，': ',', '｛': '{', '｝': '}', '［': '[', '］': ']',
};

class SyntaxFault extends Error {
  constructor(readonly offset: number, reason: string) {
    super(reason);
  }
}

const describe = (c: string | undefined): string => {
  if (c === undefined) return 'the end of the file';
  if (FULL_WIDTH[c]) return `a full-width ${c} (U+${c.charCodeAt(0).toString(16).toUpperCase()}), where JSON needs a plain ${FULL_WIDTH[c]}`;
  if (/\s/.test(c)) return `a space (U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  return `'${c}'`;
};

/**
 * Parses JSON, with // and /* *\/ comments allowed (a commented template is JSON with comments),
 * recording where every value starts. A syntax error names its line and column and what was
 * found there: a full-width quote, colon or comma by name.
 */
export const parseJsonText = (text: string): Either<JsonSyntaxError, ParsedJson> => {
  const starts = new Map<string, number>();
  let i = 0;
  const fault = (reason: string): never => {
    throw new SyntaxFault(i, reason);
  };
  const skip = (): void => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) fault('a comment /* is not closed with */');
        i = end + 2;
      } else return;
    }
  };
  const expect = (c: string, what: string): void => {
    skip();
    if (text[i] !== c) fault(`expected ${what}, found ${describe(text[i])}`);
    i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) {
        i = start;
        fault('a string is not closed with a plain " (a full-width ” does not close it)');
      }
      if (c === '"') {
        i++;
        return out;
      }
      if (c! < ' ') fault(`a string holds the control character U+${c!.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}; write it as an escape such as \\n`);
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fault(`"\\${e ?? ''}" is not an escape JSON knows`);
      } else {
        out += c;
        i++;
      }
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (path: string, depth = 0): unknown => {
    if (depth > 64) fault('values are nested more than 64 deep; a plan needs a handful of levels');
    skip();
    starts.set(path, i);
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      skip();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fault(text[i] === '}' ? 'a comma before } is not allowed' : `expected a name in plain double quotes, found ${describe(text[i])}`);
        const key = string();
        expect(':', `":" after the name "${key}"`);
        const at = path ? `${path}.${key}` : key;
        obj[key] = value(at, depth + 1);
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fault(`expected "," or "}" after the value of "${key}", found ${describe(text[i])}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        skip();
        if (text[i] === ']') fault('a comma before ] is not allowed');
        arr.push(value(`${path}[${arr.length}]`, depth + 1));
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fault(`expected "," or "]" in a list, found ${describe(text[i])}`);
      }
    }
    if (c === '"') return string();
    NUMBER.lastIndex = i;
    const n = NUMBER.exec(text);
    if (n) {
      i += n[0].length;
      return Number(n[0]);
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const)
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    return fault(`expected a value, found ${describe(c)}`);
  };

  const position = (offset: number): TextPosition => {
    let line = 1;
    let lineStart = 0;
    for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) {
      line++;
      lineStart = k + 1;
    }
    return { line, column: offset - lineStart + 1 };
  };
  try {
    const v = value('');
    skip();
    if (i < text.length) fault(`expected the end of the file after the plan's closing }, found ${describe(text[i])}`);
    return right({
      value: v,
      locate: (path) => {
        for (let p = path === '(root)' ? '' : path; ; ) {
          const at = starts.get(p);
          if (at !== undefined) return position(at);
          if (p === '') return undefined;
          const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
          p = cut < 0 ? '' : p.slice(0, cut);
        }
      },
    });
  } catch (e) {
    if (!(e instanceof SyntaxFault)) throw e;
    return left({ ...position(e.offset), reason: e.message });
  }
};
