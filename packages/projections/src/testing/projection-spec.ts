import { CURRENT_VERSION, ledgerRegistry, newEventId, type LedgerEvent, type LedgerEventType, type Metadata } from '@minsheng/core';
import { ANY, createInMemoryEventStore, type EventStore } from '@minsheng/event-store';
import { deepStrictEqual } from 'node:assert';
import type { ProjectionDefinition } from '../definition';
import { createSqliteProjection, type SqliteProjection } from '../read-model/custom-sqlite';
import { runCatchUp, runRebuild } from '../runner';

/** An event as a spec gives it: a ledger event, the stream it is appended to, and what of its metadata matters. */
export type SpecEvent = LedgerEvent & { readonly stream: string; readonly metadata?: Partial<Metadata> };

export interface ThenStep {
  /**
   * Asserts the rows `query` returns, its tables named `{name}` (e.g. `SELECT * FROM {unit_months}`),
   * and that a rebuild from position 0 gives the same rows. Fails with node:assert's message,
   * which names the query and shows both row lists.
   */
  then(query: string, rows: readonly Record<string, unknown>[]): Promise<void>;
}

export interface WhenStep extends ThenStep {
  when(events: readonly SpecEvent[]): WhenStep;
}

const append = async (store: EventStore, events: readonly SpecEvent[]): Promise<void> => {
  for (const e of events) {
    const r = await store.append(
      e.stream,
      [
        {
          eventId: e.eventId ?? newEventId(),
          type: e.type,
          schemaVersion: CURRENT_VERSION[e.type],
          data: e.data,
          metadata: { actor: { unit: 'spec' }, recordedAt: '2024-01-01T00:00:00.000Z', correlationId: 'spec', ...e.metadata },
        },
      ],
      ANY,
    )();
    if (r._tag === 'Left') throw new Error(`given ${e.type} on ${e.stream}: ${r.left.message}`);
  }
};

/**
 * Given/when/then for a projection, through the runner on `:memory:` SQLite: given events
 * applied in one catch-up, when events in the next, then the rows a query returns. The events
 * are checked by the ledger's registry as any append is, so a spec cannot feed a handler an
 * event the ledger would refuse.
 */
export const projectionSpec = <T extends LedgerEventType>(def: ProjectionDefinition<T>) => ({
  given: (past: readonly SpecEvent[]): WhenStep => {
    const steps: (readonly SpecEvent[])[] = [past];
    const step: WhenStep = {
      when: (events) => {
        steps.push(events);
        return step;
      },
      then: async (query, rows) => {
        const store = createInMemoryEventStore({ registry: ledgerRegistry });
        const model: SqliteProjection = createSqliteProjection(def, { file: ':memory:' });
        try {
          for (const events of steps) {
            await append(store, events);
            await runCatchUp(store, model);
          }
          const sql = query.replace(/\{([a-z][a-z0-9_]*)\}/g, (_, name: string) => model.table(name));
          // Copied into plain arrays and objects of this realm: under jest the driver's are another's, and
          // deepStrictEqual compares prototypes.
          const read = () => Array.from(model.db.prepare(sql).all(), (r) => ({ ...(r as object) }));
          deepStrictEqual(read(), rows, `${def.name}: ${query}`);
          await runRebuild(store, model);
          deepStrictEqual(read(), rows, `${def.name}, rebuilt from position 0: ${query}`);
        } finally {
          model.close();
        }
      },
    };
    return step;
  },
});
