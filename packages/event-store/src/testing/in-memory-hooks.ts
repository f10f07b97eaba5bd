import { ledgerRegistry, type EventEnvelope, type EventRegistry } from '@minsheng/core';
import { ANY } from '../expected-revision';
import { createInMemoryEventStore, inMemoryInternals } from '../in-memory';
import type { EventStore } from '../port';
import { encodeEvent } from '../stored-row';
import { corruptedField, type Corruption, type ContractOptions } from './harness';

export interface InMemoryHarness {
  readonly store: EventStore;
}

/** Contract options for the in-memory store, with both hooks, reaching its rows directly. */
export const inMemoryHarness = (registry: EventRegistry = ledgerRegistry): ContractOptions<InMemoryHarness> => ({
  create: async (clock) => ({ store: createInMemoryEventStore({ registry, clock }) }),
  seedRaw: async ({ store }, stream: string, event: EventEnvelope) => {
    const r = inMemoryInternals(store).insert(stream, [encodeEvent(event)], ANY);
    if (r._tag === 'Left') throw new Error(r.left.message);
  },
  corrupt: async ({ store }, position: number, damage: Corruption) => {
    const { rows } = inMemoryInternals(store);
    const row = rows[position - 1];
    if (!row) throw new Error(`no stored event at position ${position}`);
    const { field, value } = corruptedField(damage);
    rows[position - 1] = { ...row, [field]: value };
  },
});
