import { escapeControls } from '@minsheng/core';
import { createPostgresProjection, createSqliteProjection, defineProjection, runWorker, type ProjectionDefinition } from '@minsheng/projections';
import { resolve } from 'node:path';
import { refusal } from '../failure';
import { openEngine, reasonOf } from '../open-ledger';
import { safeJson } from '../output/print';
import type { Run } from './shared';
import { t } from '../language';

/** What `minsheng worker --projection` takes besides the module: the built-in worker's lease options. */
export interface ProjectionWorkerOptions {
  readonly owner: string;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly batchSize: number;
}

const isDefinition = (x: unknown): x is ProjectionDefinition =>
  typeof x === 'object' && x !== null && typeof (x as { name?: unknown }).name === 'string' && Array.isArray((x as { eventTypes?: unknown }).eventTypes);

/**
 * The projection a module exports: its default export, or its one export that is a projection
 * definition. Checked by defineProjection, so a bad one is refused with its reason.
 */
export const loadProjection = (module: string): ProjectionDefinition => {
  const path = resolve(module);
  let exported: Record<string, unknown>;
  try {
    exported = require(path) as Record<string, unknown>;
  } catch (e) {
    throw refusal('usage.projectionLoad', { module, reason: reasonOf(e).split('\n')[0] ?? '' });
  }
  const found = isDefinition(exported.default) ? [exported.default] : Object.values(exported).filter(isDefinition);
  if (found.length !== 1)
    throw refusal('usage.projectionExports', { module, count: found.length });
  try {
    return defineProjection(found[0]!);
  } catch (e) {
    throw refusal('usage.projectionRefused', { module, reason: reasonOf(e) });
  }
};

/**
 * Runs a user's projection as the built-in worker runs the ledger index: runWorker, with the
 * same lease and fencing, until SIGINT or SIGTERM. Its tables live beside the ledger (the same
 * SQLite file, or the minsheng_projections schema of the same PostgreSQL database).
 */
export const workProjection = async (run: Run, module: string, o: ProjectionWorkerOptions): Promise<void> => {
  const def = loadProjection(module);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const log = (event: string, fields: Record<string, unknown>, text: string) => {
    const at = new Date().toISOString();
    process.stdout.write(run.json ? `${safeJson({ at, event, owner: o.owner, projection: def.name, ...fields })}\n` : `${escapeControls(`${at} ${o.owner}: ${text}`)}\n`);
  };
  const engine = await openEngine(run.location, run.clock, {});
  // pg only when the ledger is on PostgreSQL: a command on SQLite never loads it (cli.e2e checks).
  const pool = run.location.kind === 'postgres' ? new (await import('pg')).Pool({ connectionString: run.location.url, max: 2 }) : null;
  try {
    const model = pool ? await createPostgresProjection(def, { pool }) : createSqliteProjection(def, { file: engine.where });
    try {
      log('started', { where: engine.where }, t('worker.projection.started', { projection: def.name, where: engine.where }));
      await runWorker({
        store: engine.store,
        model,
        owner: o.owner,
        leaseMs: o.leaseMs,
        pollMs: o.pollMs,
        batchSize: o.batchSize,
        signal: stop.signal,
        onLease: (held) => log(held ? 'lease' : 'lost', {}, t(held ? 'worker.projection.tookLease' : 'worker.projection.lostLease', { projection: def.name })),
        onBatch: (checkpoint, count) => log('applied', { checkpoint, count }, t('worker.projection.applied', { count, projection: def.name, checkpoint })),
        onReachedHead: (checkpoint) => log('caught-up', { checkpoint }, t('worker.projection.caughtUp', { projection: def.name, checkpoint })),
      });
      log('stopped', {}, t('worker.projection.stopped', { projection: def.name }));
    } finally {
      await model.close();
    }
  } finally {
    await pool?.end();
    await engine.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};
