import { parsePlanText } from '@minsheng/core';
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/Either';
import { refusal } from '../failure';
import { jsonOption, wantsJson } from '../options';
import { printJson, printLines } from '../output/print';
import { readPlanText } from './plan-import';
import { t } from '../language';
import { problemLine } from '../plan-problems';

/**
 * `minsheng plan check FILE`: every problem of a plan file with its line and column (JSON syntax
 * errors too), and nothing opened or written. Exit 0 for a plan that would import, 2 otherwise.
 */
export const registerPlanCheck = (plan: Command): void => {
  const cmd = jsonOption(
    plan
      .command('check <file>')
      .description(t('help.cmd.plan.check')),
  );
  cmd.action((file: string) => {
    const parsed = parsePlanText(readPlanText(file, 'usage.planTooLarge.check'), file);
    if (isLeft(parsed)) {
      const problems = parsed.left.problems;
      if (wantsJson(cmd)) printJson({ file, valid: false, problems });
      else printLines(problems.map(problemLine));
      throw refusal('usage.planProblems', { file, count: problems.length });
    }
    const p = parsed.right;
    const metrics = p.tasks.reduce((n, t) => n + t.metrics.length, 0);
    const kinds = [...new Set(p.tasks.flatMap((t) => t.metrics.map((m) => m.target.kind)))];
    if (wantsJson(cmd)) return printJson({ file, valid: true, planId: p.id, tasks: p.tasks.length, metrics, places: p.places.length, kinds });
    printLines([
      t('planCheck.ok', { file, plan: p.id, tasks: p.tasks.length, metrics, kinds: kinds.map((k) => t(`planShow.targetKind.${k}`)).join(t('list.separator')), places: p.places.length, units: p.responsibleUnits.length }),
      t('planCheck.next', { file }),
    ]);
  });
};
