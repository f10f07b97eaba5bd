import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type { MessageKey };

/** The languages the dashboard speaks; the first is the default. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATALOGUES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { 'zh-CN': zhCN, en };

export const isLanguage = (s: string): s is Language => (LANGUAGES as readonly string[]).includes(s);

/** Formats one message: each {name} is replaced by its value; a placeholder without one is a bug. */
export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

export const translator = (lang: Language): Translate => (key, values = {}) =>
  CATALOGUES[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`message ${key} needs a value for {${name}}`);
    return String(v);
  });

/** A status word in this language; a word the catalogue does not know yet (a newer ledger's) is shown as it is. */
export const statusWord = (lang: Language, status: string): string =>
  (CATALOGUES[lang] as Readonly<Record<string, string>>)[`status.${status}`] ?? status;
