import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isWritable, openReadOnly } from './ledger-file';
import { isLanguage, type Language } from './messages';

/*
 * The language before anything is opened (issue 18: "the plan's locale is the default"). A
 * refusal made before the ledger opens (a bad option, a missing file) and --help are said in the
 * language the command's plan gives: the plan file it names (plan import, plan check), else the
 * plan of the SQLite ledger it names (--db, $MINSHENG_DB, ./ledger.db), else the system's locale
 * ($LC_ALL, $LC_MESSAGES, $LANG: zh_CN.UTF-8 is zh-CN), else English. Only a guess made early:
 * whatever fails here is ignored, so exit codes stay the command's own, and the ledger's plan is
 * adopted again once it is open (language.ts).
 */

/** Flags that take no value; any other --option without `=` takes the next word. */
const FLAGS: ReadonlySet<string> = new Set(['--json', '--no-project', '--help', '-h', '--simulated', '--version', '-V']);

/** The words of argv (process.argv form) that are not options nor their values. */
const positionals = (argv: readonly string[]): string[] => {
  const words: string[] = [];
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...words, ...argv.slice(i + 1)];
    if (!a.startsWith('-')) words.push(a);
    else if (!a.includes('=') && !FLAGS.has(a)) i++;
  }
  return words;
};

/** The value of --name (or --name=value) on the command line, the last one given. */
const optionValue = (argv: readonly string[], name: string): string | undefined => {
  let value: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === name && i + 1 < argv.length) value = argv[++i];
    else if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
  }
  return value;
};

/** The plan file `plan import FILE` or `plan check FILE` names: its `locale`, when it is readable JSON. */
const planFileLocale = (argv: readonly string[]): string | undefined => {
  const [command, sub, file] = positionals(argv);
  if (command !== 'plan' || (sub !== 'import' && sub !== 'check') || file === undefined) return undefined;
  // The plan file limit's order of size (core's PLAN_FILE_MAX_BYTES): a larger file is refused anyway.
  if (statSync(file).size > 16 * 1024 * 1024) return undefined;
  const plan: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return typeof plan === 'object' && plan !== null && typeof (plan as { locale?: unknown }).locale === 'string' ? (plan as { locale: string }).locale : undefined;
};

/** The SQLite ledger file the command names, as ledgerLocation (options.ts) decides; none for PostgreSQL. */
const ledgerFile = (argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined => {
  const db = optionValue(argv, '--db');
  if (db !== undefined) return db === '' ? undefined : db;
  if (optionValue(argv, '--database-url') !== undefined) return undefined;
  if (env.MINSHENG_DB) return env.MINSHENG_DB;
  return env.DATABASE_URL ? undefined : './ledger.db';
};

/** A read-only copy of a ledger is read into memory (ledger-file.ts); past this size the guess is not worth it. */
const READ_ONLY_COPY_MAX = 64 * 1024 * 1024;

/**
 * The locale of the plan in a SQLite ledger: the --plan's, or the one every plan of it shares.
 * The last PlanPublished of each plan stream, found by the stream index. A file this process may
 * write is opened as every command opens it, so closing it removes the -wal and -shm the query
 * needed (a read-only open would leave them); nothing is written and no lock outlives the query.
 */
const ledgerLocale = (argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined => {
  const given = ledgerFile(argv, env);
  if (given === undefined) return undefined;
  const file = resolve(given);
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  const writable = isWritable(file);
  if (!writable && !existsSync(`${file}-wal`) && statSync(file).size > READ_ONLY_COPY_MAX) return undefined;
  const db = writable ? new Database(file, { fileMustExist: true }) : openReadOnly(file);
  try {
    const rows = db
      .prepare(`SELECT stream, json_extract(data, '$.locale') AS locale FROM events WHERE stream >= 'plan-' AND stream < 'plan.' AND type = 'PlanPublished' ORDER BY position`)
      .all() as { stream: string; locale: string | null }[];
    const byPlan = new Map(rows.map((r) => [r.stream.slice('plan-'.length), r.locale ?? undefined]));
    const plan = optionValue(argv, '--plan');
    const locales = new Set(plan !== undefined ? [byPlan.get(plan)] : byPlan.values());
    return locales.size === 1 ? [...locales][0] : undefined;
  } finally {
    db.close();
  }
};

/** The system's locale (POSIX order: $LC_ALL, $LC_MESSAGES, $LANG) as a language the CLI speaks. */
export const systemLanguage = (env: NodeJS.ProcessEnv): Language | null => {
  const tag = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  if (/^zh(?:[_-](?:CN|SG|Hans)\b|$|[.@])/i.test(tag)) return 'zh-CN';
  return null;
};

const attempt = (f: () => string | undefined): Language | null => {
  try {
    const locale = f();
    return locale !== undefined && isLanguage(locale) ? locale : null;
  } catch {
    return null;
  }
};

/** The language to start in when neither --lang nor $MINSHENG_LANG chose one. */
export const defaultLanguage = (argv: readonly string[], env: NodeJS.ProcessEnv): Language =>
  attempt(() => planFileLocale(argv)) ?? attempt(() => ledgerLocale(argv, env)) ?? systemLanguage(env) ?? 'en';
