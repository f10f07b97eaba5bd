import type { Command } from 'commander';
import { integrity, unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { progressOn } from '../output/progress';
import { ledgerCommand, runOf } from './shared';

export const registerVerify = (program: Command): void => {
  const cmd = ledgerCommand(program, 'verify', 'walk the hash chain of the whole log, decode every event, and check the read model against the log; name the first failure (exit 3)', {
    project: false,
  });
  cmd.action(async () => {
    const run = runOf(cmd);
    const progress = progressOn('verify');
    const r = await run.ledger((l) => unwrap(l.ledger.verify((done, total) => progress.update(done, total))), { reads: true }).finally(() => progress.finish());
    if (run.json) printJson(r);
    if (!r.ok)
      throw integrity(
        r.fault === 'read-model' ? r.reason : `event at position ${r.position}${r.eventId ? ` (${r.eventId})` : ''} fails verification: ${r.reason}`,
      );
    if (!run.json) printLines([`verified ${r.events} events: every hash and link holds; head hash ${r.head}`]);
  });
};
