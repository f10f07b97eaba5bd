import { createHash } from 'node:crypto';

/** Where a ledger lives when no schema is given: its own schema, apart from the application's tables. */
export const DEFAULT_SCHEMA = 'minsheng';

/*
 * Schema names are spliced into SQL text (identifiers cannot be bound parameters), so only
 * plain lower-case identifiers are accepted: they need no quoting rules beyond the quotes.
 */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The ledger's tables in one schema, quoted, and the advisory lock keys that belong to it. */
export interface LedgerNames {
  readonly schema: string;
  readonly quotedSchema: string;
  readonly events: string;
  readonly streams: string;
  readonly migrations: string;
  /** The sizes the Merkle tree reached, one row an append (schema 5): a log cut at its head refuses appends. */
  readonly merkleSizes: string;
  /** Taken by every append, for the whole transaction: one writer at a time assigns positions. */
  readonly appendLock: string;
  /** Taken by a migration, so two processes opening a fresh database do not both create tables. */
  readonly migrateLock: string;
  /**
   * Begins the names of this ledger's prepared statements. The server cuts names at 63 bytes,
   * so a long schema name cannot go in whole: a digest of it does.
   */
  readonly statementPrefix: string;
}

/** A 64-bit advisory lock key, as a signed decimal literal, that only this ledger schema uses for `purpose`. */
const digest = (purpose: string, schema: string): string => createHash('sha256').update(`minsheng-ledger:${purpose}:${schema}`).digest('hex');

const lockKey = (purpose: string, schema: string): string => BigInt.asIntN(64, BigInt(`0x${digest(purpose, schema).slice(0, 16)}`)).toString();

export const ledgerNames = (schema: string = DEFAULT_SCHEMA): LedgerNames => {
  if (typeof schema !== 'string' || !PLAIN_IDENTIFIER.test(schema))
    throw new TypeError(`schema ${JSON.stringify(schema)} must be a lower-case SQL identifier (letters, digits, _; at most 63)`);
  const q = `"${schema}"`;
  return {
    schema,
    quotedSchema: q,
    events: `${q}.events`,
    streams: `${q}.streams`,
    migrations: `${q}.minsheng_migrations`,
    merkleSizes: `${q}.merkle_sizes`,
    appendLock: lockKey('append', schema),
    migrateLock: lockKey('migrate', schema),
    statementPrefix: `minsheng_${digest('statements', schema).slice(0, 16)}_`,
  };
};
