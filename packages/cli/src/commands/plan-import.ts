import { parsePlanText, type Plan } from '@minsheng/core';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { isLeft } from 'fp-ts/Either';
import { unwrap, usage } from '../failure';
import { printJson, printLines } from '../output/print';
import { checkWriteClock, ledgerCommand, runOf } from './shared';

/** Reads and validates a plan file; every problem is listed, and nothing is opened or written. */
export const readPlanFile = (file: string): Plan => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw usage(`cannot read the plan file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parsePlanText(text, file);
  if (isLeft(parsed)) {
    const n = parsed.left.problems.length;
    throw usage(
      `${file}: ${n} problem${n === 1 ? '' : 's'}; nothing was imported`,
      parsed.left.problems.map((p) => `  ${p.path}: ${p.reason}`),
    );
  }
  return parsed.right;
};

export const registerPlanImport = (plan: Command): void => {
  const cmd = ledgerCommand(plan, 'import <file>', 'validate a plan file (JSON, see seeds/) and record its frame and targets');
  cmd.action(async (file: string) => {
    const run = runOf(cmd);
    const p = readPlanFile(file);
    const r = await run.ledger(async (l) => {
      await checkWriteClock(run, l.store, 'plan import');
      return unwrap(l.ledger.importPlan(p));
    });
    if (run.json) return printJson(r);
    const metrics = p.tasks.reduce((n, t) => n + t.metrics.length, 0);
    printLines([
      r.written === 0
        ? `plan ${r.planId} is in the ledger already as given; nothing was added`
        : `imported plan ${r.planId} (${p.document}): ${p.tasks.length} tasks, ${metrics} metrics; ${r.written} events written`,
    ]);
  });
};
