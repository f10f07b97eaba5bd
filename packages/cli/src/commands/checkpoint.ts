import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTreeView } from '@minsheng/event-store';
import { signCheckpoint } from '@minsheng/verify';
import type { Command } from 'commander';
import { refusal } from '../failure';
import { signerKeyOf } from '../key-files';
import { printLines } from '../output/print';
import { ledgerCommand, runOf } from './shared';
import { t } from '../language';

/** `minsheng checkpoint`: the log's size and Merkle root, signed, kept outside the database. */
export const registerCheckpoint = (program: Command): void => {
  const cmd = ledgerCommand(program, 'checkpoint', t('help.cmd.checkpoint'), { project: false })
    .option('--key <file>', t('help.checkpoint.key'))
    .option('--origin <name>', t('help.checkpoint.origin'))
    .option('--out <file-or-dir>', t('help.checkpoint.out'));
  cmd.action(async () => {
    const o = cmd.opts();
    const run = runOf(cmd);
    const key = signerKeyOf(o.key ?? process.env.MINSHENG_KEY);
    const origin = (o.origin as string | undefined) ?? key.name;
    if (/[\n\r]/.test(origin) || origin === '') throw refusal('usage.originOneLine');
    const text = await run.engine(async (e) => {
      const tree = await logTreeView(e.store);
      return signCheckpoint({ origin, size: tree.size, root: await tree.root(), time: run.clock.now().toISOString() }, key);
    }, { reads: true });
    if (o.out === undefined) return void process.stdout.write(text);
    const size = text.split('\n')[1]!;
    const file = existsSync(o.out) && statSync(o.out).isDirectory() ? join(o.out, `checkpoint-${size}.txt`) : (o.out as string);
    if (existsSync(file)) throw refusal('usage.checkpointExists', { file });
    writeFileSync(file, text, { flag: 'wx' });
    printLines([t('checkpoint.wrote', { count: Number(size), file })]);
  });
};
