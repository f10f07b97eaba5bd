import { usePostgres } from '@minsheng/store-postgres/testing';
import type { FastifyInstance } from 'fastify';
import { isLeft } from 'fp-ts/Either';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLedger, type Opened } from './open';
import { createService } from './service';
import { startWorker } from './worker';

const pg = usePostgres(); // first: a real embedded PostgreSQL (or $DATABASE_URL) for this file

/*
 * Issue 13, item 17: 200 reports POSTed at once over 10 (metric, place) streams, to two
 * service processes' worth of apps (each with its own pool) over real HTTP, with a separate
 * projection worker: every one answered 201 and stored once; the chain verifies and a
 * rebuild of the read model equals the live one. Bounded: 200 requests.
 */

const plan = readFileSync(join(__dirname, '..', '..', '..', 'seeds', 'harbin-2024.json'), 'utf8');
const REPORTS = 200;
const places = ['daoli', 'daowai', 'nangang', 'xiangfang', 'pingfang', 'songbei', 'hulan', 'acheng', 'shuangcheng', 'shangzhi'];
const FAST = { leaseMs: 1000, pollMs: 20 };

const listen = async (app: FastifyInstance): Promise<string> => {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
};

const post = async (url: string, body: string) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as { eventId?: string; error?: string; message?: string } };
};

const get = async (url: string) => (await fetch(url)).json() as Promise<{ lag?: number; rows?: unknown[] }>;

const run = async <A>(te: () => Promise<import('fp-ts/Either').Either<{ message: string }, A>>): Promise<A> => {
  const r = await te();
  if (isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

describe('the HTTP service under 200 concurrent reports', () => {
  const apps: FastifyInstance[] = [];
  let opened: Opened;
  afterAll(async () => {
    for (const app of apps) await app.close();
    await opened?.close();
  });

  it('answers 201 to each, stores each once, verifies, and rebuilds to the live view', async () => {
    for (let i = 0; i < 2; i++) apps.push(await createService({ databaseUrl: pg.databaseUrl(), worker: 'separate', ...FAST }, { logger: false }));
    const urls = await Promise.all(apps.map(listen));
    opened = await openLedger(pg.databaseUrl());
    const worker = startWorker(opened, FAST);
    const caughtUp = async () => {
      for (;;) {
        if ((await get(`${urls[0]}/health`)).lag === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      expect((await post(`${urls[0]}/plans`, plan)).status).toBe(201);
      await caughtUp();

      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: REPORTS }, (_, i) =>
          post(
            `${urls[i % urls.length]}/reports`,
            JSON.stringify({
              planId: 'harbin-2024',
              task: 19,
              metric: 't19-rural-roads',
              place: places[i % places.length],
              asOf: '2024-09-30',
              value: String(i + 1),
              responsibleUnit: 'transport',
              source: { document: `load-${i}` },
            }),
          ),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      expect(answers.filter((a) => a.status !== 201)).toEqual([]);
      expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(REPORTS);

      const events = await run(opened.store.readAll());
      const reported = events.filter((e) => e.type === 'ProgressReported');
      expect(reported.map((e) => e.eventId).sort()).toEqual(answers.map((a) => a.body.eventId).sort());
      expect(await run(opened.ledger.verify())).toMatchObject({ ok: true, events: events.length });

      await caughtUp();
      await worker.stop();
      const view = `status?groupBy=district&asOf=2024-09-30&knownAt=${new Date().toISOString()}`;
      const live = await get(`${urls[0]}/${view}`);
      expect(live.rows?.length).toBeGreaterThan(0);
      await run(opened.ledger.rebuild());
      expect(await get(`${urls[1]}/${view}`)).toEqual(live);
      process.stdout.write(`load HTTP example on PostgreSQL: ${REPORTS}/${REPORTS} reports answered 201 in ${seconds.toFixed(2)} s\n`);
    } finally {
      await worker.stop();
    }
  });
});
