import { escapeControls, type Clock, type StoredEvent } from '@minsheng/core';
import { CHECK_TRIES, createLedger, sweepVerdict, type LedgerDeps } from '@minsheng/ledger';
import { againWaitMs, checkReadModel, LARGE_CATCH_UP, LEDGER_INDEX, ReadModelMismatch, runWorker, type ProjectionState } from '@minsheng/projections';
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { integrity, integrityFailureOf, refusal, unwrap } from '../failure';
import { openEngine, reasonOf, type Engine, type ReadModel } from '../open-ledger';
import { printJson, printLines, safeJson } from '../output/print';
import { renderTable } from '../output/table';
import { wholeNumber } from '../parse';
import { checkWriteClock, ledgerCommand, readerThreadsOf, runOf, threadsOption, type Run } from './shared';
import { t } from '../language';
import { reasonSentence } from '../reasons';
import { projectionReason, refusalOf } from '../refusals';
import { bulkLine, sweepFailure } from './worker-lines';
import { workProjection } from './projection-worker';

export interface ProjectionStatus {
  readonly projection: string;
  readonly checkpoint: number;
  /** head − checkpoint: events the read model has not applied yet (negative: it applied events the log no longer holds). */
  readonly lag: number;
  readonly updatedAt: string | null;
  /** The last owner of the lease, live or expired; null when released or never taken. */
  readonly owner: string | null;
  readonly leaseExpiresAt: string | null;
  readonly leaseLive: boolean;
}

export interface WorkerStatus {
  readonly where: string;
  /** The serving read-model version (SQLite table prefix or PostgreSQL schema). */
  readonly readModel: string;
  readonly head: number;
  readonly projections: readonly ProjectionStatus[];
  /** Why the serving read model refuses to serve (it applied events the log no longer holds), or null. */
  readonly mismatch: string | null;
}

const projectionStatus = (s: ProjectionState, head: number, now: number): ProjectionStatus => ({
  projection: s.projection,
  checkpoint: s.checkpoint,
  // Negative when the read model is ahead of the log (it then refuses to serve: see mismatch).
  lag: head - s.checkpoint,
  updatedAt: s.updatedAt,
  owner: s.owner,
  leaseExpiresAt: s.leaseExpiresAt === null ? null : new Date(s.leaseExpiresAt).toISOString(),
  leaseLive: s.leaseExpiresAt !== null && s.leaseExpiresAt > now,
});

/** Where each projection of the serving read model stands against the head of the log, and who holds its lease. */
export const workerStatus = (e: Engine): Promise<WorkerStatus & { readonly said: string | null }> =>
  (async () => {
    const readModel = await e.versions.active(LEDGER_INDEX);
    const model = await e.openReadModel(readModel);
    try {
      const states = await model.reader.projections();
      // Read the head after the checkpoints: a checkpoint is then never ahead of the head shown.
      const head = await unwrap(e.store.headPosition());
      if (!states.some((s) => s.projection === LEDGER_INDEX))
        states.unshift({ projection: LEDGER_INDEX, checkpoint: 0, updatedAt: null, owner: null, leaseExpiresAt: null });
      const now = Date.now();
      let mismatch: ReadModelMismatch | null = null;
      await checkReadModel(e.store, model.reader).catch((err: unknown) => {
        if (!(err instanceof ReadModelMismatch)) throw err;
        mismatch = err;
      });
      const found = mismatch as ReadModelMismatch | null;
      return {
        where: e.where, readModel, head, projections: states.map((s) => projectionStatus(s, head, now)), mismatch: found?.message ?? null,
        // For people: the mismatch said by its code in the reader's language (--json keeps the sentence).
        said: found ? reasonSentence(found.code, found.fields) : null,
      };
    } finally {
      await model.close();
    }
  })();

const seconds = (ms: number) => (Math.abs(ms) / 1000).toFixed(1);

const leaseText = (p: ProjectionStatus, now: number): string => {
  if (p.owner === null || p.leaseExpiresAt === null) return t('worker.lease.free');
  const left = Date.parse(p.leaseExpiresAt) - now;
  return p.leaseLive ? t('worker.lease.held', { seconds: seconds(left) }) : t('worker.lease.expired', { seconds: seconds(left) });
};

