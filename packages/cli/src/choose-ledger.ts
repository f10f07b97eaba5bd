/**
 * Where the ledger lives. Every command reads it through chooseLedger, so adding a store is one
 * more case in this union and in open-ledger.ts.
 */
export type LedgerLocation = { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };

export const DEFAULT_DB = './ledger.db';

/** Why no ledger can be chosen: both flags given, or a PostgreSQL URL that is not one (named by where it came from). */
export type LedgerChoiceRefused = { readonly refused: 'both' } | { readonly refused: 'not a postgres URL'; readonly option: '--database-url' | '$DATABASE_URL' };

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * The ledger a command names. --db and --database-url on the command line win over the
 * environment; of the two variables, $MINSHENG_DB (ours) wins over $DATABASE_URL (often set for
 * other tools); with none of them, ./ledger.db. Pure: options.ts calls it with what commander
 * parsed, default-language.ts with what it read from argv before commander runs.
 */
export const chooseLedger = (
  given: { readonly db?: string | undefined; readonly databaseUrl?: string | undefined },
  env: { readonly MINSHENG_DB?: string | undefined; readonly DATABASE_URL?: string | undefined },
): LedgerLocation | LedgerChoiceRefused => {
  if (given.db !== undefined && given.databaseUrl !== undefined) return { refused: 'both' };
  const db = given.db ?? env.MINSHENG_DB;
  const fromCli = given.databaseUrl !== undefined;
  const url = fromCli ? given.databaseUrl : env.DATABASE_URL;
  if (url !== undefined && url !== '' && (fromCli || db === undefined || db === '')) {
    if (!POSTGRES_URL.test(url)) return { refused: 'not a postgres URL', option: fromCli ? '--database-url' : '$DATABASE_URL' };
    return { kind: 'postgres', url };
  }
  return { kind: 'sqlite', file: db || DEFAULT_DB };
};
