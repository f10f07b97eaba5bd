import { ledgerRegistry, type Clock, type LedgerMode } from '@minsheng/core';
import { createInMemoryEventStore, type EventStore } from '@minsheng/event-store';
import { createSqliteReadModel, type SqliteReadModel } from '@minsheng/projections';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, type Either } from 'fp-ts/Either';
import { createLedger, type Ledger } from '../ledger';

/** A test's ledger: an in-memory store, a SQLite read model in a fresh folder, and the ledger over both. */
export interface HarbinLedger {
  readonly dir: string;
  readonly store: EventStore;
  readonly model: SqliteReadModel;
  readonly ledger: Ledger;
  close(): Promise<void>;
}

/**
 * The Harbin 2024 plan imported into a new ledger on 5 Jan 2024, with `clock` then set to 1 Oct
 * 2024. Simulated by default, so the ledger records by the test's clock; a production ledger
 * records by the system clock whatever clock it is given; 'none' leaves the mode unrecorded (a
 * ledger from before modes: production).
 */
export const openHarbinLedger = async (
  clock: Clock & { set(at: string): void },
  plan: Parameters<Ledger['importPlan']>[0],
  { prefix = 'minsheng-ledger-', mode = 'simulated' }: { prefix?: string; mode?: LedgerMode | 'none' } = {},
): Promise<HarbinLedger> => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  clock.set('2024-01-05T02:00:00Z');
  const store = createInMemoryEventStore({ registry: ledgerRegistry, clock });
  const model = createSqliteReadModel({ file: join(dir, 'read.db') });
  const ledger = createLedger({ store, readModel: model, clock });
  const must = async (te: () => Promise<Either<{ message: string }, unknown>>): Promise<void> => {
    const e = await te();
    if (isLeft(e)) throw new Error(e.left.message);
  };
  if (mode !== 'none') await must(ledger.init(mode));
  await must(ledger.importPlan(plan));
  clock.set('2024-10-01T02:00:00Z');
  return {
    dir,
    store,
    model,
    ledger,
    close: async () => {
      model.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
