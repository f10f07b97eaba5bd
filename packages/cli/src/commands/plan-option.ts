import type { Command } from 'commander';
import { nonEmpty } from '../parse';
import { t } from '../language';

/**
 * --plan: the plan a command acts on. Left out, the ledger's only plan; a ledger holding
 * several refuses and lists them (see `minsheng plan list`).
 */
export const planOption = (cmd: Command): Command =>
  cmd.option('--plan <id>', t('help.plan-option.plan'), nonEmpty);

/** The --plan given, as the planId of a ledger call (nothing when left out). */
export const planIdOf = (cmd: Command): { planId?: string } => {
  const id = cmd.opts<{ plan?: string }>().plan;
  return id === undefined ? {} : { planId: id };
};
