import { ledgerRegistry, type EventEnvelope } from '@minsheng/core';
import { ANY, type EventStore } from '@minsheng/event-store';
import { corruptedColumn, permissiveRegistry, type ContractOptions, type Corruption } from '@minsheng/event-store/testing';
import { Client } from 'pg';
import { ledgerNames } from '../names';
import { createPostgresEventStore } from '../store';

/** A store in a schema of its own, so every contract test starts from an empty ledger. */
export interface PostgresHarness {
  readonly store: EventStore;
  readonly url: string;
  readonly schema: string;
}

/**
 * Damages one stored event behind the store's back, as an intruder with the owner's rights
 * would: the events_append_only trigger refuses every UPDATE, so this disables it, changes
 * the row and enables it again, in one transaction.
 */
export const corruptStoredEvent = async (url: string, schema: string, position: number, damage: Corruption): Promise<void> => {
  const { column, value } = corruptedColumn(damage);
  const n = ledgerNames(schema);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`ALTER TABLE ${n.events} DISABLE TRIGGER events_append_only`);
    const { rowCount } = await client.query(`UPDATE ${n.events} SET ${column} = $1 WHERE position = $2`, [value, position]);
    await client.query(`ALTER TABLE ${n.events} ENABLE TRIGGER events_append_only`);
    if (rowCount !== 1) throw new Error(`no stored event at position ${position}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    await client.end();
  }
};

/** Contract options for the PostgreSQL store on the database at `url()`, with both hooks. */
export const postgresContract = (url: () => string): ContractOptions<PostgresHarness> => {
  let count = 0;
  return {
    create: async (clock) => {
      const schema = `contract_${++count}_${process.pid}`;
      return { url: url(), schema, store: await createPostgresEventStore({ connectionString: url(), registry: ledgerRegistry, schema, poolSize: 4, clock }) };
    },
    // A second store on the same schema that accepts anything writes what an older release wrote.
    seedRaw: async ({ url, schema }, stream: string, event: EventEnvelope) => {
      const old = await createPostgresEventStore({ connectionString: url, registry: permissiveRegistry, schema, poolSize: 1 });
      const r = await old.append(stream, [event], ANY)();
      await old.close();
      if (r._tag === 'Left') throw new Error(r.left.message);
    },
    corrupt: async ({ url, schema }, position, damage) => corruptStoredEvent(url, schema, position, damage),
  };
};
