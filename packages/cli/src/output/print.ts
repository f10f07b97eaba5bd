import { escapeControls } from '@minsheng/core';

/*
 * Everything a command prints goes through here: stdout for results, stderr for progress
 * and failures. Text from the ledger (names, persons, notes, reasons, older events written
 * before input was checked) reaches a terminal only with its control characters escaped.
 */

/** Prints one line per element: a line break inside an element is text, and is escaped like any control character. */
export const printLines = (lines: readonly string[]): void => {
  if (lines.length) process.stdout.write(`${lines.map(escapeControls).join('\n')}\n`);
};

// JSON.stringify escapes C0 already; these it leaves as they are.
const NOT_C0 = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON of `value` (the same value when parsed) in which no control character is written raw. */
export const safeJson = (value: unknown, indent?: number): string =>
  JSON.stringify(value, null, indent).replace(NOT_C0, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export const printJson = (value: unknown): void => {
  process.stdout.write(`${safeJson(value, 2)}\n`);
};
