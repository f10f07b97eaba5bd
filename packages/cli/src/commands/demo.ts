import { parsePlanText, type Plan } from '@minsheng/core';
import { measureUnit } from '@minsheng/projections';
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/Either';
import { boardFile } from '@minsheng/dashboard';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { playYear, type MonthLog } from '../demo/play';
import { simulatedYear } from '../demo/script';
import { failed, unwrap, usage } from '../failure';
import { withLedger, type OpenLedger } from '../open-ledger';
import { auditText } from '../output/audit';
import { printLines } from '../output/print';
import { SEED_PLAN } from '../paths';
import { renderTable } from '../output/table';
import { viewHeading, viewTable } from '../output/views';
import { wholeNumber } from '../parse';
import { figureContext } from './shared';

const YEAR_END = new Date('2025-01-01T00:00:00+08:00');
/** The figure whose audit trail the demo shows: its 巴彦县 part was corrected in November. */
const AUDITED = 't19-dangerous-bridges';

const loadSeed = (): Plan => {
  const parsed = parsePlanText(readFileSync(SEED_PLAN, 'utf8'), SEED_PLAN);
  if (isLeft(parsed)) throw failed(parsed.left.message.split('\n')[0]!);
  return parsed.right;
};

/** A fresh file: a new one under the OS temp folder, or --db, replaced only with --force. */
const freshFile = (db: string | undefined, force: boolean): string => {
  if (db === undefined) return join(mkdtempSync(join(tmpdir(), 'minsheng-demo-')), 'ledger.db');
  const file = resolve(db);
  for (const existing of [file, boardFileOf(file)])
    if (existsSync(existing) && !force) throw usage(`${existing} exists; the demo writes a fresh ledger: pass --force to replace it, or name another file`);
  for (const f of [file, `${file}-wal`, `${file}-shm`, boardFileOf(file)]) rmSync(f, { force: true });
  return file;
};

const journal = (months: readonly MonthLog[]): string[] => [
  ...renderTable(
    [
      { header: 'Month' },
      { header: 'Reports', align: 'right' },
      { header: 'Late', align: 'right' },
      { header: 'Corrected', align: 'right' },
      { header: 'Retracted', align: 'right' },
      { header: 'Refused', align: 'right' },
      { header: 'Tasks completed' },
      { header: 'Deadlines missed' },
    ],
    months.map((m) => [
      m.month,
      String(m.reports),
      String(m.late),
      String(m.corrections),
      String(m.retractions),
      String(m.refused.length),
      m.completed.map((t) => `#${t}`).join(' '),
      m.missed.length ? `${m.missed.length} (${[...new Set(m.missed.map((x) => x.deadline))].join(', ')})` : '',
    ]),
  ),
  ...months.flatMap((m) => m.refused.map((r) => `refused in ${m.month}: ${r}`)),
];

const section = (title: string): string[] => ['', `== ${title} ==`, ''];

const showYear = async (l: OpenLedger, months: readonly MonthLog[], plan: Plan, file: string, seed: number): Promise<string[]> => {
  const board = boardFileOf(file);
  writeFileSync(board, (await boardFile(l.ledger, { knownAt: YEAR_END })).html);
  // As the ledger stands when the year is over: figures effective by then, as known then.
  const moment = { knownAt: YEAR_END };
  const fc = await figureContext(l, YEAR_END);
  const city = await unwrap(l.ledger.status({ ...moment, by: 'task' }));
  const daoli = await unwrap(l.ledger.status({ ...moment, by: 'district', place: '道里区' }));
  const units = await unwrap(l.ledger.status({ ...moment, by: 'unit' }));
  const trail = await unwrap(l.ledger.audit({ ...moment, task: 19, metric: AUDITED }));
  const events = await unwrap(l.store.headPosition());
  const sum = (f: (m: MonthLog) => number) => months.reduce((n, m) => n + f(m), 0);
  return [
    `Minsheng Ledger demo: a simulated year of ${plan.title} (${plan.document}), seed ${seed}`,
    `Ledger: ${file}`,
    `Events: ${events} (${sum((m) => m.reports)} reports, ${sum((m) => m.late)} of them weeks late; ${sum((m) => m.corrections)} corrections; ${sum((m) => m.retractions)} retraction; ${sum((m) => m.completed.length)} tasks completed; ${sum((m) => m.missed.length)} deadlines missed)`,
    ...section('The year as recorded, month by month'),
    ...journal(months),
    ...section('City view'),
    ...viewHeading(city, fc),
    '',
    ...viewTable(city, fc),
    ...section('District view: 道里区'),
    ...viewHeading(daoli, fc, '道里区'),
    '',
    ...viewTable(daoli, fc),
    ...section('Responsible-unit view'),
    ...viewHeading(units, fc),
    '',
    ...viewTable(units, fc),
    ...section('Audit trail of a corrected figure'),
    ...auditText(trail, { timeZone: fc.frame.timeZone, ids: false, unit: measureUnit(fc.targets.get(AUDITED)!.target) }),
    '',
    `Explore it: minsheng status --db ${file} --by district --place 南岗区`,
    ...section('Dashboard (中文; --lang en for English)'),
    `The city board at year end, one file to open or e-mail: ${board}`,
    `Serve every board (全市总览, 区县矩阵, 责任单位, audit timelines): minsheng serve --db ${file}`,
    'then open http://127.0.0.1:8080/ (or http://127.0.0.1:8080/?asOf=2024-10-31&knownAt=2024-10-31: the board as it stood on 31 Oct)',
  ];
};

/** The static board the demo writes beside its ledger: ledger.db → ledger-board.html. */
export const boardFileOf = (ledgerFile: string): string => `${ledgerFile.replace(/\.db$/, '')}-board.html`;

export const registerDemo = (program: Command): void => {
  const cmd = program
    .command('demo')
    .description('record a simulated year of the Harbin 2024 plan in a fresh SQLite ledger and show its views and an audit trail (SQLite only)')
    .option('--db <file>', 'the ledger file to create (default: a new file under the OS temp folder)')
    .option('--database-url <url>', 'not taken: the demo always writes a fresh SQLite file (load a PostgreSQL ledger with `plan import` and `report`)')
    .option('--force', 'replace the --db file if it exists')
    .option('--seed <n>', 'seed of the simulated year', wholeNumber, 2024);
  cmd.action(async () => {
    const o = cmd.opts<{ db?: string; databaseUrl?: string; force?: boolean; seed: number }>();
    // $DATABASE_URL is not read here: it is often set for other tools, and the demo never writes to PostgreSQL.
    if (o.databaseUrl !== undefined) throw usage('the demo writes a fresh SQLite file, not a PostgreSQL ledger: give --db <file> or nothing');
    const plan = loadSeed();
    const file = freshFile(o.db, o.force === true);
    let now = new Date('2024-01-02T09:00:00+08:00');
    const clock = { now: () => new Date(now.getTime()), set: (at: Date) => (now = at) };
    const lines = await withLedger(
      { kind: 'sqlite', file },
      clock,
      async (l) => {
        await unwrap(l.ledger.init('simulated'));
        await unwrap(l.ledger.importPlan(plan));
        const months = await playYear(l.ledger, clock, simulatedYear(plan, o.seed));
        clock.set(YEAR_END);
        return showYear(l, months, plan, file, o.seed);
      },
      { create: true, synchronous: 'normal' },
    );
    printLines(lines);
  });
};
