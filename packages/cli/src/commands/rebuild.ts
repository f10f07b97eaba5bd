import { rebuildBeside } from '@minsheng/projections';
import type { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import { failed, failure, refusal, unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { progressOn } from '../output/progress';
import { ledgerCommand, readerThreadsOf, runOf, threadsOption } from './shared';
import { t } from '../language';

const rate = (events: number, seconds: number) => (seconds > 0 ? Math.round(events / seconds) : events);
const threadsNote = (n: number) => (n === 0 ? '' : t('rebuild.threads', { count: n }));

export const registerRebuild = (program: Command): void => {
  const cmd = ledgerCommand(
    program,
    'rebuild',
    t('help.cmd.rebuild'),
    { project: false },
  )
    .option('--beside', t('help.rebuild.beside'))
    .option('--drop-old', t('help.rebuild.drop-old'));
  threadsOption(cmd, t('help.threads.rebuild'));
  cmd.action(async () => {
    const o = cmd.opts<{ beside?: boolean; dropOld?: boolean; threads?: string }>();
    if (o.dropOld && !o.beside) throw refusal('usage.dropOldWithoutBeside');
    const run = runOf(cmd);
    const open = readerThreadsOf(o.threads, run);
    const progress = progressOn('rebuild');
    const started = performance.now();
    if (!o.beside) {
      const r = await run.ledger((l) => unwrap(l.ledger.rebuild((done, total) => progress.update(done, total))), open).finally(() => progress.finish());
      const seconds = (performance.now() - started) / 1000;
      const eventsPerSecond = rate(r.applied, seconds);
      // A rebuild has no lease and no signal: it never stops before the head, so `stopped` is left out.
      const { applied, checkpoint, head, readerThreads } = r;
      if (run.json) return printJson({ applied, checkpoint, head, readerThreads, seconds: Number(seconds.toFixed(3)), eventsPerSecond });
      return printLines([
        t('rebuild.done', { count: r.applied, seconds: seconds.toFixed(2), rate: eventsPerSecond, threads: threadsNote(r.readerThreads) }),
      ]);
    }
    const r = await run
      .engine(async (e) => {
        const result = await rebuildBeside({
          store: e.store,
          versions: e.versions,
          open: (name) => e.openReadModel(name),
          ...(e.readers ? { readers: e.readers } : {}),
          onProgress: (done, total) => progress.update(done, total),
        })();
        if (result._tag === 'Left') {
          if (result.left._tag === 'SwitchLost') throw failed(result.left.message);
          throw failure('failure.rebuildBeside', { reason: result.left.message.split('\n')[0]! });
        }
        if (o.dropOld) await e.dropReadModel(result.right.from);
        return { ...result.right, dropped: o.dropOld === true, dropHint: e.dropHint(result.right.from) };
      }, open)
      .finally(() => progress.finish());
    const seconds = (performance.now() - started) / 1000;
    const eventsPerSecond = rate(r.checkpoint, seconds);
    if (run.json)
      return printJson({
        from: r.from,
        to: r.to,
        checkpoint: r.checkpoint,
        dropped: r.dropped,
        seconds: Number(seconds.toFixed(3)),
        eventsPerSecond,
        readerThreads: r.readerThreads,
      });
    printLines([
      t('rebuild.beside', { from: r.from, to: r.to, count: r.checkpoint, seconds: seconds.toFixed(2), rate: eventsPerSecond, threads: threadsNote(r.readerThreads) }),
      r.dropped ? t('rebuild.dropped', { from: r.from }) : t('rebuild.leftInPlace', { from: r.from, hint: r.dropHint }),
    ]);
  });
};
