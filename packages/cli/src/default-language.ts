import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isWritable, openReadOnly } from './ledger-file';
import { isLanguage, type Language } from './messages';
import { chooseLedger, type LedgerLocation } from './choose-ledger';
import { EVENT_STORE_SCHEMA } from './open-ledger';

/*
 * The language before anything is opened (issue 18: "the plan's locale is the default"). A
 * refusal made before the ledger opens (a bad option, a missing file) and --help are said in the
 * language the command's plan gives: the plan file it names (plan import, plan check), else the
 * plan of the ledger it names (chooseLedger: --db, --database-url, $MINSHENG_DB, $DATABASE_URL,
 * ./ledger.db; a PostgreSQL one within POSTGRES_GUESS_MS), else the system's locale
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

/** The ledger the command names, as options.ts decides (chooseLedger); none when that refuses. */
const ledgerNamed = (argv: readonly string[], env: NodeJS.ProcessEnv): LedgerLocation | undefined => {
  const chosen = chooseLedger({ db: optionValue(argv, '--db'), databaseUrl: optionValue(argv, '--database-url') }, env);
  return 'refused' in chosen ? undefined : chosen;
};

/** The plans' published locales in log order, last one wins; the --plan's, or the one every plan shares. */
const planLocale = (rows: readonly { stream: string; locale: string | null }[], plan: string | undefined): string | undefined => {
  const byPlan = new Map(rows.map((r) => [r.stream.slice('plan-'.length), r.locale ?? undefined]));
  const locales = new Set(plan !== undefined ? [byPlan.get(plan)] : byPlan.values());
  return locales.size === 1 ? [...locales][0] : undefined;
};

/** A read-only copy of a ledger is read into memory (ledger-file.ts); past this size the guess is not worth it. */
const READ_ONLY_COPY_MAX = 64 * 1024 * 1024;

/**
 * The plans' locales in a SQLite ledger: the last PlanPublished of each plan stream, found by the
 * stream index. A file this process may write is opened as every command opens it, so closing it
 * removes the -wal and -shm the query needed (a read-only open would leave them); nothing is
 * written and no lock outlives the query.
 */
const sqliteLocale = (given: string, plan: string | undefined): string | undefined => {
  const file = resolve(given);
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  const writable = isWritable(file);
  if (!writable && !existsSync(`${file}-wal`) && statSync(file).size > READ_ONLY_COPY_MAX) return undefined;
  const db = writable ? new Database(file, { fileMustExist: true }) : openReadOnly(file);
  try {
    const rows = db
      .prepare(`SELECT stream, json_extract(data, '$.locale') AS locale FROM events WHERE stream >= 'plan-' AND stream < 'plan.' AND type = 'PlanPublished' ORDER BY position`)
      .all() as { stream: string; locale: string | null }[];
    return planLocale(rows, plan);
  } finally {
    db.close();
  }
};

/**
 * How long the guess may wait for a PostgreSQL server, to connect and then to answer: a server
 * that is down or slow costs a command this much at most before the command meets it itself.
 */
export const POSTGRES_GUESS_MS = 1_000;

/** The same query on a PostgreSQL ledger: one connection, one statement, the stream index. */
const postgresLocale = async (url: string, plan: string | undefined): Promise<string | undefined> => {
  // Loaded here: pg adds ~70 ms to a start, and SQLite commands never need it.
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: POSTGRES_GUESS_MS, query_timeout: POSTGRES_GUESS_MS, application_name: 'minsheng' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ stream: string; locale: string | null }>(
      `SELECT stream, data::json->>'locale' AS locale FROM ${EVENT_STORE_SCHEMA}.events WHERE stream >= 'plan-' AND stream < 'plan.' AND type = 'PlanPublished' ORDER BY position`,
    );
    return planLocale(rows, plan);
  } finally {
    await client.end().catch(() => undefined);
  }
};

const ledgerLocale = async (argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string | undefined> => {
  const ledger = ledgerNamed(argv, env);
  const plan = optionValue(argv, '--plan');
  if (ledger === undefined) return undefined;
  return ledger.kind === 'sqlite' ? sqliteLocale(ledger.file, plan) : postgresLocale(ledger.url, plan);
};

/** The system's locale (POSIX order: $LC_ALL, $LC_MESSAGES, $LANG) as a language the CLI speaks. */
export const systemLanguage = (env: NodeJS.ProcessEnv): Language | null => {
  const tag = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  if (/^zh(?:[_-](?:CN|SG|Hans)\b|$|[.@])/i.test(tag)) return 'zh-CN';
  return null;
};

const attempt = async (f: () => string | undefined | Promise<string | undefined>): Promise<Language | null> => {
  try {
    const locale = await f();
    return locale !== undefined && isLanguage(locale) ? locale : null;
  } catch {
    return null;
  }
};

/** The language to start in when neither --lang nor $MINSHENG_LANG chose one. */
export const defaultLanguage = async (argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Language> =>
  (await attempt(() => planFileLocale(argv))) ?? (await attempt(() => ledgerLocale(argv, env))) ?? systemLanguage(env) ?? 'en';
