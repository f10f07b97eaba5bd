import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ledgerRegistry, type EventEnvelope } from '@minsheng/core';
import { ANY, type EventStore } from '@minsheng/event-store';
import { corruptedColumn, permissiveRegistry, type ContractOptions, type Corruption } from '@minsheng/event-store/testing';
import { TRIGGER_NO_UPDATE } from './schema';
import { createSqliteEventStore } from './store';

/** A store on a real file in a fresh temporary folder. */
export interface SqliteHarness {
  readonly store: EventStore;
  readonly dir: string;
  readonly file: string;
}

export const freshLedgerFile = (): { dir: string; file: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-sqlite-'));
  return { dir, file: join(dir, 'ledger.db') };
};

/**
 * Damages one stored event from a second connection, as an intruder would. The library
 * never updates an event and the events_no_update trigger refuses anyone who tries, so
 * this hook drops the trigger, changes the row and puts the trigger back, in one transaction.
 */
export const corruptStoredEvent = (file: string, position: number, damage: Corruption): void => {
  const { column, value } = corruptedColumn(damage);
  const db = new Database(file);
  try {
    db.transaction(() => {
      db.exec('DROP TRIGGER events_no_update');
      const { changes } = db.prepare(`UPDATE events SET ${column} = ? WHERE position = ?`).run(value, position);
      db.exec(TRIGGER_NO_UPDATE);
      if (changes !== 1) throw new Error(`no stored event at position ${position}`);
    }).immediate();
  } finally {
    db.close();
  }
};

/** Contract options for the SQLite store, with both hooks. */
export const sqliteContract = (): ContractOptions<SqliteHarness> => ({
  create: async (clock) => {
    const { dir, file } = freshLedgerFile();
    return { dir, file, store: createSqliteEventStore({ file, registry: ledgerRegistry, clock }) };
  },
  cleanup: async ({ dir }) => rmSync(dir, { recursive: true, force: true }),
  // A second store on the same file that accepts anything writes what an older release wrote.
  seedRaw: async ({ file }, stream: string, event: EventEnvelope) => {
    const old = createSqliteEventStore({ file, registry: permissiveRegistry });
    const r = await old.append(stream, [event], ANY)();
    await old.close();
    if (r._tag === 'Left') throw new Error(r.left.message);
  },
  corrupt: async ({ file }, position, damage) => corruptStoredEvent(file, position, damage),
});
