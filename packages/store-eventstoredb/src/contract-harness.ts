import { randomBytes } from 'node:crypto';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { ledgerRegistry, type EventEnvelope } from '@minsheng/core';
import { ANY, type EventStore } from '@minsheng/event-store';
import { permissiveRegistry, type ContractOptions } from '@minsheng/event-store/testing';
import { createEventStoreDbStore } from './store';

/** A store on a ledger of its own in a shared database. */
export interface EventStoreDbHarness {
  readonly store: EventStore;
  readonly client: EventStoreDBClient;
  readonly ledger: string;
}

/** A ledger name no earlier run has used: one database serves every test, each on an empty ledger. */
export const freshLedger = (prefix = 'contract'): string => `${prefix}_${Date.now().toString(36)}_${randomBytes(5).toString('hex')}`;

/**
 * Contract options for EventStoreDB, on a client the caller opens and disposes of.
 * seedRaw: a second store on the same ledger that accepts anything. No `corrupt` hook:
 * ESDB never changes a stored event, so the tests that damage one in place are skipped
 * (tampering on ESDB means deleting or truncating, which the int tests cover).
 * largeBatch: 1,000, under the server's default 1 MiB MaxAppendSize (5,000 test events are ~3.6 MB).
 */
export const eventStoreDbContract = (client: EventStoreDBClient): ContractOptions<EventStoreDbHarness> => ({
  create: async (clock) => {
    const ledger = freshLedger();
    return { client, ledger, store: createEventStoreDbStore({ client, ledger, registry: ledgerRegistry, clock }) };
  },
  seedRaw: async ({ client, ledger }, stream: string, event: EventEnvelope) => {
    const old = createEventStoreDbStore({ client, ledger, registry: permissiveRegistry });
    const r = await old.append(stream, [event], ANY)();
    await old.close();
    if (r._tag === 'Left') throw new Error(r.left.message);
  },
  largeBatch: 1000,
});
