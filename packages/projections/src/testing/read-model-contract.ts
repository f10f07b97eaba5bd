import { chainHash, GENESIS_HASH, newEventId, type Figure, type StoredEvent } from '@minsheng/core';
import { inForce } from '../audit/replay';
import type { ReadModelWriter } from '../read-model/projection';
import type { ReadModelReader } from '../read-model/rows';

export interface ReadModelUnderTest {
  readonly reader: ReadModelReader;
  readonly writer: ReadModelWriter;
}

export interface ReadModelContractOptions {
  /** A fresh, empty read model. `now` drives lease expiry where the engine lets a test set it. */
  readonly create: () => Promise<ReadModelUnderTest>;
  readonly dispose: (m: ReadModelUnderTest) => Promise<void>;
  /**
   * Optional, for an engine that keeps each pair's figure in force in a row: those rows as stored
   * (the position in force, null for none), and a reader of the same read model that never reads
   * them (it runs the effective-figure query for every pair). Close it with the model.
   */
  readonly inForce?: (m: ReadModelUnderTest) => Promise<InForceProbe>;
}

export interface InForceProbe {
  rows(): Promise<{ plan: string; metric: string; place: string; position: number | null }[]>;
  readonly reference: ReadModelReader;
  close(): Promise<void>;
}

/** A deterministic PRNG so a failing case can be replayed. */
const prng = (seed: number) => () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};

const DAY = 24 * 3600 * 1000;

/** Random reports, corrections and retractions of one metric over three places, with a valid hash chain. */
export const randomHistory = (seed: number, n: number): StoredEvent[] => {
  const rnd = prng(seed);
  const places = ['a', 'b', 'c'];
  const events: StoredEvent[] = [];
  const reports: { id: string; place: string }[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const recordedAt = new Date(Date.UTC(2024, 0, 1) + i * DAY).toISOString();
    const asOf = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * (i + 10)) * DAY).toISOString().slice(0, 10);
    const figure: Figure = { kind: 'quantity', value: String(Math.floor(rnd() * 100)), unit: '个' };
    const roll = rnd();
    const target = reports[Math.floor(rnd() * reports.length)];
    const head = { planId: 'p', task: 1, metric: 'm' };
    let type: string;
    let data: unknown;
    let place: string;
    if (roll < 0.6 || !target) {
      place = places[Math.floor(rnd() * places.length)]!;
      type = 'ProgressReported';
      data = { ...head, place, asOf, figure };
    } else if (roll < 0.9) {
      place = target.place;
      type = 'ProgressCorrected';
      data = { ...head, place, corrects: target.id, asOf, figure, reason: 'fix' };
    } else {
      place = target.place;
      type = 'ProgressRetracted';
      data = { ...head, place, retracts: target.id, reason: 'wrong' };
    }
    const env = { eventId: newEventId(), type, schemaVersion: 1, data, metadata: { actor: { unit: 'u' }, recordedAt, correlationId: 'c' } };
    const hash = chainHash(prev, place, i, env);
    events.push({ ...env, stream: place, revision: i, position: i, prevHash: prev, hash });
    prev = hash;
    if (type === 'ProgressReported') reports.push({ id: env.eventId, place });
  }
  return events;
};

