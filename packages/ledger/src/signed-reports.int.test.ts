import { ledgerRegistry, LEDGER_STREAM, type StoredEvent } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createSqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { LedgerFailure } from './failure';
import { createLedger, type Ledger } from './ledger';
import { testKey, type TestKey } from './signing-test-keys';
import { fail, loadHarbinPlan, manualClock, run } from './testing';

/*
 * Issue 16, signed reports, on a real SQLite file: refusals write nothing, key events need the
 * administrator's signature, and a rotated key's old reports still verify in the audit.
 */

const plan = loadHarbinPlan();
const daoli = { task: 3, metric: 't03-child-friendly-communities', place: 'daoli', asOf: '2024-09-30', value: '12', by: 'womens-federation' };

interface Open {
  readonly store: EventStore;
  readonly ledger: Ledger;
  readonly admin: TestKey;
  readonly federation: TestKey;
  close(): void;
}

/** A simulated ledger on a SQLite file, the plan imported, signing on and 市妇联's key registered. */
const openSigned = async (): Promise<Open> => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-signed-'));
  const clock = manualClock('2024-01-05T02:00:00Z');
  const store = createSqliteEventStore({ file: join(dir, 'ledger.db'), registry: ledgerRegistry, clock });
  const ledger = createLedger({ store, readModel: createSqliteReadModel({ file: join(dir, 'read.db') }), clock });
  await run(ledger.init('simulated'));
  await run(ledger.importPlan(plan));
  clock.set('2024-10-01T02:00:00Z');
  const admin = testKey('harbin-admin');
  const federation = testKey('womens-federation-2024');
  await run(ledger.enableSigning({ adminKey: admin.text, admin: admin.signer() }));
  await run(ledger.registerKey({ unit: '市妇联', key: federation.text, admin: admin.signer() }));
  return { store, ledger, admin, federation, close: () => rmSync(dir, { recursive: true, force: true }) };
};

let open: Open;
beforeEach(async () => (open = await openSigned()));
afterEach(() => open.close());

const head = (store: EventStore) => run(store.headPosition());
const logOf = (store: EventStore): Promise<readonly StoredEvent[]> => run(store.readAll());

/** Runs `f`, expects it refused with `tag` and a message matching `reason`, and the log unchanged. */
const refusedWithNothingWritten = async (f: () => TaskEither<LedgerFailure, unknown>, tag: string, reason: RegExp) => {
  const before = await head(open.store);
  const e = await fail(f());
  expect(e).toMatchObject({ _tag: tag });
  expect(e.message).toMatch(reason);
  expect(e.message).not.toContain('\n');
  expect(await head(open.store)).toBe(before);
};

