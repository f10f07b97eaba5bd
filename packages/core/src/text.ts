import { left, right, type Either } from 'fp-ts/Either';
import { invalidInput, type LedgerError } from './errors';

/**
 * Text people give the ledger (names, a person, a document number, a note, a reason) is
 * shown later to auditors in a terminal. Control characters in it could recolour, hide or
 * overwrite what they read (ESC sequences), or split one line into two (CR, LF), so text
 * fields refuse them at input and every human-readable output escapes them.
 *
 * "Control character" here: C0 (U+0000–U+001F, tab and line breaks included: every text
 * field is one line), DEL and C1 (U+007F–U+009F), the line and paragraph separators
 * (U+2028, U+2029) and the bidirectional overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069), which reorder what a reader sees.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');

/** Most characters a text field may hold: one line (names, a person, a document number)… */
export const LINE_MAX = 200;
/** …or a paragraph (a task's or a deadline's description, a source note, a reason). */
export const PARAGRAPH_MAX = 4000;

const SHORT: Readonly<Record<string, string>> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

const escapeOne = (c: string): string => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Control characters written as JSON writes them: ESC as \u001b, LF as \n. Other text is left as it is. */
export const escapeControls = (text: string): string => text.replace(CONTROLS, escapeOne);

const codePoints = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/** A value in a message: in double quotes, control characters escaped, cut after `max` characters. */
export const quote = (value: string, max = 60): string => {
  const chars = [...value];
  return `"${escapeControls(chars.length > max ? `${chars.slice(0, max).join('')}…` : value)}"`;
};

/** Why `value` is no good as a text field of at most `max` characters, or null if it is. */
export const textProblem = (value: string, max: number): string | null => {
  const m = CONTROL.exec(value);
  if (m) {
    const at = codePoints(value.slice(0, m.index)) + 1;
    const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return `${quote(value)} holds the control character ${code} at character ${at}; text must be printable and on one line`;
  }
  const n = codePoints(value);
  if (n > max) return `${quote(value, 20)} is ${n} characters long; at most ${max} are allowed`;
  return null;
};

/** A text field of a command: not empty, no control characters, at most `max` characters. */
export const checkText = (field: string, value: string, max: number = LINE_MAX): Either<LedgerError, string> => {
  if (!value.trim()) return left(invalidInput(field, `${quote(value)} is empty`));
  const problem = textProblem(value, max);
  return problem ? left(invalidInput(field, problem)) : right(value);
};

/** The free text a command carries besides its figure: who acted and on what evidence. */
export interface ActorText {
  readonly person?: string;
  readonly source?: { readonly document?: string; readonly note?: string };
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** Checks every text field of an actor: the first bad one is refused, naming the field. */
export const checkActorText = (a: ActorText): Either<LedgerError, ActorText> => {
  const fields: ReadonlyArray<readonly [string, string | undefined, number]> = [
    ['person', a.person, LINE_MAX],
    ['document', a.source?.document, LINE_MAX],
    ['note', a.source?.note, PARAGRAPH_MAX],
    ['correlationId', a.correlationId, LINE_MAX],
    ['causationId', a.causationId, LINE_MAX],
  ];
  for (const [field, value, max] of fields) {
    if (value === undefined) continue;
    const checked = checkText(field, value, max);
    if (checked._tag === 'Left') return checked;
  }
  return right(a);
};
