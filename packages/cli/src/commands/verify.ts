import { t } from '../language';
import type { Command } from 'commander';
import { integrity, integrityFailure, unwrap } from '../failure';
import { chainReason, readModelReason } from '../refusals';
import { printJson, printLines } from '../output/print';
import { progressOn } from '../output/progress';
import { checkLogAgainst } from '@minsheng/event-store';
import { openCheckpoint } from '@minsheng/verify';
import { readText, verifierKeyOf } from '../key-files';
import { ledgerCommand, runOf } from './shared';

/** An event that fails verification: its position, its id when known, and why (a chain reason in the reader's language). */
const eventFails = (position: number, eventId: string | null | undefined, reason: string) =>
  eventId
    ? integrityFailure('integrity.verifyEvent', { position, eventId, reason: chainReason(reason) })
    : integrityFailure('integrity.verifyPosition', { position, reason: chainReason(reason) });

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
    if (typeof checkpoint === 'string') throw integrityFailure('integrity.checkpointRefused', { file: o.checkpoint, reason: checkpoint });
    const progress = progressOn('verify');
    const r = await run.ledger((l) => unwrap(l.ledger.verify((done, total) => progress.update(done, total))), { reads: true }).finally(() => progress.finish());
    if (run.json) printJson(r);
    if (!r.ok)
      throw r.fault === 'read-model' ? integrity(readModelReason(r.reason)) : eventFails(r.position, r.eventId, r.reason);
    if (checkpoint) {
      const c = await run.engine((e) => checkLogAgainst(e.store, checkpoint), { reads: true });
      if ('reason' in c) throw eventFails(c.position, c.eventId, c.reason);
    }
    if (!run.json) printLines([t('verify.ok', { count: r.events, head: r.head })]);
    if (checkpoint && !run.json)
      printLines([t('verify.checkpointOk', { time: checkpoint.time, count: checkpoint.size, signers: checkpoint.signedBy.join(t('list.separator')) })]);
  });
};