describe('signed reports (SQLite)', () => {
  it('accepts a report signed by a registered key of the reporting unit and keeps the signature inside the hashed event', async () => {
    const r = await run(open.ledger.report({ ...daoli, signature: open.federation.signer('womens-federation') }));
    const stored = (await run(open.store.readEvent(r.eventId)))!;
    expect(stored.metadata.signature).toMatchObject({ keyId: open.federation.keyId, unit: 'womens-federation' });
    expect((await run(open.ledger.verify())).ok).toBe(true);
  });

  it('refuses a missing, unknown, other-unit, not-responsible and tampered signature, writing nothing', async () => {
    const { ledger, admin, federation } = open;
    await refusedWithNothingWritten(() => ledger.report(daoli), 'SignatureRefused', /signed mode: a ProgressReported needs the signature/);
    const stranger = testKey('stranger');
    await refusedWithNothingWritten(() => ledger.report({ ...daoli, signature: stranger.signer() }), 'SignatureRefused', new RegExp(`key ${stranger.keyId} is not registered`));
    // 市发改委's registered key signing 市妇联's report.
    const ndrc = testKey('ndrc-2024');
    await run(ledger.registerKey({ unit: 'ndrc', key: ndrc.text, admin: admin.signer() }));
    await refusedWithNothingWritten(() => ledger.report({ ...daoli, signature: ndrc.signer() }), 'SignatureRefused', /is 市发改委's, but the ProgressReported is by 市妇联/);
    // 市交通局 signing its own report of a metric it is not responsible for: the decider refuses it first.
    const transport = testKey('transport-2024');
    await run(ledger.registerKey({ unit: 'transport', key: transport.text, admin: admin.signer() }));
    await refusedWithNothingWritten(() => ledger.report({ ...daoli, by: 'transport', signature: transport.signer() }), 'NotResponsible', /./);
    // A signature of other content (the value 12) offered for the value 13.
    let signedFor12 = '';
    await run(ledger.report({ ...daoli, signature: (c) => ((signedFor12 = c), federation.signer()(c)) }));
    const sig12 = federation.signer()(signedFor12);
    await refusedWithNothingWritten(() => ledger.report({ ...daoli, value: '13', signature: sig12 }), 'SignatureRefused', /does not verify over this ProgressReported's content/);
    // A signature whose bytes were changed.
    const bytes = Buffer.from(sig12.signature, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    await refusedWithNothingWritten(() => ledger.report({ ...daoli, signature: { ...sig12, signature: bytes.toString('base64') } }), 'SignatureRefused', /does not verify/);
    // The same signature as it was made is refused now: the report it signed is recorded already
    // (this line used to accept it, which was the replay hole of issue 16).
    await refusedWithNothingWritten(() => ledger.report({ ...daoli, signature: sig12 }), 'SignatureRefused', /this signed ProgressReported was already recorded at position \d+; a signature is accepted once/);
  });

  it('refuses a signed report copied in again: the correction made after it stays in force', async () => {
    const { ledger, federation } = open;
    // 市妇联 reports 12 as of 09-30, then corrects it to 11; someone holding the first signed command submits it again.
    let first = '';
    const r = await run(ledger.report({ ...daoli, signature: (c) => ((first = c), federation.signer()(c)) }));
    await run(ledger.correct({ eventId: r.eventId, value: '11', reason: 'recount', by: 'womens-federation', signature: federation.signer() }));
    const copied = federation.signer()(first);
    await refusedWithNothingWritten(
      () => ledger.report({ ...daoli, signature: copied }),
      'SignatureRefused',
      new RegExp(`^this signed ProgressReported was already recorded at position ${r.position}; a signature is accepted once; nothing was written`),
    );
    expect(await fail(ledger.report({ ...daoli, signature: copied }))).toMatchObject({ problem: 'replayed', code: 'signature.replayed', fields: { type: 'ProgressReported' } });
    // Signed again by the unit's key (the same content): still the same report.
    await refusedWithNothingWritten(() => ledger.report({ ...daoli, signature: federation.signer() }), 'SignatureRefused', /already recorded at position/);
    expect((await run(ledger.audit({ task: 3, metric: daoli.metric, place: 'daoli' }))).value).toBe('11');
    // Another figure, or the same one as of another date, is another report.
    await run(ledger.report({ ...daoli, asOf: '2024-10-01', value: '11', signature: federation.signer() }));
  });

  it('refuses a signed correction copied in again after a later correction', async () => {
    const { ledger, federation } = open;
    const r = await run(ledger.report({ ...daoli, signature: federation.signer() }));
    let signed = '';
    const c = await run(ledger.correct({ eventId: r.eventId, value: '11', reason: 'recount', by: 'womens-federation', signature: (x) => ((signed = x), federation.signer()(x)) }));
    await run(ledger.correct({ eventId: r.eventId, value: '10', reason: 'second recount', by: 'womens-federation', signature: federation.signer() }));
    await refusedWithNothingWritten(
      () => ledger.correct({ eventId: r.eventId, value: '11', reason: 'recount', by: 'womens-federation', signature: federation.signer()(signed) }),
      'SignatureRefused',
      new RegExp(`^this signed ProgressCorrected was already recorded at position ${c.position}; a signature is accepted once`),
    );
    expect((await run(ledger.audit({ task: 3, metric: daoli.metric, place: 'daoli' }))).value).toBe('10');
  });

  it('two identical signed reports racing: exactly one lands', async () => {
    const { ledger, store, federation } = open;
    const outcomes = await Promise.all([1, 2, 3].map(() => ledger.report({ ...daoli, signature: federation.signer() })()));
    const landed = outcomes.filter((o) => o._tag === 'Right');
    expect(landed).toHaveLength(1);
    for (const o of outcomes.filter((x) => x._tag === 'Left')) expect(o).toMatchObject({ left: { _tag: 'SignatureRefused', problem: 'replayed' } });
    const reports = (await logOf(store)).filter((e) => e.type === 'ProgressReported');
    expect(reports).toHaveLength(1);
  });

  it('the audit flags a signed report copied into the store past the ledger as replayed', async () => {
    const { ledger, store, federation } = open;
    const r = await run(ledger.report({ ...daoli, signature: federation.signer() }));
    const original = (await run(store.readEvent(r.eventId)))!;
    const last = (await run(store.readStream(original.stream))).at(-1)!;
    const copy = { eventId: '01JBBBBBBBBBBBBBBBBBBBBBBB', type: original.type, schemaVersion: original.schemaVersion, data: original.data, metadata: original.metadata };
    await run(store.append(original.stream, [copy], last.revision));
    await run(ledger.project());
    const trail = await run(ledger.audit({ task: 3, metric: daoli.metric, place: 'daoli', history: true }));
    const byId = new Map(trail.signatures.map((s) => [s.eventId, s.status]));
    expect(byId.get(r.eventId)).toBe('verified');
    expect(byId.get(copy.eventId)).toBe('replayed');
  });

  it('needs the signature on corrections and retractions too', async () => {
    const { ledger, federation } = open;
    const r = await run(ledger.report({ ...daoli, signature: federation.signer() }));
    await refusedWithNothingWritten(() => ledger.correct({ eventId: r.eventId, value: '14', reason: 'recount', by: 'womens-federation' }), 'SignatureRefused', /ProgressCorrected needs the signature/);
    await refusedWithNothingWritten(() => ledger.retract({ eventId: r.eventId, reason: 'duplicate', by: 'womens-federation' }), 'SignatureRefused', /ProgressRetracted needs the signature/);
    const c = await run(ledger.correct({ eventId: r.eventId, value: '14', reason: 'recount', by: 'womens-federation', signature: federation.signer() }));
    await run(ledger.retract({ eventId: c.eventId, reason: 'duplicate', by: 'womens-federation', signature: federation.signer() }));
  });

  it('refuses key events without the administrator signature, and signing off without it', async () => {
    const { ledger, federation } = open;
    const impostor = testKey('impostor');
    const other = testKey('womens-federation-2');
    await refusedWithNothingWritten(() => ledger.registerKey({ unit: '市妇联', key: other.text, admin: impostor.signer() }), 'KeyEventRefused', /must be signed by the administrator's key/);
    await refusedWithNothingWritten(() => ledger.registerKey({ unit: '市妇联', key: other.text, admin: federation.signer() }), 'KeyEventRefused', /must be signed by the administrator's key/);
    await refusedWithNothingWritten(() => ledger.disableSigning({ admin: impostor.signer() }), 'KeyEventRefused', /SigningDisabled must be signed by the administrator's key/);
    await refusedWithNothingWritten(() => ledger.enableSigning({ adminKey: impostor.text, admin: impostor.signer() }), 'KeyEventRefused', /signed mode is on already/);
    // A forged signature claiming the administrator's key id.
    const forged = (c: string) => ({ ...impostor.signer()(c), keyId: open.admin.keyId });
    await refusedWithNothingWritten(() => ledger.disableSigning({ admin: forged }), 'KeyEventRefused', /administrator's signature of SigningDisabled does not verify/);
    expect((await run(ledger.signing())).on).toBe(true);
  });

  it('rotates a key: old reports still verify in the audit, the old key signs nothing new', async () => {
    const { ledger, admin, federation } = open;
    const old = await run(ledger.report({ ...daoli, signature: federation.signer() }));
    const next = testKey('womens-federation-2025');
    await run(ledger.registerKey({ unit: '市妇联', key: next.text, admin: admin.signer() }));
    await run(ledger.revokeKey({ unit: '市妇联', keyId: federation.keyId, reason: 'rotated', admin: admin.signer() }));
    await refusedWithNothingWritten(() => ledger.report({ ...daoli, value: '15', signature: federation.signer() }), 'SignatureRefused', new RegExp(`key ${federation.keyId} of 市妇联 was revoked at position \\d+`));
    const fresh = await run(ledger.report({ ...daoli, value: '15', signature: next.signer() }));
    const trail = await run(ledger.audit({ task: 3, metric: daoli.metric, place: 'daoli', history: true }));
    const byId = new Map(trail.signatures.map((s) => [s.eventId, s]));
    expect(byId.get(old.eventId)).toMatchObject({ status: 'verified', keyId: federation.keyId, unit: 'womens-federation' });
    expect(byId.get(fresh.eventId)).toMatchObject({ status: 'verified', keyId: next.keyId });
  });

  it('signing off is an administrator-signed event; after it unsigned reports pass and earlier signatures still verify', async () => {
    const { ledger, admin, federation } = open;
    const signed = await run(ledger.report({ ...daoli, signature: federation.signer() }));
    await run(ledger.disableSigning({ reason: 'pilot over', admin: admin.signer() }));
    const plain = await run(ledger.report({ ...daoli, value: '20' }));
    await refusedWithNothingWritten(() => ledger.report({ ...daoli, signature: federation.signer() }), 'SignatureRefused', /not in signed mode/);
    const trail = await run(ledger.audit({ task: 3, metric: daoli.metric, place: 'daoli', history: true }));
    const byId = new Map(trail.signatures.map((s) => [s.eventId, s]));
    expect(byId.get(signed.eventId)?.status).toBe('verified');
    expect(byId.get(plain.eventId)?.status).toBe('unsigned');
  });

  it('a SigningDisabled written past the ledger does not switch signing off: every write that needs the record is refused', async () => {
    const { store, ledger, federation } = open;
    const last = (await run(store.readStream(LEDGER_STREAM))).at(-1)!;
    const forged = { eventId: '01JAAAAAAAAAAAAAAAAAAAAAAA', type: 'SigningDisabled', schemaVersion: 1, data: {}, metadata: { ...last.metadata, signature: { keyId: open.admin.keyId, signature: last.metadata.signature!.signature } } };
    await run(store.append(LEDGER_STREAM, [forged], last.revision));
    const e = await fail(ledger.report(daoli));
    expect(e).toMatchObject({ _tag: 'SigningRecordDamaged', code: 'signing.recordDamaged', fields: { type: 'SigningDisabled', eventId: forged.eventId, damage: 'badSignature' } });
    expect(e.message).toMatch(/signing record is damaged at position \d+ \(SigningDisabled .*\): its administrator signature does not verify/);
    expect((await fail(ledger.report({ ...daoli, signature: federation.signer() })))._tag).toBe('SigningRecordDamaged');
  });

  it('an unsigned ledger stays the default and refuses a signature it cannot check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minsheng-unsigned-'));
    try {
      const clock = manualClock('2024-01-05T02:00:00Z');
      const store = createSqliteEventStore({ file: join(dir, 'ledger.db'), registry: ledgerRegistry, clock });
      const ledger = createLedger({ store, readModel: createSqliteReadModel({ file: join(dir, 'read.db') }), clock });
      await run(ledger.init('simulated'));
      await run(ledger.importPlan(plan));
      clock.set('2024-10-01T02:00:00Z');
      const r = await run(ledger.report(daoli));
      expect((await run(store.readEvent(r.eventId)))!.metadata.signature).toBeUndefined();
      const before = await head(store);
      expect(await fail(ledger.report({ ...daoli, signature: open.federation.signer() }))).toMatchObject({ _tag: 'SignatureRefused', problem: 'unsignedLedger', code: 'signature.unsignedLedger' });
      expect(await head(store)).toBe(before);
      expect((await logOf(store)).some((e) => e.type === 'SigningEnabled')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
