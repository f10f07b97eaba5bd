import type { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import { unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { progressOn } from '../output/progress';
import { ledgerCommand, runOf } from './shared';

export const registerRebuild = (program: Command): void => {
  const cmd = ledgerCommand(program, 'rebuild', 'drop the read model and replay the whole log into it from position 0');
  cmd.action(async () => {
    const run = runOf(cmd);
    const progress = progressOn('rebuild');
    const started = performance.now();
    const r = await run.ledger((l) => unwrap(l.ledger.rebuild((done, total) => progress.update(done, total)))).finally(() => progress.finish());
    const seconds = (performance.now() - started) / 1000;
    const eventsPerSecond = seconds > 0 ? Math.round(r.applied / seconds) : r.applied;
    if (run.json) return printJson({ ...r, seconds: Number(seconds.toFixed(3)), eventsPerSecond });
    printLines([`rebuilt the read model from ${r.applied} events in ${seconds.toFixed(2)} s (${eventsPerSecond} events/s)`]);
  });
};
