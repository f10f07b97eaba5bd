import { ledgerRegistry } from '@minsheng/core';
import { createPostgresReadModel } from '@minsheng/projections';
import { createPostgresEventStore } from '@minsheng/store-postgres';
import { usePostgres } from '@minsheng/store-postgres/testing';
import { createLedger } from './ledger';
import { testKey } from './signing-test-keys';
import { fail, loadHarbinPlan, manualClock, run } from './testing';

/*
 * Issue 16's signed reports on PostgreSQL: the same checks as signed-reports.int.test.ts (SQLite)
 * in one pass, since the signing record is read through the store port and each store keeps the
 * signature inside the hashed event its own way.
 */

const plan = loadHarbinPlan();
const daoli = { task: 3, metric: 't03-child-friendly-communities', place: 'daoli', asOf: '2024-09-30', value: '12', by: 'womens-federation' };

describe('signed reports (PostgreSQL)', () => {
  const pg = usePostgres();

  it('refuses missing, other-unit, replayed and revoked signatures with nothing written; verifies the rest in the audit', async () => {
    const clock = manualClock('2024-01-05T02:00:00Z');
    const store = await createPostgresEventStore({ connectionString: pg.databaseUrl(), registry: ledgerRegistry, clock });
    const readModel = await createPostgresReadModel({ connectionString: pg.databaseUrl() });
    try {
      const ledger = createLedger({ store, readModel, clock });
      await run(ledger.init('simulated'));
      await run(ledger.importPlan(plan));
      clock.set('2024-10-01T02:00:00Z');
      const admin = testKey('harbin-admin');
      const federation = testKey('womens-federation-2024');
      const ndrc = testKey('ndrc-2024');
      await run(ledger.enableSigning({ adminKey: admin.text, admin: admin.signer() }));
      await run(ledger.registerKey({ unit: '市妇联', key: federation.text, admin: admin.signer() }));
      await run(ledger.registerKey({ unit: '市发改委', key: ndrc.text, admin: admin.signer() }));
      const head = () => run(store.headPosition());
      const before = await head();
      expect(await fail(ledger.report(daoli))).toMatchObject({ _tag: 'SignatureRefused', problem: 'missing' });
      expect(await fail(ledger.report({ ...daoli, signature: ndrc.signer() }))).toMatchObject({ _tag: 'SignatureRefused', problem: 'otherUnit' });
      expect(await fail(ledger.registerKey({ unit: '市妇联', key: testKey('x').text, admin: federation.signer() }))).toMatchObject({ _tag: 'KeyEventRefused' });
      expect(await fail(ledger.disableSigning({ admin: ndrc.signer() }))).toMatchObject({ _tag: 'KeyEventRefused' });
      expect(await head()).toBe(before);
      // Two copies of one signed report at once: exactly one lands, the other is refused as replayed.
      const racing = await Promise.all([1, 2].map(() => ledger.report({ ...daoli, signature: federation.signer() })()));
      const landed = racing.flatMap((o) => (o._tag === 'Right' ? [o.right] : []));
      expect(landed).toHaveLength(1);
      expect(racing.find((o) => o._tag === 'Left')).toMatchObject({ left: { _tag: 'SignatureRefused', problem: 'replayed' } });
      const signed = landed[0]!;
      expect((await run(store.readEvent(signed.eventId)))!.metadata.signature).toMatchObject({ keyId: federation.keyId, unit: 'womens-federation' });
      const signedAt = await head();
      expect(await fail(ledger.report({ ...daoli, signature: federation.signer() }))).toMatchObject({ _tag: 'SignatureRefused', problem: 'replayed' });
      expect(await head()).toBe(signedAt);
      await run(ledger.revokeKey({ unit: '市妇联', keyId: federation.keyId, admin: admin.signer() }));
      const revokedAt = await head();
      expect(await fail(ledger.report({ ...daoli, value: '13', signature: federation.signer() }))).toMatchObject({ _tag: 'SignatureRefused', problem: 'revoked' });
      expect(await head()).toBe(revokedAt);
      const trail = await run(ledger.audit({ task: 3, metric: daoli.metric, place: 'daoli', history: true }));
      expect(trail.signatures).toEqual([expect.objectContaining({ eventId: signed.eventId, status: 'verified', keyId: federation.keyId })]);
      expect((await run(ledger.verify())).ok).toBe(true);
    } finally {
      await readModel.close();
      await store.close();
    }
  });
});
