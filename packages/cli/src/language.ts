import { CATALOGUES, isLanguage, translator, type Language, type MessageKey, type Values } from './messages';

/*
 * The language of the words a person reads: --lang > $MINSHENG_LANG > the plan's locale > the
 * system's locale > en. Before anything is printed, the plan's locale is guessed from the plan
 * file or SQLite ledger the command names (default-language.ts); once the ledger is open, its
 * plan's locale is adopted, unless --lang or $MINSHENG_LANG chose.
 */
let current: Language = 'en';
let chosen = false;

/** What argv and the environment ask for: the language, or a one-line refusal. argv loses its --lang. */
export interface Requested {
  readonly argv: string[];
  readonly lang: Language | null;
  readonly refusal: string | null;
  /** --lang as given on the command line, for the commands (serve, export) that also take it themselves. */
  readonly flag: string | null;
}

export const requestedLanguage = (argv: readonly string[], env: NodeJS.ProcessEnv): Requested => {
  const rest: string[] = [];
  let flag: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--lang' && i + 1 < argv.length) flag = argv[++i]!;
    else if (a.startsWith('--lang=')) flag = a.slice('--lang='.length);
    else rest.push(a);
  }
  const refuse = (option: string, value: string) => ({ argv: rest, lang: null, flag, refusal: translator('en')('refusal.lang', { option, value }) });
  if (flag !== null) return isLanguage(flag) ? { argv: rest, lang: flag, flag, refusal: null } : refuse('--lang', flag);
  const fromEnv = env.MINSHENG_LANG;
  if (fromEnv !== undefined && fromEnv !== '')
    return isLanguage(fromEnv) ? { argv: rest, lang: fromEnv, flag, refusal: null } : refuse('$MINSHENG_LANG', fromEnv);
  return { argv: rest, lang: null, flag, refusal: null };
};

/** --lang or $MINSHENG_LANG chose: the plan's locale no longer counts. */
export const chooseLanguage = (lang: Language): void => {
  current = lang;
  chosen = true;
};

/** The language to start in when none was chosen: the guess made before anything is opened. */
export const startIn = (lang: Language): void => {
  if (!chosen) current = lang;
};

/** The plan's locale, unless a language was chosen. */
export const adoptLocale = (locale: string | undefined): void => {
  if (!chosen && locale !== undefined && isLanguage(locale)) current = locale;
};

export const language = (): Language => current;

/** A message in the current language. */
export const t = (key: MessageKey, values?: Values): string => translator(current)(key, values);

/** A status word in the current language; one the catalogue does not know (a newer ledger's) as it is. */
export const statusWord = (status: string): string => {
  const key = `status.${status}`;
  return key in CATALOGUES.en ? t(key as MessageKey) : status;
};
