// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { usePostgres } from '@minsheng/store-postgres/testing';
import { startServe, type ServeProcess } from './testing/browser';
import { JAN, OCT1 } from './testing/flows';
import { cli, json, SEED } from './testing/run-cli';

/** Issue 18: `minsheng serve` over a PostgreSQL ledger answers what `minsheng status` prints, and writes nothing. */
const pg = usePostgres();

describe('minsheng serve on PostgreSQL', () => {
  let url = '';
  let serve: ServeProcess;
  const on = (now: string) => ['--database-url', url, '--now', now];

  beforeAll(async () => {
    url = await pg.server().createDatabase('minsheng_serve');
    expect(cli(['init', '--simulated', ...on(JAN)]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...on(JAN)]).code).toBe(0);
    const gas = ['report', '--task', '13', '--metric', 't13-gas-pipe-renewal', '--as-of', '2024-09-30', '--responsible-unit', '市住建局'];
    expect(cli([...gas, '--place', '道里区', '--value', '120', ...on(OCT1)]).code).toBe(0);
    expect(cli([...gas, '--place', '南岗区', '--value', '95.5', ...on(OCT1)]).code).toBe(0);
    serve = await startServe(['--database-url', url]);
  });
  afterAll(async () => {
    await serve?.stop();
  });

  const get = (path: string) => fetch(`${serve.url}${path}`);

  it('answers the city view and the district view as `minsheng status --json` prints them', async () => {
    for (const [query, args] of [
      ['asOf=2024-09-30', ['--as-of', '2024-09-30']],
      ['by=district&place=daoli&asOf=2024-09-30', ['--group-by', 'district', '--place', 'daoli', '--as-of', '2024-09-30']],
    ] as const) {
      const printed = json(cli(['status', '--json', '--database-url', url, ...args]));
      const res = await get(`api/status?${query}`);
      expect(res.status).toBe(200);
      const served = await res.json();
      const pick = (rows: Array<{ metric: string; place: string; value: string | null; status: string }>) => rows.map((r) => [r.metric, r.place, r.value, r.status]);
      expect(pick(served.rows)).toEqual(pick(printed.rows));
      expect(served.rows.length).toBeGreaterThan(0);
    }
    const gas = ((await (await get('api/status?asOf=2024-09-30')).json()).rows as Array<{ metric: string; value: string }>).find((r) => r.metric === 't13-gas-pipe-renewal');
    expect(gas?.value).toBe('215.5');
  });

  it("draws the board and a figure's audit timeline from the PostgreSQL read model", async () => {
    const board = await get('?asOf=2024-09-30');
    expect(board.status).toBe(200);
    expect(await board.text()).toMatch(/<tr class="row" data-task="13" data-metric="t13-gas-pipe-renewal" data-place="harbin"/);
    const figure = await (await get('figure?task=13&metric=t13-gas-pipe-renewal&asOf=2024-09-30')).text();
    expect(figure.match(/id="event-[0-9A-HJKMNP-TV-Z]{26}"/g)).toHaveLength(2);
  });

  it('records nothing: the log is as long after serving pages as before', async () => {
    const before = json(cli(['verify', '--json', '--database-url', url]));
    await get('matrix');
    await get('units');
    expect(before.events).toBeGreaterThan(50);
    expect(json(cli(['verify', '--json', '--database-url', url]))).toMatchObject({ ok: true, events: before.events, head: before.head });
  });
});
