import { LINE_MAX, PARAGRAPH_MAX, parsePlanText, PLAN_FILE_MAX_BYTES, quote, textProblem, type Plan } from '@minsheng/core';
import { nonEmpty } from '../parse';
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/Either';
import { readBounded, sizeText } from '../bounded-read';
import { refusal, unwrap, usage } from '../failure';
import { fieldRefusal } from '../refusals';
import { printJson, printLines } from '../output/print';
import { checkWriteClock, ledgerCommand, runOf } from './shared';
import { planProblemReason } from '../plan-problems';
import { t } from '../language';

/** Reads a plan file's text; a file over PLAN_FILE_MAX_BYTES is refused without being read further. */
export const readPlanText = (file: string, tooLarge: 'usage.planTooLarge.import' | 'usage.planTooLarge.check' = 'usage.planTooLarge.import'): string => {
  const chunks: Buffer[] = [];
  let read: 'read' | 'too large';
  try {
    read = readBounded(file, PLAN_FILE_MAX_BYTES, (c) => chunks.push(Buffer.from(c)));
  } catch (e) {
    throw refusal('usage.planUnreadable', { file, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
  if (read === 'too large')
    throw refusal(tooLarge, { file: quote(file), size: sizeText(PLAN_FILE_MAX_BYTES) });
  return Buffer.concat(chunks).toString('utf8');
};

/** Reads and validates a plan file; every problem is listed, and nothing is opened or written. */
export const readPlanFile = (file: string): Plan => {
  const parsed = parsePlanText(readPlanText(file), file);
  if (isLeft(parsed)) {
    const problems = parsed.left.problems;
    throw refusal('usage.planProblemsNotImported', { file, count: problems.length }, problems.map((p) => `  ${p.path}: ${planProblemReason(p.reason)}`));
  }
  return parsed.right;
};

export const registerPlanImport = (plan: Command): void => {
  const cmd = ledgerCommand(plan, 'import <file>', t('help.cmd.plan.import'))
    .option('--document <number>', t('help.plan-import.document'), nonEmpty)
    .option('--reason <text>', t('help.plan-import.reason'), nonEmpty);
  cmd.action(async (file: string) => {
    const o = cmd.opts<{ document?: string; reason?: string }>();
    for (const [option, value, max] of [['--document', o.document, LINE_MAX], ['--reason', o.reason, PARAGRAPH_MAX]] as const) {
      const problem = value === undefined ? null : textProblem(value, max);
      if (problem) throw usage(fieldRefusal(option, problem));
    }
    const run = runOf(cmd);
    const p = readPlanFile(file);
    const r = await run.ledger(async (l) => {
      await checkWriteClock(run, l.store, 'plan import');
      return unwrap(
        l.ledger.importPlan(p, { ...(o.document !== undefined ? { document: o.document } : {}), ...(o.reason !== undefined ? { reason: o.reason } : {}) }),
      );
    });
    if (run.json) return printJson(r);
    const metrics = p.tasks.reduce((n, t) => n + t.metrics.length, 0);
    const done = { plan: r.planId, document: p.document, tasks: p.tasks.length, metrics, count: r.written, by: o.document ?? p.document };
    printLines([
      r.written === 0
        ? t('planImport.same', { plan: r.planId })
        : o.reason !== undefined
          ? t('planImport.doneByReason', { ...done, reason: o.reason })
          : t(o.document !== undefined ? 'planImport.doneBy' : 'planImport.done', done),
    ]);
  });
};