/** The behaviour every read-model engine must share. Call inside a jest file. */
export const runReadModelContract = (name: string, o: ReadModelContractOptions): void => {
  describe(`read model contract: ${name}`, () => {
    let models: ReadModelUnderTest[] = [];
    const fresh = async () => {
      const m = await o.create();
      models.push(m);
      return m;
    };
    afterEach(async () => {
      await Promise.all(models.map((m) => o.dispose(m)));
      models = [];
    });

    it('answers "which figure is in force" exactly as replaying the trail does, at every asOf and knownAt', async () => {
      for (const seed of [1, 2, 3]) {
        const rm = await fresh();
        const events = randomHistory(seed, 120);
        expect(await rm.writer.applyBatch('ledger-index', 0, events.slice(0, 50))).toBe('applied');
        expect(await rm.writer.applyBatch('ledger-index', 50, events.slice(50))).toBe('applied');
        const { versions, retractions } = await rm.reader.history('p', 'm', null);
        expect(versions.length + retractions.length).toBe(120);
        for (let k = 0; k <= 130; k += 11)
          for (let a = 0; a <= 140; a += 13) {
            const at = { knownAt: Date.UTC(2024, 0, 1) + k * DAY, asOf: new Date(Date.UTC(2024, 0, 1) + a * DAY).toISOString().slice(0, 10) };
            const engine = (await rm.reader.effectiveFigures('p', 'm', at)).map((v) => v.eventId).sort();
            const replay = inForce(versions, retractions, at).map((v) => v.eventId).sort();
            expect({ seed, at, engine }).toEqual({ seed, at, engine: replay });
          }
      }
    });

    if (o.inForce)
      it('keeps each pair\'s figure in force at the head equal to the effective-figure query, batch after batch', async () => {
        const head = { asOf: '9999-12-31', knownAt: 8.64e15 };
        for (const seed of [4, 5, 6, 7, 8, 9, 10, 12]) {
          const rm = await fresh();
          const probe = await o.inForce!(rm);
          try {
            const events = randomHistory(seed, 150);
            const rnd = prng(seed * 7);
            let at = 0;
            while (at < events.length) {
              const next = Math.min(events.length, at + 1 + Math.floor(rnd() * 12));
              expect(await rm.writer.applyBatch('ledger-index', at, events.slice(at, next))).toBe('applied');
              at = next;
              const expected = new Map((await probe.reference.effectiveFigures('p', 'm', head)).map((v) => [v.place, v.position]));
              const rows = await probe.rows();
              expect(rows.length).toBeGreaterThan(0);
              for (const r of rows) expect({ seed, at, place: r.place, position: r.position }).toEqual({ seed, at, place: r.place, position: expected.get(r.place) ?? null });
              // The reader that uses the rows answers as the query does, at the head and after it.
              for (const moment of [head, { asOf: '2024-03-01', knownAt: 8.64e15 }, { asOf: '9999-12-31', knownAt: Date.UTC(2024, 3, 1) }]) {
                const fast = (await rm.reader.effectiveFigures('p', 'm', moment)).map((v) => v.eventId);
                expect({ seed, at, moment, fast }).toEqual({ seed, at, moment, fast: (await probe.reference.effectiveFigures('p', 'm', moment)).map((v) => v.eventId) });
              }
            }
          } finally {
            await probe.close();
          }
        }
      });

    it('keeps a plan\'s status settings and a target\'s status fields (issue 14) exactly as recorded', async () => {
      const rm = await fresh();
      const frame = {
        planId: 'p', title: 't', document: 'd', issuedBy: 'i', publishedOn: '2024-01-01', periodStart: '2024-01-01', periodEnd: '2024-12-31',
        timeZone: '+08:00',
        onTrackTolerance: { value: '10', reason: 'assumption: ten points' },
        approximateTolerance: { value: '0.05', reason: 'assumption: 左右 has no band in the source' },
        places: [{ id: 'c', name: '市', kind: 'city' }, { id: 'a', name: '甲区', kind: 'district', parent: 'c' }],
        responsibleUnits: [{ id: 'u', name: '单位' }, { id: 'f', name: '财政' }],
        deadlines: [{ id: 'heat', kind: 'completion', due: '2024-10-20', appliesTo: 'named', description: '供热期前' }],
        tasks: [{ number: 1, title: 't' }],
      };
      const target = {
        planId: 'p',
        task: { number: 1, title: 't', description: 'd', outdoor: true },
        responsibleUnits: ['f'],
        metric: {
          id: 'm', name: 'm', level: 'district',
          baseline: { value: '40', asOf: '2023-12-31' },
          schedule: { profile: 'points', points: [{ date: '2024-06-30', percent: '30' }] },
          measuredAtPeriodEnd: true,
          allocation: [{ place: 'a', value: '60', baseline: { value: '41.5', asOf: '2023-12-31' } }],
        },
        target: { kind: 'share', value: '60', unit: '%', numerator: 'n', denominator: 'd' },
        deadlines: ['heat'],
      };
      let prev = GENESIS_HASH;
      const events: StoredEvent[] = [['PlanPublished', frame], ['TargetSet', target]].map(([type, data], i) => {
        const env = { eventId: newEventId(), type: type as string, schemaVersion: 1, data, metadata: { actor: { system: 't' }, recordedAt: '2024-01-02T00:00:00.000Z', correlationId: 'c' } };
        const hash = chainHash(prev, 'plan', i + 1, env);
        const e = { ...env, stream: 'plan', revision: i + 1, position: i + 1, prevHash: prev, hash } as StoredEvent;
        prev = hash;
        return e;
      });
      expect(await rm.writer.applyBatch('ledger-index', 0, events)).toBe('applied');
      const at = Date.UTC(2024, 1, 1);
      expect((await rm.reader.frame('p', at))?.data).toEqual(frame);
      expect((await rm.reader.targets('p', at)).map((t) => t.data)).toEqual([target]);
    });

    it('names the hash of the event it applied at a position (the check of a read model against the log)', async () => {
      const rm = await fresh();
      const events = randomHistory(3, 12);
      expect(await rm.writer.applyBatch('ledger-index', 0, events)).toBe('applied');
      for (const e of events) expect(await rm.reader.hashAt(e.position)).toBe(e.hash);
      expect(await rm.reader.hashAt(13)).toBeNull();
    });

    it('commits a batch only when the checkpoint is where the caller saw it', async () => {
      const rm = await fresh();
      const events = randomHistory(9, 10);
      expect(await rm.writer.applyBatch('ledger-index', 0, events.slice(0, 5))).toBe('applied');
      // A second worker that also read from 0 must not apply the same events again.
      expect(await rm.writer.applyBatch('ledger-index', 0, events.slice(0, 5))).toBe('checkpoint-moved');
      expect(await rm.reader.checkpoint()).toBe(5);
      const { versions, retractions } = await rm.reader.history('p', 'm', null);
      expect(versions.length + retractions.length).toBe(5);
    });

    it('rolls back rows and checkpoint together when a batch fails half way', async () => {
      const rm = await fresh();
      const events = randomHistory(11, 6);
      expect(await rm.writer.applyBatch('ledger-index', 0, events.slice(0, 3))).toBe('applied');
      const dup = [events[3]!, events[4]!, { ...events[1]!, position: 6 }]; // event 2's id again: unique index fails
      await expect(rm.writer.applyBatch('ledger-index', 3, dup)).rejects.toThrow(/applying positions 4\.\.6 failed/);
      expect(await rm.reader.checkpoint()).toBe(3);
      const h = await rm.reader.history('p', 'm', null);
      expect(h.versions.length + h.retractions.length).toBe(3);
    });

    it('lets one owner hold a lease, and fences a batch from a worker that does not hold it', async () => {
      const rm = await fresh();
      const events = randomHistory(5, 4);
      expect(await rm.writer.acquireLease('ledger-index', 'w1', 60_000)).toBe(true);
      expect(await rm.writer.acquireLease('ledger-index', 'w2', 60_000)).toBe(false);
      expect(await rm.writer.acquireLease('ledger-index', 'w1', 60_000)).toBe(true); // renewal
      expect(await rm.writer.applyBatch('ledger-index', 0, events, 'w2')).toBe('lease-lost');
      expect(await rm.writer.applyBatch('ledger-index', 0, events, 'w1')).toBe('applied');
      const [state] = await rm.reader.projections();
      expect(state).toMatchObject({ projection: 'ledger-index', checkpoint: 4, owner: 'w1' });
      await rm.writer.releaseLease('ledger-index', 'w1');
      expect(await rm.writer.acquireLease('ledger-index', 'w2', 60_000)).toBe(true);
    });

    it('hands an expired lease to another owner', async () => {
      const rm = await fresh();
      expect(await rm.writer.acquireLease('ledger-index', 'w1', 50)).toBe(true);
      await new Promise((r) => setTimeout(r, 120));
      expect(await rm.writer.acquireLease('ledger-index', 'w2', 60_000)).toBe(true);
      expect(await rm.writer.applyBatch('ledger-index', 0, randomHistory(3, 2), 'w1')).toBe('lease-lost');
    });

    it('resets to an empty index at checkpoint 0 for a rebuild', async () => {
      const rm = await fresh();
      await rm.writer.applyBatch('ledger-index', 0, randomHistory(7, 20));
      await rm.writer.reset('ledger-index');
      expect(await rm.reader.checkpoint()).toBe(0);
      expect((await rm.reader.history('p', 'm', null)).versions).toEqual([]);
      expect(await rm.writer.applyBatch('ledger-index', 0, randomHistory(7, 20))).toBe('applied');
    });
  });
};
