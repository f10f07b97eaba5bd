/*
 * The language minsheng-verify speaks: --lang > $MINSHENG_LANG > the system's locale ($LC_ALL,
 * $LC_MESSAGES, $LANG: zh_CN.UTF-8 is zh-CN) > en, as the main CLI chooses (it also reads the
 * plan's locale; this verifier reads no plan). Its own small catalogue (messages.ts, reasons.ts):
 * the package depends on nothing of the ledger.
 */

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A text, or one per plural form of {count} (English has two; Chinese needs only `other`). */
export type Text = string | { readonly one?: string; readonly other: string };

/** Both languages of one message: a missing translation does not compile. */
export type Message = Readonly<Record<Language, Text>>;

export type Values = Readonly<Record<string, string | number>>;

export const isLanguage = (s: string): s is Language => (LANGUAGES as readonly string[]).includes(s);

/** The text of a message for the count it is given (or its only text). */
export const formOf = (lang: Language, text: Text, values: Values): string => {
  if (typeof text === 'string') return text;
  const count = values.count;
  if (typeof count !== 'number') throw new Error('a plural message needs a number for {count}');
  return new Intl.PluralRules(lang).select(count) === 'one' && text.one !== undefined ? text.one : text.other;
};

/** Fills each {name}; a missing value is a bug. */
export const fill = (text: string, values: Values): string =>
  text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`a message needs a value for {${name}}`);
    return String(v);
  });

export const format = (lang: Language, message: Message, values: Values = {}): string => fill(formOf(lang, message[lang], values), values);

/** The system's locale (POSIX order) as a language: zh, zh_CN, zh-Hans, zh_SG are zh-CN. */
const systemLanguage = (env: NodeJS.ProcessEnv): Language | null =>
  /^zh(?:[_-](?:CN|SG|Hans)\b|$|[.@])/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'zh-CN' : null;

export interface Chosen {
  /** argv without --lang. */
  readonly argv: string[];
  readonly lang: Language;
  /** A --lang or $MINSHENG_LANG this verifier does not speak: the option and its value. */
  readonly refused: { readonly option: string; readonly value: string } | null;
}

/** The language argv and the environment ask for; an unknown one is refused (said in the system's language). */
export const chooseLanguage = (argv: readonly string[], env: NodeJS.ProcessEnv): Chosen => {
  const rest: string[] = [];
  let flag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang' && i + 1 < argv.length) flag = argv[++i];
    else if (a.startsWith('--lang=')) flag = a.slice('--lang='.length);
    else rest.push(a);
  }
  const fallback = systemLanguage(env) ?? 'en';
  const asked = flag !== undefined ? { option: '--lang', value: flag } : env.MINSHENG_LANG ? { option: '$MINSHENG_LANG', value: env.MINSHENG_LANG } : null;
  if (asked === null) return { argv: rest, lang: fallback, refused: null };
  return isLanguage(asked.value) ? { argv: rest, lang: asked.value, refused: null } : { argv: rest, lang: fallback, refused: asked };
};
