/*
 * `pnpm bench`: the store beside raw better-sqlite3 doing the same I/O, in one run.
 * BENCH_SCALE=small (or --small) runs in seconds; the default, full, builds a 1M-event log.
 * To add a row (e.g. folding the log into the built-in views, or one figure's audit
 * trail), write a BenchSection (see table.ts) and add it to `sections`: it runs after
 * the read section, with ctx.logFile holding the largest log built.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { appendSection } from './appends';
import { readSection } from './reads';
import { fmt, formatTable, noteRow, peakRssMb, type BenchContext, type BenchRow, type BenchSection, type Scale } from './table';

export const sections: BenchSection[] = [appendSection, readSection];

const scaleOf = (): Scale => {
  const asked = process.env.BENCH_SCALE ?? (process.argv.includes('--small') ? 'small' : 'full');
  if (asked !== 'smoke' && asked !== 'small' && asked !== 'full') throw new Error(`BENCH_SCALE must be smoke, small or full, not ${asked}`);
  return asked;
};

export const runBench = async (scale: Scale = scaleOf()): Promise<BenchRow[]> => {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'minsheng-bench-'));
  const ctx: BenchContext = { scale, dir };
  const rows: BenchRow[] = [];
  try {
    for (const [i, section] of sections.entries()) {
      process.stderr.write(`section ${i + 1}/${sections.length}…\n`);
      rows.push(...(await section(ctx)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push(noteRow('peak RSS of the whole run', `${fmt(peakRssMb())} MB`));
  return rows;
};

if (require.main === module) {
  const scale = scaleOf();
  const sqlite = (new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  runBench(scale).then(
    (rows) => {
      console.log(`minsheng store-sqlite bench — scale ${scale}, node ${process.version}, SQLite ${sqlite}, ${process.platform}/${process.arch}\n`);
      console.log(formatTable(rows));
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
