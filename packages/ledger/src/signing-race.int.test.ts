import { isProgressSignedType, ledgerRegistry, type StoredEvent } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createSqliteReadModel, type SqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { createPostgresEventStore } from '@minsheng/store-postgres';
import { usePostgres } from '@minsheng/store-postgres/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type Ledger } from './ledger';
import { readSigningRecord } from './signing-record';
import { testKey } from './signing-test-keys';
import { checkStoredSignature } from './unit-signature';
import { loadHarbinPlan, manualClock, run } from './testing';

/*
 * Issue 16: a report, correction or retraction decided while signing was off races the
 * administrator's `signing on`. Two store handles on one real database (two SQLite connections,
 * two PostgreSQL pools): the reporters' and the administrator's. Afterwards every progress event
 * stored after SigningEnabled carries a signature that verifies; the losers are refused with the
 * signed-mode reason. Before the append carried its condition on the ledger stream, the gated
 * test stored all five unsigned after SigningEnabled, and the rounds stored unsigned reports
 * inside a signed period on both engines (9 on SQLite, 7 on PostgreSQL, in one run).
 */

const plan = loadHarbinPlan();
const PLACES = ['daoli', 'nangang', 'daowai', 'xiangfang', 'pingfang', 'songbei', 'hulan', 'acheng'];
const roads = (place: string, value: string) => ({ task: 19, metric: 't19-rural-roads', place, asOf: '2024-09-30', value, by: 'transport' });
const admin = testKey('harbin-admin');

interface Backend {
  /** Two handles on one fresh, empty database, and what to close. */
  open(): Promise<{ stores: [EventStore, EventStore]; close(): Promise<void> }>;
}

interface Opened {
  /** The reporters' ledger; its appends to progress streams go through `gate` first. */
  readonly reporters: Ledger;
  /** The administrator's ledger, on the other handle. */
  readonly office: Ledger;
  readonly store: EventStore;
  gate: (() => Promise<unknown>) | null;
  close(): Promise<void>;
}

const openBoth = async (backend: Backend, dir: string): Promise<Opened> => {
  const { stores, close } = await backend.open();
  const clock = manualClock('2024-01-05T02:00:00Z');
  const model: SqliteReadModel = createSqliteReadModel({ file: join(dir, 'read.db') });
  const office = createLedger({ store: stores[1], readModel: model, clock });
  await run(office.init('simulated'));
  await run(office.importPlan(plan));
  clock.set('2024-10-01T02:00:00Z');
  const opened: Opened = {
    office,
    store: stores[0],
    gate: null,
    reporters: undefined as unknown as Ledger,
    close: async () => {
      model.close();
      await close();
    },
  };
  // The condition, whatever it is, passes through untouched: the wrapper only chooses when the append runs.
  const gated: EventStore = {
    ...stores[0],
    append: (...args) => async () => {
      if (args[0].startsWith('progress-')) await opened.gate?.();
      return stores[0].append(...args)();
    },
  };
  return Object.assign(opened, { reporters: createLedger({ store: gated, readModel: model, clock }) });
};

const ROUNDS = 16;
const STEP = 15;

const enable = (office: Ledger) => run(office.enableSigning({ adminKey: admin.text, admin: admin.signer() }));

/** Every progress event's signature, checked as the audit checks it: 'missing' is one stored unsigned while signing was on. */
const signatureStatuses = async (store: EventStore) => {
  const log: readonly StoredEvent[] = await run(store.readAll());
  const record = await run(readSigningRecord(store));
  return log.filter((e) => isProgressSignedType(e.type)).map((e) => checkStoredSignature(record, e, log.filter((x) => x.stream === e.stream)).status);
};

/** Every progress event stored after SigningEnabled, checked as the audit checks it. */
const afterSigningOn = async (store: EventStore) => {
  const log: readonly StoredEvent[] = await run(store.readAll());
  const record = await run(readSigningRecord(store));
  const on = log.find((e) => e.type === 'SigningEnabled')!;
  return log
    .filter((e) => e.position > on.position && isProgressSignedType(e.type))
    .map((e) => checkStoredSignature(record, e, log.filter((x) => x.stream === e.stream)).status);
};

