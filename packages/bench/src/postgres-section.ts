import { startTestPostgres } from '@minsheng/store-postgres/testing';
import { fmt, noteRow, type BenchRow, type BenchSection } from '@minsheng/store-sqlite/internal';
import { Pool } from 'pg';
import { postgresAppends } from './postgres-appends';
import { copyLedgerLog, openLedgerStore } from './postgres-log';
import { queryRows, rebuildRow, workerRows } from './postgres-projection';
import { proofRow, proofRows, proofSamples } from './proof-sections';
import { evidenceReadRows, logReadRows, readLog, streamReadRow, type LogReads } from './postgres-reads';

/** The log sizes, as the SQLite sections build them (the larger one is read, rebuilt and queried). */
const SIZES = { smoke: [2_000, 10_000], small: [20_000, 100_000], full: [100_000, 1_000_000] } as const;

/** The append rows alone (BENCH_ONLY=postgres-appends), on a throwaway embedded server with fsync on. */
export const postgresAppendsSection =
  (into: BenchRow[]): BenchSection =>
  async (ctx) => {
    const pg = await startTestPostgres({ durable: true });
    try {
      into.push(noteRow(`PostgreSQL ${pg.external ? 'from $DATABASE_URL' : 'embedded'}, fsync on`, ''));
      into.push(...(await postgresAppends(await pg.createDatabase('bench_appends'), ctx.scale)));
    } finally {
      await pg.stop();
    }
    return [];
  };

/**
 * PostgreSQL beside raw pg, on a throwaway embedded server with fsync on (or $DATABASE_URL):
 * appends, reading the log, one stream, the rebuild, three workers, the audit trail and views.
 * Its rows go to `into` (printed as a table of their own, raw pg beside them); it returns none.
 */
export const postgresSection =
  (into: BenchRow[]): BenchSection =>
  async (ctx) => {
    const pg = await startTestPostgres({ durable: true });
    try {
      const version = await (async () => {
        const pool = new Pool({ connectionString: pg.url(), max: 1 });
        try {
          return (await pool.query('SHOW server_version')).rows[0].server_version as string;
        } finally {
          await pool.end();
        }
      })();
      into.push(noteRow(`PostgreSQL ${version}, ${pg.external ? 'from $DATABASE_URL' : 'embedded'}, fsync on`, ''));
      process.stderr.write('  PostgreSQL appends…\n');
      into.push(...(await postgresAppends(await pg.createDatabase('bench_appends'), ctx.scale)));
      const sizes = SIZES[ctx.scale];
      let smaller: { size: number; reads: LogReads } | undefined;
      for (const size of sizes) {
        const url = await pg.createDatabase(`bench_log_${size}`);
        process.stderr.write(`  copying a ledger log of ${fmt(size)} events into PostgreSQL…\n`);
        const events = await copyLedgerLog(url, ctx.dir, size);
        const store = await openLedgerStore(url);
        const pool = new Pool({ connectionString: url, max: 2 });
        try {
          const reads = await readLog(store, pool);
          into.push(...logReadRows(events, reads, smaller));
          smaller = { size: events, reads };
          process.stderr.write(`  rebuilding the PostgreSQL ledger index at ${fmt(events)}…\n`);
          const { row, model } = await rebuildRow(store, pool, url, events);
          into.push(row);
          try {
            if (size === sizes[0]) {
              process.stderr.write('  three workers…\n');
              into.push(...(await workerRows(store, url, ctx.scale === 'full' ? 1000 : ctx.scale === 'small' ? 200 : 50)));
            } else {
              const samples = ctx.scale === 'full' ? 1000 : ctx.scale === 'small' ? 200 : 50;
              into.push(await streamReadRow(store, pool, events, samples));
              into.push(...(await queryRows(store, model, pool, events, samples)));
              into.push(...(await evidenceReadRows(store, pool, events, samples)));
              // Proofs from the nodes the event rows keep (schema 5): a few rows by primary key.
              const proofs = await proofRows(store, proofSamples(ctx.scale));
              into.push(proofRow(`inclusion proof at ${fmt(proofs.size)} events (PostgreSQL, stored nodes)`, proofs.inclusion));
              into.push(proofRow(`consistency proof to ${fmt(proofs.size)} events (PostgreSQL)`, proofs.consistency));
              const bytes = Number((await pool.query(`SELECT pg_total_relation_size('minsheng.events') AS b`)).rows[0].b);
              into.push(noteRow(`  event table with its indexes, per million events`, `${fmt(((bytes / events) * 1e6) / 2 ** 20)} MB`));
            }
          } finally {
            await model.close();
          }
        } finally {
          await store.close();
          await pool.end();
        }
      }
    } finally {
      await pg.stop();
    }
    return [];
  };
