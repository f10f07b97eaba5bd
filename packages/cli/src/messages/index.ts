import type { Catalogue, Plural } from './catalogue';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type { MessageKey };

/** The languages the CLI speaks. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { 'zh-CN': zhCN, en: en satisfies Catalogue };

export const isLanguage = (s: string): s is Language => (LANGUAGES as readonly string[]).includes(s);

export type Values = Readonly<Record<string, string | number>>;

/** Formats one message: a plural is chosen by {count}; each {name} is replaced by its value, a missing one is a bug. */
export type Translate = (key: MessageKey, values?: Values) => string;

const textOf = (lang: Language, key: MessageKey, message: string | Plural, values: Values): string => {
  if (typeof message === 'string') return message;
  const count = values.count;
  if (typeof count !== 'number') throw new Error(`message ${key} needs a number for {count}`);
  return message[new Intl.PluralRules(lang).select(count)] ?? message.other;
};

export const translator = (lang: Language): Translate => (key, values = {}) =>
  textOf(lang, key, CATALOGUES[lang][key], values).replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`message ${key} needs a value for {${name}}`);
    return String(v);
  });
