import { logEntryOf, logTreeView } from '@minsheng/event-store';
import { openCheckpoint, type ConsistencyProof, type InclusionProof } from '@minsheng/verify';
import type { Command } from 'commander';
import { integrityFailure, refusal, unwrap } from '../failure';
import { readText, verifierKeyOf } from '../key-files';
import { ledgerCommand, runOf } from './shared';
import { t } from '../language';

const hex = (b: Buffer): string => b.toString('hex');

/** `minsheng prove EVENT_ID` (inclusion) and `minsheng prove --from A --to B` (consistency), as JSON for minsheng-verify. */
export const registerProve = (program: Command): void => {
  const cmd = ledgerCommand(program, 'prove [event-id]', t('help.cmd.prove'), { project: false })
    .option('--checkpoint <file>', t('help.prove.checkpoint'))
    .option('--from <checkpoint>', t('help.prove.from'))
    .option('--to <checkpoint>', t('help.prove.to'))
    .option('--key <file>', t('help.prove.key'));
  cmd.action(async (eventId: string | undefined) => {
    const o = cmd.opts();
    const run = runOf(cmd);
    const open = (file: string) => {
      const c = openCheckpoint(readText('--checkpoint', file), [verifierKeyOf(o.key)]);
      if (typeof c === 'string') throw integrityFailure('integrity.checkpointRefused', { file, reason: c });
      return c;
    };
    if ((eventId === undefined) === (o.from === undefined)) throw refusal('usage.proveEventOrFrom');
    const proof = await run.engine(async (e) => {
      const tree = await logTreeView(e.store);
      const sizeOf = (file: string | undefined): { size: number; root: Buffer | null } => {
        if (!file) return { size: tree.size, root: null };
        const c = open(file);
        if (c.size > tree.size) throw integrityFailure('integrity.checkpointLonger', { file, count: c.size, held: tree.size });
        return { size: c.size, root: c.root };
      };
      if (eventId !== undefined) {
        const event = await unwrap(e.store.readEvent(eventId, { raw: true }));
        if (!event) throw refusal('usage.noEventInLog', { eventId });
        const at = sizeOf(o.checkpoint);
        if (event.position > at.size) throw refusal('usage.eventAfterCheckpoint', { eventId, position: event.position, count: at.size });
        const root = await tree.root(at.size);
        if (at.root && !at.root.equals(root)) throw integrityFailure('integrity.rootDiffers', { count: at.size });
        const p: InclusionProof = { kind: 'inclusion', treeSize: at.size, root: hex(root), event: logEntryOf(event), path: (await tree.inclusion(event.position - 1, at.size)).map(hex) };
        return p;
      }
      const from = sizeOf(o.from);
      const to = sizeOf(o.to);
      if (from.size > to.size) throw refusal('usage.fromAfterTo', { count: from.size, to: to.size });
      const p: ConsistencyProof = {
        kind: 'consistency',
        from: { size: from.size, root: hex(await tree.root(from.size)) },
        to: { size: to.size, root: hex(await tree.root(to.size)) },
        path: (await tree.consistency(from.size, to.size)).map(hex),
      };
      return p;
    }, { reads: true });
    process.stdout.write(`${JSON.stringify(proof, null, 2)}\n`);
  });
};