const printStatus = (s: WorkerStatus): void => {
  const now = Date.now();
  printLines([
    t('worker.status.head', { readModel: s.readModel, where: s.where, head: s.head }),
    ...renderTable(
      [
        { header: t('worker.col.projection') },
        { header: t('worker.col.checkpoint'), align: 'right' },
        { header: t('worker.col.lag'), align: 'right' },
        { header: t('worker.col.owner') },
        { header: t('worker.col.lease') },
        { header: t('worker.col.updated') },
      ],
      s.projections.map((p) => [p.projection, String(p.checkpoint), String(p.lag), p.owner ?? '-', leaseText(p, now), p.updatedAt ?? '-']),
    ),
  ]);
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

interface WorkerOpts {
  owner?: string;
  leaseMs: number;
  pollMs: number;
  batchSize: number;
  progressMs: number;
  threads?: string;
  status?: boolean;
  projection?: string;
}

/**
 * Runs the ledger-index projection until SIGINT or SIGTERM: only the lease holder applies
 * batches, each fenced by the lease in its own transaction; when the serving read-model
 * version switches (rebuild --beside) the worker follows it; a failure is reported and
 * retried with back-off, since a worker is meant to outlive a database restart.
 */
const work = async (run: Run, o: WorkerOpts): Promise<void> => {
  const owner = o.owner ?? `${hostname()}:${process.pid}`;
  const stop = new AbortController();
  let signalName = '';
  const onSignal = (name: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      process.stderr.write(`minsheng: ${t('worker.log.signalAgain', { signal: name })}\n`);
      process.exit(130);
    }
    signalName = name;
    // Said at once: the stop may wait on the batch in hand or a database, and the operator learns a second signal cuts it short.
    process.stderr.write(`minsheng: ${t('worker.log.stopping', { signal: name })}\n`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const log = (event: string, fields: Record<string, unknown>, text: string) => {
    const at = new Date().toISOString();
    process.stdout.write(run.json ? `${safeJson({ at, event, owner, ...fields })}\n` : `${escapeControls(`${at} ${owner}: ${text}`)}\n`);
  };
  try {
    const engine = await openEngine(run.location, run.clock, { poolSize: 4, ...readerThreadsOf(o.threads, run) });
    try {
      // The worker records completions: --now is taken on a simulated ledger only, forward only.
      await checkWriteClock(run, engine.store, 'worker');
      await workWith(engine, run.clock, run.now !== null, o, owner, stop.signal, log);
    } finally {
      await engine.close();
    }
    log('stopped', { signal: signalName || null }, signalName ? t('worker.log.stoppedOn', { signal: signalName }) : t('worker.log.stopped'));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

type Log = (event: string, fields: Record<string, unknown>, text: string) => void;

/**
 * The completion policy, which reads the read model, runs where the read model is kept up
 * to date: after each batch this worker commits, for the tasks the batch reports on
 * (ledger.applyPolicies). A worker killed between committing a batch and checking it would
 * lose that check, and a catch-up in threads checks none, so a worker checks every task once
 * it has applied what the log held when it took the lease, and again after each catch-up in
 * threads, when another writer moved its checkpoint, or after a batch it left unchecked (sweep:
 * runWorker's onCaughtUp, ledger.applyPoliciesToAll). A failed batch check is tried again a
 * poll later (completing is idempotent), CHECK_TRIES times in all, then left to the sweep
 * (runWorker's 'unchecked'), so that a check that keeps failing does not hold the projection.
 * A sweep checks every task even when one fails, and is tried again after a wait that grows
 * (runWorker's 'again', the lease renewed and batches applied meanwhile): for as long as the
 * store or read model is unavailable, and SWEEP_TRIES times in all when its failures last (a
 * task's events damaged), after which it is given up until it is next owed.
 */
/** `given`: whether --now fixed the clock (without it, the ledger's mode decides the recorded time). */
const completionPolicy = (deps: LedgerDeps, given: boolean, log: Log, signal: AbortSignal, pollMs: number) => {
  const ledger = createLedger({ store: deps.store, readModel: deps.readModel, ...(given ? { clock: deps.clock } : {}), projectInline: false });
  const completed = (task: number, planId?: string) =>
    log('completed', { task, ...(planId ? { planId } : {}) }, t('worker.log.completed', { task }));
  return {
    afterBatch: async (events: readonly StoredEvent[]): Promise<void | 'unchecked'> => {
      const span = { from: events[0]!.position, to: events[events.length - 1]!.position };
      for (let attempt = 1; ; attempt++) {
        const r = await ledger.applyPolicies(events)();
        if (r._tag === 'Right') return r.right.forEach((task) => completed(task));
        const reason = refusalOf(r.left);
        // Stopping (SIGTERM, a switch of the serving version): the next round sweeps.
        if (signal.aborted) return log('error', { message: r.left.message, attempt, stopping: true }, t('worker.log.checkFailedStopping', { ...span, reason }));
        if (attempt === CHECK_TRIES) {
          log('error', { message: r.left.message, attempt, unchecked: true }, t('worker.log.checkFailedUnchecked', { ...span, reason }));
          return 'unchecked';
        }
        log('error', { message: r.left.message, attempt, retryInMs: pollMs }, t('worker.log.checkFailed', { ...span, reason, waitMs: pollMs }));
        await sleep(pollMs, signal);
      }
    },
    sweep: async (attempt: number): Promise<void | 'again'> => {
      const r = await ledger.applyPoliciesToAll(signal)();
      if (r._tag === 'Right') r.right.completed.forEach(({ task, planId }) => completed(task, planId));
      const verdict = sweepVerdict(r, attempt);
      if (verdict === 'done') return;
      const { fields, what } = sweepFailure(r);
      if (signal.aborted) return log('error', { ...fields, attempt, stopping: true }, t('worker.log.sweepStopping', { what }));
      if (verdict === 'again') {
        const wait = againWaitMs(pollMs, attempt);
        log('error', { ...fields, attempt, retryInMs: wait }, t('worker.log.sweepAgain', { what, waitMs: wait }));
        return 'again';
      }
      log('error', { ...fields, attempt, gaveUp: true }, t('worker.log.sweepGivenUp', { what }));
    },
  };
};

const workWith = async (
  engine: Engine,
  clock: Clock,
  given: boolean,
  o: WorkerOpts,
  owner: string,
  stop: AbortSignal,
  log: Log,
): Promise<void> => {
  const { leaseMs, pollMs, batchSize } = o;
  const followMs = Math.min(Math.max(pollMs * 5, 500), 5000);
  log(
    'started',
    { where: engine.where, leaseMs, pollMs, batchSize },
    t('worker.log.started', { where: engine.where, leaseMs, pollMs, batchSize }),
  );
  let serving: string | undefined;
  let checkpoint = 0;
  let applied = 0;
  let failures = 0;
  let held = false;
  let lastReport = { at: Date.now(), applied: 0 };
  const progress = setInterval(() => {
    if (applied === lastReport.applied) return;
    const since = { at: Date.now(), applied };
    const n = since.applied - lastReport.applied;
    const perSecond = n / ((since.at - lastReport.at) / 1000 || 1);
    const rate = perSecond < 10 ? Number(perSecond.toFixed(1)) : Math.round(perSecond);
    lastReport = since;
    const at = checkpoint;
    void engine.store.headPosition()().then(
      (h) => {
        const head = h._tag === 'Right' ? Math.max(h.right, at) : null;
        const lag = head === null ? null : head - at;
        log(
          'progress',
          { readModel: serving, checkpoint: at, head, lag, applied: n, eventsPerSecond: rate },
          head === null
            ? t('worker.log.progressNoHead', { count: n, rate, checkpoint: at })
            : t('worker.log.progress', { count: n, rate, checkpoint: at, head, lag: lag! }),
        );
      },
      () => undefined,
    );
  }, o.progressMs);
  try {
    while (!stop.aborted) {
      const round = new AbortController();
      const endRound = () => round.abort();
      stop.addEventListener('abort', endRound);
      let model: ReadModel | undefined;
      let follow: NodeJS.Timeout | undefined;
      try {
        const version = await engine.versions.active(LEDGER_INDEX);
        if (version !== serving) {
          if (serving !== undefined)
            log('switched', { from: serving, to: version }, t('worker.log.switched', { from: serving, to: version }));
          serving = version;
        }
        model = await engine.openReadModel(version);
        checkpoint = await model.reader.checkpoint(LEDGER_INDEX);
        const policy = completionPolicy({ store: engine.store, readModel: model, clock }, given, log, round.signal, pollMs);
        // A rebuild beside this version may switch readers to another: follow it.
        follow = setInterval(() => {
          engine.versions.active(LEDGER_INDEX).then(
            (v) => v !== version && round.abort(),
            () => undefined,
          );
        }, followMs);
        await runWorker({
          store: engine.store,
          model,
          owner,
          leaseMs,
          pollMs,
          batchSize,
          signal: round.signal,
          onLease: (h) => {
            held = h;
            if (h) failures = 0;
            log(
              'lease',
              { held: h, readModel: version },
              h
                ? t('worker.log.tookLease', { projection: LEDGER_INDEX, readModel: version })
                : t('worker.log.lostLease', { projection: LEDGER_INDEX, readModel: version }),
            );
          },
          onBatch: (c, n) => {
            checkpoint = c;
            applied += n;
            failures = 0;
          },
          onApplied: policy.afterBatch,
          onCaughtUp: (_, attempt) => policy.sweep(attempt).catch((e: unknown) => void log('error', { message: reasonOf(e) }, t('worker.log.sweepFailed', { reason: projectionReason(reasonOf(e)) }))),
          // Far behind, it reads in threads and loads in bulk (SQLite).
          ...(engine.readers ? { readers: engine.readers } : {}),
          onBulkCatchUp: (r) =>
            log(
              'bulk',
              { readModel: version, checkpoint: r.checkpoint, applied: r.applied, readerThreads: r.readerThreads, stopped: r.stopped },
              bulkLine(r),
            ),
          onReadersFailed: (message) =>
            log('error', { message, readers: false }, t('worker.log.readersFailed', { reason: projectionReason(message) })),
        });
        // runWorker released the lease on its way out.
        if (held) {
          checkpoint = await model.reader.checkpoint(LEDGER_INDEX);
          log('released', { readModel: version, checkpoint }, t('worker.log.released', { projection: LEDGER_INDEX, readModel: version, checkpoint }));
        }
        held = false;
      } catch (e) {
        // A broken chain or a read model the log lost does not pass: the worker stops and says why.
        const fault = integrityFailureOf(e);
        if (fault) throw fault;
        // runWorker tried to release a lease it held; if that failed too, the lease simply expires.
        const gaveUp = held;
        held = false;
        failures += 1;
        const wait = Math.min(pollMs * 2 ** failures, 5000);
        log(
          'error',
          { message: reasonOf(e), retryInMs: wait, leaseGivenUp: gaveUp },
          t(gaveUp ? 'worker.log.failedGaveUp' : 'worker.log.failed', { reason: projectionReason(reasonOf(e)), waitMs: wait }),
        );
        await sleep(wait, stop);
      } finally {
        if (follow) clearInterval(follow);
        stop.removeEventListener('abort', endRound);
        await model?.close().catch(() => undefined);
      }
    }
  } finally {
    clearInterval(progress);
  }
};

export const registerWorker = (program: Command): void => {
  const cmd = ledgerCommand(
    program,
    'worker',
    t('help.cmd.worker'),
    { project: false },
  )
    .option('--owner <name>', t('help.worker.owner'))
    .option('--lease-ms <n>', t('help.worker.lease-ms'), wholeNumber, 10_000)
    .option('--poll-ms <n>', t('help.worker.poll-ms'), wholeNumber, 200)
    .option('--batch-size <n>', t('help.worker.batch-size'), wholeNumber, 2000)
    .option('--progress-ms <n>', t('help.worker.progress-ms'), wholeNumber, 5000)
    .option('--status', t('help.worker.status'))
    .option('--projection <module>', t('help.worker.projection'))
    .argument('[status]', t('help.worker.status-argument'));
  threadsOption(cmd, t('help.threads.worker', { count: LARGE_CATCH_UP.toLocaleString('en') }));
  cmd.action(async (what: string | undefined) => {
    if (what !== undefined && what !== 'status') throw refusal('usage.workerAction', { action: what });
    const o = cmd.opts<WorkerOpts>();
    const run = runOf(cmd);
    if (o.status || what === 'status') {
      const { said, ...s } = await run.engine(workerStatus);
      if (run.json) printJson(s);
      else printStatus(s);
      // A lag of 0 must never hide a read model ahead of the log.
      if (said) throw integrity(said);
      return;
    }
    if (o.pollMs * 2 >= o.leaseMs) throw refusal('usage.leaseMs', { leaseMs: o.leaseMs, pollMs: o.pollMs });
    if (o.owner !== undefined && !o.owner.trim()) throw refusal('usage.ownerEmpty');
    if (o.projection !== undefined) {
      if (o.threads !== undefined) throw refusal('usage.projectionThreads');
      const { leaseMs, pollMs, batchSize } = o;
      return workProjection(run, o.projection, { owner: o.owner ?? `${hostname()}:${process.pid}`, leaseMs, pollMs, batchSize });
    }
    await work(run, o);
  });
};
