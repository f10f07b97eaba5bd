import type { ReasonFields } from '@minsheng/core';
import { messagePattern } from '@minsheng/verify';
import { t } from './language';
import { CATALOGUES, type MessageKey } from './messages';

/*
 * A sentence another package wrote in English (a refusal, an aggregation rule), said again in
 * the reader's language. Each known sentence is matched by a shape whose named groups are its
 * values; the catalogue's English text of the shape's key gives back the sentence word for word
 * (the unit tests check), its Chinese text says the same. A sentence no shape knows is kept as
 * it was written: in English, but never lost.
 */

export interface Shape {
  readonly shape: RegExp;
  readonly key: MessageKey;
}

export const shapes = (list: readonly (readonly [RegExp, MessageKey])[]): readonly Shape[] => list.map(([shape, key]) => ({ shape, key }));

/** Groups that are words, not values: said in the reader's language too. */
const WORDS: Readonly<Record<string, string>> = { verb: 'refusal.verb.', mode: 'refusal.mode.', asked: 'refusal.mode.', change: 'refusal.change.', type: 'event.' };
/** Groups that are lists, written with the reader's separator (、 in Chinese). */
const LISTS: ReadonlySet<string> = new Set(['units', 'plans', 'places', 'deadlines', 'choices']);

/** A word of the catalogue; one it does not know (a newer ledger's event type) as it is. */
const word = (prefix: string, v: string): string => (`${prefix}${v}` in CATALOGUES.en ? t(`${prefix}${v}` as MessageKey) : v);

const valueOf = (name: string, v: string): string | number =>
  name === 'forCommand' ? (v === '' ? '' : t('commander.forCommand', { command: v.slice(" for '".length, -1) }))
  : name === 'count' ? Number(v) : name in WORDS ? word(WORDS[name]!, v) : LISTS.has(name) ? v.split(', ').join(t('list.separator')) : v;

/** The sentence from the catalogue, or null when no shape knows it. */
export const say = (list: readonly Shape[], sentence: string): string | null => sayWith(list, sentence, valueOf);

const sayWith = (list: readonly Shape[], sentence: string, value: (name: string, v: string) => string | number): string | null => {
  for (const { shape, key } of list) {
    const m = shape.exec(sentence);
    if (m) return t(key, Object.fromEntries(Object.entries(m.groups ?? {}).map(([name, v]) => [name, value(name, v)])));
  }
  return null;
};

/** As say, and a value that is itself a sentence of the list (a reason within a reason, a word) is said again too. */
export const sayNested = (list: readonly Shape[], sentence: string): string | null =>
  sayWith(list, sentence, (name, v) => {
    const said = valueOf(name, v);
    return typeof said === 'string' ? (sayNested(list, said) ?? said) : said;
  });

/**
 * Shapes made from the catalogue's English texts of `keys`: each {name} a group of any text (the
 * shortest), a name seen twice the same text again. The English text then gives the sentence back
 * word for word by construction; list a longer text before a shorter one it would otherwise match.
 */
export const textShapes = (keys: readonly MessageKey[]): readonly Shape[] =>
  keys.map((key) => {
    const english = CATALOGUES.en[key];
    return { shape: messagePattern(typeof english === 'string' ? english : english.other), key };
  });

/** A coded error's message: its fields as values, its words and lists in the reader's language (a list empty: "none"). */
export const sayFields = (key: MessageKey, fields: ReasonFields): string =>
  t(key, Object.fromEntries(Object.entries(fields).map(([name, v]) => [
    name,
    typeof v === 'number' ? v : typeof v === 'string' ? valueOf(name, v) : v.length ? v.join(t('list.separator')) : t('list.none'),
  ])));
