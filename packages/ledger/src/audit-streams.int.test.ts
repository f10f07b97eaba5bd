import { inMemoryInternals } from '@minsheng/event-store/testing';
import { createLedger, type AuditQuery, type Ledger } from './ledger';
import { fail, loadHarbinPlan, manualClock, openHarbinLedger, run, type HarbinLedger } from './testing';

const plan = loadHarbinPlan();
const ROADS = { task: 19, metric: 't19-rural-roads' };

/**
 * An audit keeps the streams it read (audit-streams.ts) and replays only the reports that matter
 * at the moment (audit-folds.ts): its trail must be the one a whole read of every stream gives,
 * it must see what was appended since, and an event it shows must still be read checked.
 */
describe('an audit from kept streams', () => {
  let opened: HarbinLedger;
  let kept: Ledger;
  let whole: Ledger;
  const clock = manualClock('2024-10-01T02:00:00Z');

  beforeEach(async () => {
    opened = await openHarbinLedger(clock, plan, { prefix: 'minsheng-audit-streams-' });
    kept = opened.ledger;
    whole = createLedger({ store: opened.store, readModel: opened.model, clock, keepAuditStreams: false });
    const r = (place: string, asOf: string, value: string) => run(kept.report({ ...ROADS, place, asOf, value, by: 'transport' }));
    const first = await r('bayan', '2024-08-31', '100');
    await r('mulan', '2024-08-31', '40');
    clock.set('2024-10-05T02:00:00Z');
    await r('bayan', '2024-09-30', '180');
    await run(kept.correct({ eventId: first.eventId, value: '120', reason: '复核', by: 'transport' }));
    const late = await r('mulan', '2024-07-31', '90');
    clock.set('2024-10-09T02:00:00Z');
    await run(kept.retract({ eventId: late.eventId, reason: '重复上报', by: 'transport' }));
    await r('tonghe', '2024-09-30', '12');
  });
  afterEach(async () => {
    await opened.close();
  });

  const queries: AuditQuery[] = [
    ROADS,
    { ...ROADS, place: 'bayan' },
    { ...ROADS, place: 'mulan', history: true },
    { ...ROADS, asOf: '2024-09-15' },
    { ...ROADS, place: 'bayan', knownAt: new Date('2024-10-03T00:00:00Z') },
    { ...ROADS, knownAt: new Date('2024-10-06T00:00:00Z'), history: true },
  ];

  it('gives, audit after audit, the trail a whole read of every stream gives', async () => {
    for (let round = 0; round < 2; round++)
      for (const q of queries) {
        const fromKept = await run(kept.audit(q));
        expect(fromKept).toEqual(await run(whole.audit(q)));
        expect(fromKept.replay.matches).toBe(true);
      }
  });

  it('sees a report, a correction and a retraction appended after the streams were kept', async () => {
    expect((await run(kept.audit(ROADS))).value).toBe('232');
    clock.set('2024-10-12T02:00:00Z');
    const r = await run(kept.report({ ...ROADS, place: 'daoli', asOf: '2024-09-30', value: '7', by: 'transport' }));
    expect((await run(kept.audit(ROADS))).value).toBe('239');
    await run(kept.correct({ eventId: r.eventId, value: '9', reason: '复核', by: 'transport' }));
    const corrected = await run(kept.audit(ROADS));
    expect(corrected.value).toBe('241');
    expect(corrected).toEqual(await run(whole.audit(ROADS)));
    await run(kept.retract({ eventId: r.eventId, reason: '误报', by: 'transport' }));
    const retracted = await run(kept.audit(ROADS));
    expect(retracted.value).toBe('232');
    expect(retracted).toEqual(await run(whole.audit(ROADS)));
    const daoli = { ...ROADS, place: 'daoli', history: true };
    expect((await run(kept.audit(daoli))).entries.map((e) => e.type)).toEqual(['ProgressReported', 'ProgressCorrected', 'ProgressRetracted']);
  });

  it('reads every event it shows again, checked: a shown row changed after the streams were kept is a broken chain', async () => {
    const before = await run(kept.audit({ ...ROADS, place: 'tonghe' }));
    const shown = before.entries[0]!;
    const rows = inMemoryInternals(opened.store).rows;
    const i = rows.findIndex((row) => row.position === shown.position);
    rows[i] = { ...rows[i]!, data: rows[i]!.data.replace('"value":"12"', '"value":"21"') };
    expect(await fail(kept.audit({ ...ROADS, place: 'tonghe' }))).toMatchObject({
      _tag: 'BrokenChain',
      position: shown.position,
      reason: "stored hash does not match the event's content",
    });
    // The city figure shows it too.
    expect(await fail(kept.audit(ROADS))).toMatchObject({ _tag: 'BrokenChain', position: shown.position });
  });
});
