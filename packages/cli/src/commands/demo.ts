import { parsePlanText, type Plan } from '@minsheng/core';
import type { DemoReport } from '../demo/script';
import { measureUnit } from '@minsheng/projections';
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/Either';
import { boardFile } from '@minsheng/dashboard';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { playYear, type MonthLog } from '../demo/play';
import { simulatedYear, type Timed } from '../demo/script';
import { signedEpilogue } from '../demo/signed';
import { failed, refusal, unwrap } from '../failure';
import { withLedger, type OpenLedger } from '../open-ledger';
import { auditText } from '../output/audit';
import { printLines } from '../output/print';
import { SEED_PLAN } from '../paths';
import { renderTable } from '../output/table';
import { viewHeading, viewTable } from '../output/views';
import { wholeNumber } from '../parse';
import { figureContext } from './shared';
import { adoptLocale, t } from '../language';

const YEAR_END = new Date('2025-01-01T00:00:00+08:00');
/** The figure whose audit trail the demo shows: its 巴彦县 part was corrected in November. */
const AUDITED = 't19-dangerous-bridges';

/** The year's last report of 道里区's gas pipes: the figure 市住建局 states again, signed. */
const lastGasReport = (year: readonly Timed[]): DemoReport => {
  const found = year.filter((x) => x.step.type === 'report' && x.step.input.metric === 't13-gas-pipe-renewal' && x.step.input.place === 'daoli');
  const step = found[found.length - 1]?.step;
  if (step?.type !== 'report') throw new Error('demo: the year has no report of 道里区 gas pipes');
  return step.input;
};

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
    if (existsSync(existing) && !force) throw refusal('usage.demoFileExists', { file: existing });
  for (const f of [file, `${file}-wal`, `${file}-shm`, boardFileOf(file)]) rmSync(f, { force: true });
  return file;
};

const journal = (months: readonly MonthLog[]): string[] => [
  ...renderTable(
    [
      { header: t('demo.col.month') },
      { header: t('demo.col.reports'), align: 'right' },
      { header: t('demo.col.late'), align: 'right' },
      { header: t('demo.col.corrected'), align: 'right' },
      { header: t('demo.col.retracted'), align: 'right' },
      { header: t('demo.col.refused'), align: 'right' },
      { header: t('demo.col.completed') },
      { header: t('demo.col.missed') },
    ],
    months.map((m) => [
      m.month,
      String(m.reports),
      String(m.late),
      String(m.corrections),
      String(m.retractions),
      String(m.refused.length),
      m.completed.map((t) => `#${t}`).join(' '),
      m.missed.length ? t('demo.missed', { count: m.missed.length, deadlines: [...new Set(m.missed.map((x) => x.deadline))].join(t('list.separator')) }) : '',
    ]),
  ),
  ...months.flatMap((m) => m.refused.map((r) => t('demo.refusedIn', { month: m.month, refusal: r }))),
];

const section = (title: string): string[] => ['', `== ${title} ==`, ''];

/** What the demo does after the year is shown (signed reports), given the year's figure context; its lines go before the dashboard. */
type Epilogue = (fc: Awaited<ReturnType<typeof figureContext>>) => Promise<string[]>;

const showYear = async (l: OpenLedger, months: readonly MonthLog[], plan: Plan, file: string, seed: number, epilogue: Epilogue): Promise<string[]> => {
  const board = boardFileOf(file);
  writeFileSync(board, (await boardFile(l.ledger, { knownAt: YEAR_END })).html);
  // As the ledger stands when the year is over: figures effective by then, as known then.
  const moment = { knownAt: YEAR_END };
  const fc = await figureContext(l, YEAR_END);
  const city = await unwrap(l.ledger.status({ ...moment, groupBy: 'task' }));
  const daoli = await unwrap(l.ledger.status({ ...moment, groupBy: 'district', place: '道里区' }));
  const units = await unwrap(l.ledger.status({ ...moment, groupBy: 'unit' }));
  const trail = await unwrap(l.ledger.audit({ ...moment, task: 19, metric: AUDITED }));
  const events = await unwrap(l.store.headPosition());
  const signed = await epilogue(fc);
  const sum = (f: (m: MonthLog) => number) => months.reduce((n, m) => n + f(m), 0);
  return [
    t('demo.title', { title: plan.title, document: plan.document, seed }),
    t('demo.ledger', { file }),
    t('demo.events', { events, reports: sum((m) => m.reports), late: sum((m) => m.late), corrections: sum((m) => m.corrections), retractions: sum((m) => m.retractions), completed: sum((m) => m.completed.length), missed: sum((m) => m.missed.length) }),
    ...section(t('demo.section.year')),
    ...journal(months),
    ...section(t('view.title.task')),
    ...viewHeading(city, fc),
    '',
    ...viewTable(city, fc),
    ...section(t('demo.section.district', { title: t('view.title.district'), place: '道里区' })),
    ...viewHeading(daoli, fc, '道里区'),
    '',
    ...viewTable(daoli, fc),
    ...section(t('view.title.unit')),
    ...viewHeading(units, fc),
    '',
    ...viewTable(units, fc),
    ...section(t('demo.section.audit')),
    ...auditText(trail, { timeZone: fc.frame.timeZone, ids: false, unit: measureUnit(fc.targets.get(AUDITED)!.target) }),
    '',
    t('demo.explore', { command: `minsheng status --db ${file} --group-by district --place 南岗区` }),
    ...section(t('demo.section.signed')),
    ...signed,
    ...section(t('demo.section.dashboard')),
    t('demo.board', { board }),
    t('demo.serve', { file }),
    t('demo.open'),
  ];
};

/** The static board the demo writes beside its ledger: ledger.db → ledger-board.html. */
export const boardFileOf = (ledgerFile: string): string => `${ledgerFile.replace(/\.db$/, '')}-board.html`;

export const registerDemo = (program: Command): void => {
  const cmd = program
    .command('demo')
    .description(t('help.cmd.demo'))
    .option('--db <file>', t('help.demo.db'))
    .option('--database-url <url>', t('help.demo.database-url'))
    .option('--force', t('help.demo.force'))
    .option('--seed <n>', t('help.demo.seed'), wholeNumber, 2024);
  cmd.action(async () => {
    const o = cmd.opts<{ db?: string; databaseUrl?: string; force?: boolean; seed: number }>();
    // $DATABASE_URL is not read here: it is often set for other tools, and the demo never writes to PostgreSQL.
    if (o.databaseUrl !== undefined) throw refusal('usage.demoNotPostgres');
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
        // The demo's ledger holds this one plan: it speaks its language, as any command on it would.
        adoptLocale(plan.locale);
        const year = simulatedYear(plan, o.seed);
        const months = await playYear(l.ledger, clock, year);
        clock.set(YEAR_END);
        return showYear(l, months, plan, file, o.seed, (fc) => signedEpilogue(l, clock, file, o.seed, fc, lastGasReport(year)));
      },
      { create: true, synchronous: 'normal' },
    );
    printLines(lines);
  });
};
