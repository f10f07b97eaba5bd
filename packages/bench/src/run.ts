/*
 * `pnpm bench`: the stores (store-sqlite's sections), then the projection rebuild and the
 * audit trail (this package), each beside raw better-sqlite3 doing the same I/O in the same
 * run; then PostgreSQL (postgres-section.ts), each row beside raw pg; then signed reports beside
 * unsigned ones (signed-reports.ts; BENCH_ONLY=signed runs it alone; BENCH_ONLY=proofs the proofs,
 * BENCH_ONLY=appends the SQLite appends, BENCH_ONLY=postgres-appends PostgreSQL's,
 * BENCH_ONLY=projection the SQLite projection rows). BENCH_SCALE=small runs in about a minute; the default, full, builds 1M-event logs.
 */
import { formatTable, runBench, sections, type BenchRow, type Scale } from '@minsheng/store-sqlite/internal';
import Database from 'better-sqlite3';
import { cpus } from 'node:os';
import { postgresAppendsSection, postgresSection } from './postgres-section';
import { projectionSection, SIZES } from './projection-sections';
import { buildLedgerLog } from './ledger-log';
import { join } from 'node:path';
import { proofSection } from './proof-sections';
import { signedReportSection } from './signed-reports';

/** The projection section's ledger logs, built and not measured (for BENCH_ONLY=proofs). */
const ledgerLogsOnly = async (ctx: { dir: string; scale: Scale }): Promise<BenchRow[]> => {
  for (const size of SIZES[ctx.scale]) {
    process.stderr.write(`  building a ledger log of ${size} events…\n`);
    await (await buildLedgerLog(join(ctx.dir, `ledger-${size}.db`), size)).store.close();
  }
  return [];
};

const main = async () => {
  const postgres: BenchRow[] = [];
  // BENCH_ONLY=postgres: the PostgreSQL section alone (it builds the SQLite logs it copies).
  const signed: BenchRow[] = [];
  const signedRows = async (ctx: Parameters<typeof signedReportSection>[0]) => (signed.push(...(await signedReportSection(ctx))), []);
  if (process.env.BENCH_ONLY === 'postgres') sections.splice(0, sections.length, postgresSection(postgres));
  // BENCH_ONLY=postgres-appends: only its append rows (issue 19).
  else if (process.env.BENCH_ONLY === 'postgres-appends') sections.splice(0, sections.length, postgresAppendsSection(postgres));
  else if (process.env.BENCH_ONLY === 'signed') sections.splice(0, sections.length, signedRows);
  // BENCH_ONLY=appends: the SQLite append rows alone (the first of the store's sections).
  else if (process.env.BENCH_ONLY === 'appends') sections.splice(1, sections.length - 1);
  // BENCH_ONLY=proofs: the ledger logs built (not measured), then the proof and verifier rows alone.
  else if (process.env.BENCH_ONLY === 'proofs') sections.splice(0, sections.length, ledgerLogsOnly, proofSection);
  // BENCH_ONLY=projection: the rebuild, the audit trail and the district view on SQLite alone.
  else if (process.env.BENCH_ONLY === 'projection') sections.splice(0, sections.length, projectionSection);
  else sections.push(projectionSection, proofSection, postgresSection(postgres), signedRows);
  const asked = process.env.BENCH_SCALE ?? (process.argv.includes('--small') ? 'small' : 'full');
  if (asked !== 'smoke' && asked !== 'small' && asked !== 'full') throw new Error(`BENCH_SCALE must be smoke, small or full, not ${asked}`);
  const scale: Scale = asked;
  const sqlite = (new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  const rows = await runBench(scale);
  console.log(
    `minsheng bench — scale ${scale}, node ${process.version}${process.execArgv.length ? ` (${process.execArgv.join(" ")})` : ""}, SQLite ${sqlite}, ${process.platform}/${process.arch}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}\n`,
  );
  console.log(formatTable(rows));
  console.log('\nPostgreSQL\n');
  console.log(formatTable(postgres, 'raw pg'));
  console.log('\nSigned reports (SQLite)\n');
  console.log(formatTable(signed, 'unsigned', 'signed'));
};

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
