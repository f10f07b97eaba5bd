import type { Command } from 'commander';
import { failed, unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { progressOn } from '../output/progress';
import { ledgerCommand, runOf } from './shared';

export const registerVerify = (program: Command): void => {
  const cmd = ledgerCommand(program, 'verify', 'walk the hash chain of the whole log; name the first event whose hash or link fails', {
    project: false,
  });
  cmd.action(async () => {
    const run = runOf(cmd);
    const progress = progressOn('verify');
    const r = await run.ledger((l) => unwrap(l.ledger.verify((done, total) => progress.update(done, total))), { reads: true }).finally(() => progress.finish());
    if (run.json) printJson(r);
    if (!r.ok) throw failed(`event at position ${r.position}${r.eventId ? ` (${r.eventId})` : ''} fails verification: ${r.reason}`);
    if (!run.json) printLines([`verified ${r.events} events: every hash and link holds; head hash ${r.head}`]);
  });
};
