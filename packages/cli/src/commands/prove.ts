import { logEntryOf, logTreeView } from '@minsheng/event-store';
import { openCheckpoint, type ConsistencyProof, type InclusionProof } from '@minsheng/verify';
import type { Command } from 'commander';
import { integrity, unwrap, usage } from '../failure';
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
      if (typeof c === 'string') throw integrity(`checkpoint "${file}": ${c}`);
      return c;
    };
    if ((eventId === undefined) === (o.from === undefined)) throw usage('give an event id (an inclusion proof) or --from CHECKPOINT (a consistency proof), not both');
    const proof = await run.engine(async (e) => {
      const tree = await logTreeView(e.store);
      const sizeOf = (file: string | undefined): { size: number; root: Buffer | null } => {
        if (!file) return { size: tree.size, root: null };
        const c = open(file);
        if (c.size > tree.size) throw integrity(`checkpoint "${file}" signs ${c.size} events; the log holds ${tree.size}: events were removed`);
        return { size: c.size, root: c.root };
      };
      if (eventId !== undefined) {
        const event = await unwrap(e.store.readEvent(eventId, { raw: true }));
        if (!event) throw usage(`no event ${eventId} in the log`);
        const at = sizeOf(o.checkpoint);
        if (event.position > at.size) throw usage(`event ${eventId} is at position ${event.position}, after the checkpoint's ${at.size} events`);
        const root = await tree.root(at.size);
        if (at.root && !at.root.equals(root)) throw integrity(`the log's first ${at.size} events do not have the root the checkpoint signs: history was rewritten`);
        const p: InclusionProof = { kind: 'inclusion', treeSize: at.size, root: hex(root), event: logEntryOf(event), path: (await tree.inclusion(event.position - 1, at.size)).map(hex) };
        return p;
      }
      const from = sizeOf(o.from);
      const to = sizeOf(o.to);
      if (from.size > to.size) throw usage(`--from signs ${from.size} events, more than --to's ${to.size}: give the older checkpoint first`);
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