const scenarios = (backend: Backend) => {
  let dir: string;
  let at: Opened;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minsheng-signing-race-'));
    at = await openBoth(backend, dir);
  });
  afterEach(async () => {
    await at.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses reports, a correction and a retraction decided unsigned when signing went on before they were written', async () => {
    const first = await run(at.reporters.report(roads('daoli', '10')));
    const second = await run(at.reporters.report(roads('nangang', '10')));
    let enabled: Promise<unknown> | undefined;
    // Each command has read the signing record (off) and sealed itself unsigned; signing goes on before any is written.
    at.gate = () => (enabled ??= enable(at.office));
    const outcomes = await Promise.all([
      at.reporters.report(roads('daowai', '3'))(),
      at.reporters.report(roads('xiangfang', '4'))(),
      at.reporters.report(roads('pingfang', '5'))(),
      at.reporters.correct({ eventId: first.eventId, value: '11', reason: '复核', by: 'transport' })(),
      at.reporters.retract({ eventId: second.eventId, reason: '重复上报', by: 'transport' })(),
    ]);
    expect(enabled).toBeDefined();
    for (const o of outcomes) {
      expect(o).toMatchObject({ _tag: 'Left', left: { _tag: 'SignatureRefused', problem: 'missing' } });
      if (o._tag === 'Left') expect(o.left.message).toMatch(/^the ledger is in signed mode: a Progress(Reported|Corrected|Retracted) needs the signature/);
    }
    expect(await afterSigningOn(at.store)).toEqual([]);
  });

  it(`leaves no unsigned report in a signed period when ${PLACES.length} reports race signing on, round after round`, async () => {
    // Microtask turns: the SQLite store answers within one turn of the event loop, PostgreSQL's over the network.
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await Promise.resolve();
    };
    let refused = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Signing goes on a few turns of the event loop after the reports start: each round cuts them at another step.
      const outcomes = await Promise.all([...PLACES.map((p, i) => at.reporters.report(roads(p, String(round * 10 + i)))()), turns(round * STEP).then(() => enable(at.office)).then(() => null)]);
      for (const o of outcomes) if (o !== null && o._tag === 'Left') (expect(o.left).toMatchObject({ _tag: 'SignatureRefused', problem: 'missing' }), refused++);
      await run(at.office.disableSigning({ admin: admin.signer() }));
    }
    expect(await signatureStatuses(at.store)).not.toContain('missing');
    // Some round did cut the reports: the test raced something.
    expect(refused).toBeGreaterThan(0);
  });

  it('lands a signed report decided after the race, with a signature that verifies', async () => {
    at.gate = null;
    await enable(at.office);
    const transport = testKey('transport-2024');
    await run(at.office.registerKey({ unit: 'transport', key: transport.text, admin: admin.signer() }));
    await run(at.reporters.report({ ...roads('daoli', '12'), signature: transport.signer() }));
    expect(await afterSigningOn(at.store)).toEqual(['verified']);
  });
};

describe('unsigned progress commands racing signing on (SQLite, two connections)', () => {
  const sqlite: Backend = {
    open: async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'minsheng-signing-race-db-')), 'ledger.db');
      const clock = manualClock('2024-01-05T02:00:00Z');
      const stores: [EventStore, EventStore] = [
        createSqliteEventStore({ file, registry: ledgerRegistry, clock }),
        createSqliteEventStore({ file, registry: ledgerRegistry, clock }),
      ];
      return { stores, close: async () => (await Promise.all(stores.map((s) => s.close())), rmSync(join(file, '..'), { recursive: true, force: true })) };
    },
  };
  scenarios(sqlite);
});

describe('unsigned progress commands racing signing on (PostgreSQL, two pools)', () => {
  const pg = usePostgres();
  const postgres: Backend = {
    open: async () => {
      const url = await pg.server().createDatabase();
      const stores: [EventStore, EventStore] = [
        await createPostgresEventStore({ connectionString: url, registry: ledgerRegistry }),
        await createPostgresEventStore({ connectionString: url, registry: ledgerRegistry }),
      ];
      return { stores, close: async () => void (await Promise.all(stores.map((s) => s.close()))) };
    },
  };
  scenarios(postgres);
});
