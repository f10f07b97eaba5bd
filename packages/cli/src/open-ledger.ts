import { ledgerRegistry, type Clock } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createLedger, type Ledger } from '@minsheng/ledger';
import { createSqliteReadModel, type SqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { failed, usage } from './failure';
import type { LedgerLocation } from './options';

export interface OpenLedger {
  readonly ledger: Ledger;
  readonly store: EventStore;
  readonly readModel: SqliteReadModel;
  /** Where it is, as people read it: the absolute file path. */
  readonly where: string;
  /** False when this call created it. */
  readonly existed: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Create the ledger if it does not exist (init, demo); otherwise a missing ledger is refused. */
  readonly create?: boolean;
  /** The SQLite synchronous level; the demo's throwaway ledger does not need FULL. */
  readonly synchronous?: 'full' | 'normal';
}

/**
 * Opens the ledger: the event store and its read model (tables prefixed rm_) in the same
 * SQLite file, with the read model brought up to date inline after every command.
 */
export const openLedger = (location: LedgerLocation, clock: Clock, options: OpenOptions = {}): OpenLedger => {
  if (location.kind === 'postgres') throw usage('PostgreSQL support is not available in this build');
  const file = resolve(location.file);
  const existed = existsSync(file);
  if (!existed && !options.create) throw usage(`no ledger at ${file}; create one with \`minsheng init\``);
  let store: EventStore | undefined;
  try {
    store = createSqliteEventStore({ file, registry: ledgerRegistry, clock, synchronous: options.synchronous ?? 'full' });
    const s = store;
    const readModel = createSqliteReadModel({ file });
    return {
      ledger: createLedger({ store: s, readModel, clock, projectInline: true }),
      store: s,
      readModel,
      where: file,
      existed,
      close: async () => {
        readModel.close();
        await s.close();
      },
    };
  } catch (e) {
    void store?.close();
    throw failed(`cannot open the ledger at ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
};

/** Opens the ledger, runs `f`, and closes it whatever happens. */
export const withLedger = async <A>(
  location: LedgerLocation,
  clock: Clock,
  f: (l: OpenLedger) => Promise<A>,
  options: OpenOptions = {},
): Promise<A> => {
  const l = openLedger(location, clock, options);
  try {
    return await f(l);
  } finally {
    await l.close();
  }
};
