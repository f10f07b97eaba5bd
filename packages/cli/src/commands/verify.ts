import { t } from '../language';
import type { Command } from 'commander';
import { integrity, unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { progressOn } from '../output/progress';
import { checkLogAgainst } from '@minsheng/event-store';
import { openCheckpoint } from '@minsheng/verify';
import { readText, verifierKeyOf } from '../key-files';
import { ledgerCommand, runOf } from './shared';

export const registerVerify = (program: Command): void => {
  const cmd = ledgerCommand(program, 'verify', t('help.cmd.verify'), {
    project: false,
  })
    .option('--checkpoint <file>', t('help.verify.checkpoint'))
    .option('--key <file>', t('help.verify.key'));
  cmd.action(async () => {
    const run = runOf(cmd);
    const o = cmd.opts();
    const checkpoint = o.checkpoint === undefined ? null : openCheckpoint(readText('--checkpoint', o.checkpoint), [verifierKeyOf(o.key)]);
    if (typeof checkpoint === 'string') throw integrity(`checkpoint "${o.checkpoint}": ${checkpoint}`);
    const progress = progressOn('verify');
    const r = await run.ledger((l) => unwrap(l.ledger.verify((done, total) => progress.update(done, total))), { reads: true }).finally(() => progress.finish());
    if (run.json) printJson(r);
    if (!r.ok)
      throw integrity(
        r.fault === 'read-model' ? r.reason : `event at position ${r.position}${r.eventId ? ` (${r.eventId})` : ''} fails verification: ${r.reason}`,
      );
    if (checkpoint) {
      const c = await run.engine((e) => checkLogAgainst(e.store, checkpoint), { reads: true });
      if ('reason' in c) throw integrity(`event at position ${c.position}${c.eventId ? ` (${c.eventId})` : ''} fails verification: ${c.reason}`);
    }
    if (!run.json) printLines([t('verify.ok', { count: r.events, head: r.head })]);
    if (checkpoint && !run.json)
      printLines([`the log extends the checkpoint of ${checkpoint.time} (${checkpoint.size} events, signed by ${checkpoint.signedBy.join(', ')}): its first ${checkpoint.size} events have the root it signs, and every event matches the Merkle tree recorded as it was appended`]);
  });
};
