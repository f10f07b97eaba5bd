import { createInMemoryEventStore } from '@minsheng/event-store';
import { auditTrail, catchUpReadModel, createSqliteReadModel, rebuildReadModel, takeSnapshot } from '@minsheng/projections';
import { ledgerRegistry } from '@minsheng/core';
import { isLeft, isRight, type Either } from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tryOpen } from './opening';
import { loadHarbinPlan, manualClock, openHarbinLedger, type HarbinLedger } from './testing';

/*
 * The error rule (docs/concepts.md, "Errors"): a call a user makes returns its failure as a
 * tagged Left; it does not throw. Each case below threw an exception before.
 */

const plan = loadHarbinPlan();

/** The Left's tag and message, failing the test when the call succeeded. */
const leftOf = <E extends { _tag: string; message: string }>(r: Either<E, unknown>): E => {
  if (!isLeft(r)) throw new Error(`expected a Left, got ${JSON.stringify(r.right).slice(0, 80)}`);
  return r.left;
};

describe('the error model: a failure is a Left, not a throw', () => {
  let opened: HarbinLedger;
  const clock = manualClock('2024-10-01T02:00:00Z');
  const now = () => clock.now();
  beforeEach(async () => (opened = await openHarbinLedger(clock, plan, { prefix: 'minsheng-errors-' })));
  afterEach(async () => opened.close());

  it('takeSnapshot: an unknown plan, a bad asOf and a knownAt before the plan are Lefts naming what was wrong', async () => {
    const reader = opened.model.reader;
    expect(leftOf(await takeSnapshot(reader, { planId: 'nope' }, now())())).toMatchObject({
      _tag: 'UnknownPlan',
      message: 'plan nope is not in the ledger (plans: harbin-2024)',
    });
    expect(leftOf(await takeSnapshot(reader, { asOf: '2024-02-30' }, now())())).toMatchObject({
      _tag: 'InvalidInput',
      field: 'asOf',
      message: 'asOf: "2024-02-30" is not a date written YYYY-MM-DD',
    });
    expect(leftOf(await takeSnapshot(reader, { knownAt: new Date('2023-01-01T00:00:00Z') }, now())())).toMatchObject({
      _tag: 'InvalidInput',
      field: 'knownAt',
      message: 'knownAt: 2023-01-01T00:00:00.000Z is before plan harbin-2024 was recorded',
    });
    expect(isRight(await takeSnapshot(reader, {}, now())())).toBe(true);
  });

  it('auditTrail: a metric the plan does not have, or of another task, is a Left', async () => {
    const snap = await takeSnapshot(opened.model.reader, {}, now())();
    if (isLeft(snap)) throw new Error(snap.left.message);
    const none = { target: null, versions: [], retractions: [] };
    expect(leftOf(auditTrail(snap.right, none, 13, 'no-such-metric'))).toMatchObject({
      _tag: 'UnknownMetric',
      message: 'metric no-such-metric is not in plan harbin-2024',
    });
    expect(leftOf(auditTrail(snap.right, none, 1, 't13-gas-pipe-renewal'))).toMatchObject({
      _tag: 'UnknownMetric',
      message: 'metric t13-gas-pipe-renewal belongs to task 13, not task 1',
    });
  });

  it('catchUpReadModel: a read model ahead of its log, and a bad thread count, are Lefts', async () => {
    const other = createInMemoryEventStore({ registry: ledgerRegistry });
    const mismatch = leftOf(await catchUpReadModel(other, opened.model)());
    expect(mismatch).toMatchObject({ _tag: 'ReadModelMismatch', head: 0 });
    expect(mismatch.message).toMatch(/^the read model \(ledger-index\) has applied events up to position \d+ but the log ends at 0/);
    const opener = { module: 'unused', args: {} };
    expect(leftOf(await catchUpReadModel(opened.store, opened.model, { readers: { opener, threads: 0 } })())).toMatchObject({
      _tag: 'InvalidArgument',
      message: 'reader threads must be a whole number from 1 to 64, not 0 (leave readers out to read on this thread)',
    });
  });

  it('rebuildReadModel and ledger.rebuild: a closed store is a Left', async () => {
    await opened.store.close();
    expect(leftOf(await rebuildReadModel(opened.store, opened.model)())._tag).toBe('ProjectionFailed');
    expect(leftOf(await opened.ledger.rebuild()())._tag).toBe('ProjectionFailed');
  });

  it('the ledger passes the tagged Left on: status with a bad asOf, audit of an unknown metric', async () => {
    expect(leftOf(await opened.ledger.status({ asOf: '2024-02-30' })())).toMatchObject({ _tag: 'InvalidInput', field: 'asOf' });
    expect(leftOf(await opened.ledger.audit({ task: 13, metric: 'no-such-metric' })())._tag).toMatch(/^Unknown/);
  });
});

describe('tryOpen: a constructor that throws, as a TaskEither', () => {
  it('gives an OpenFailed naming the file it could not open, and the model when it can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minsheng-open-'));
    try {
      const missing = join(dir, 'no-such-folder', 'read.db');
      const failed = leftOf(await tryOpen(() => createSqliteReadModel({ file: missing }))());
      expect(failed._tag).toBe('OpenFailed');
      expect(failed.message).toMatch(/directory does not exist|unable to open/);
      const opened = await tryOpen(() => createSqliteReadModel({ file: join(dir, 'read.db') }))();
      if (isLeft(opened)) throw new Error(opened.left.message);
      opened.right.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
