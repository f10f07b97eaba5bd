import { ledgerRegistry, systemClock, type Clock } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createLedger, type Ledger } from '@minsheng/ledger';
import { createPostgresReadModel, type PostgresReadModel } from '@minsheng/projections';
import { createPostgresEventStore } from '@minsheng/store-postgres';
import { Pool } from 'pg';

/** The ledger on one PostgreSQL database: event store (schema minsheng) and read model (schema minsheng_rm). */
export interface Opened {
  readonly store: EventStore;
  readonly readModel: PostgresReadModel;
  readonly ledger: Ledger;
  /** Closes the store, the read model and the pool they share. */
  close(): Promise<void>;
}

export const openLedger = async (databaseUrl: string, clock: Clock = systemClock): Promise<Opened> => {
  // One pool for both, owned here: the store and the read model leave a pool passed in open.
  const pool = new Pool({ connectionString: databaseUrl, max: 10, application_name: 'minsheng-http-service' });
  pool.on('error', () => undefined); // an idle connection the server drops must not crash the process
  try {
    const store = await createPostgresEventStore({ pool, registry: ledgerRegistry, clock });
    const readModel = await createPostgresReadModel({ pool });
    // projectInline: false — projection workers keep the read model up to date, not each request,
    // and run the completion policy with each batch they commit (startWorker's onApplied).
    const ledger = createLedger({ store, readModel, clock, projectInline: false });
    return {
      store,
      readModel,
      ledger,
      close: async () => {
        await store.close();
        await readModel.close();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
};
