import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, json, SEED, TASK3_DUTIES, tempDir, type CliResult } from './run-cli';

/*
 * The CLI's main flows, run as processes against one ledger per test file. Each engine
 * (SQLite file, PostgreSQL database) supplies how to name its ledger and how to damage
 * it behind the library; every case below runs unchanged on both.
 */

/** What a flow needs from an engine. Called inside tests and hooks only (a server may start in beforeAll). */
export interface LedgerUnderTest {
  readonly name: string;
  /** The event store's schema version a fresh ledger of this build migrates to. */
  readonly schemaVersion: number;
  /** Creates what this file's ledger lives in (a folder, a database); runs in beforeAll. */
  setup(): Promise<void>;
  /** The options naming this file's ledger, e.g. ['--db', file]. */
  args(): string[];
  /** A new place for a ledger: options and environment naming it, and where `init` says it is. */
  fresh(): Promise<{ args: string[]; env: Record<string, string>; where: string }>;
  /** Options naming a place that holds no ledger, and the refusal that names it. */
  missing(): Promise<{ args: string[]; refusal: RegExp }>;
  /** Changes one digit of the second progress report's stored data behind the library. */
  tamper(): Promise<{ position: number; eventId: string }>;
  teardown(): Promise<void>;
}

export const JAN = '2024-01-02T09:00:00+08:00';
export const OCT1 = '2024-10-01T10:00:00+08:00';
export const OCT5 = '2024-10-05T10:00:00+08:00';
export const OCT6 = '2024-10-06T10:00:00+08:00';

/** A one-line refusal: exit status, nothing on stdout, exactly one line on stderr. */
export const expectRefusal = (r: CliResult, code: number, line: RegExp): void => {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')).toHaveLength(2);
  expect(r.stderr).toMatch(/^minsheng: /);
  expect(r.stderr.trimEnd()).toMatch(line);
};

export const describeCliFlows = (engine: LedgerUnderTest): void =>
  describe(`minsheng, run as a process on a ${engine.name} ledger`, () => {
    const tmp = tempDir();
    const run = (args: string[], now?: string) => cli([...args, ...engine.args(), ...(now ? ['--now', now] : [])]);
    const events = (): number => json(run(['verify', '--json'])).events;
    const row = (view: { rows: any[] }, metric: string, place = 'harbin') => view.rows.find((r) => r.metric === metric && r.place === place);

    beforeAll(async () => {
      await engine.setup();
      expect(run(['init', '--simulated'], JAN).code).toBe(0);
      expect(run(['plan', 'import', SEED], JAN).code).toBe(0);
    });
    afterAll(async () => {
      await engine.teardown();
      tmp.remove();
    });

    it('init creates the ledger once, says where, and is idempotent', async () => {
      const fresh = await engine.fresh();
      const first = cli(['init', ...fresh.args]);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`created a production ledger at ${fresh.where}`);
      const again = cli(['init'], fresh.env);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('exists already (1 event, production); nothing changed');
      expect(json(cli(['init', ...fresh.args, '--json']))).toEqual({ where: fresh.where, created: false, events: 1, mode: 'production' });
    });

    it('refuses a missing ledger, both --db and --database-url, and bad options, with one line and exit 2', async () => {
      const missing = await engine.missing();
      expectRefusal(cli(['status', ...missing.args]), 2, missing.refusal);
      expectRefusal(
        cli(['status', '--db', join(tmp.dir, 'x.db'), '--database-url', 'postgres://localhost/x']),
        2,
        /^minsheng: give --db or --database-url, not both$/,
      );
      expectRefusal(run(['status', '--now', 'tomorrow']), 2, /--now: "tomorrow" is not a time/);
      expectRefusal(run(['status', '--frobnicate']), 2, /unknown option '--frobnicate'/);
    });

    it('migrate creates a ledger and prints its schema version before and after; run again it changes nothing', async () => {
      const fresh = await engine.fresh();
      const first = json(cli(['migrate', ...fresh.args, '--json']));
      expect(first).toMatchObject({ where: fresh.where, eventStore: { before: 0, after: engine.schemaVersion }, readModel: { created: true } });
      const again = cli(['migrate', ...fresh.args]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`is at schema version ${engine.schemaVersion} already; nothing to migrate\\nthe read model \\w+ exists already\\n$`));
      // A migrated ledger has no events yet: init records its mode as its first event.
      expect(json(cli(['init', ...fresh.args, '--json']))).toEqual({ where: fresh.where, created: true, events: 1, mode: 'production' });
    });

    it('--no-project leaves the read model to workers: queries read what was committed, worker --status shows the lag', () => {
      const before = json(run(['worker', '--status', '--json']));
      expect(before.projections[0]).toMatchObject({ projection: 'ledger-index', lag: 0, owner: null });
      const paths = ['--task', '14', '--metric', 't14-fitness-paths'];
      const r = run(['report', ...paths, '--place', '双城区', '--value', '7', '--as-of', '2024-09-30', '--responsible-unit', 'sport', '--no-project'], OCT1);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\ntask 14: its completion is checked by the worker that applies this report \(--no-project\)\n$/);
      const place = (v: { rows: any[] }) => v.rows.find((x) => x.metric === 't14-fitness-paths' && x.place === 'shuangcheng');
      expect(place(json(run(['status', '--place', '双城区', '--json', '--no-project'], OCT1)))?.value ?? null).toBeNull();
      expect(place(json(cli(['status', '--place', '双城区', '--json', ...engine.args(), '--now', OCT1], { MINSHENG_NO_PROJECT: '1' })))?.value ?? null).toBeNull();
      const lagging = json(run(['worker', '--status', '--json']));
      expect(lagging.head).toBe(before.head + 1);
      expect(lagging.projections[0]).toMatchObject({ checkpoint: before.head, lag: 1 });
      expect(run(['worker', 'status']).stdout).toMatch(new RegExp(`head of the log: position ${lagging.head}\\n[^]*\\nledger-index +${before.head} +1 +- +free `));
      // Deadlines are judged on an up-to-date read model only: without workers, it waits, then gives up writing nothing.
      expectRefusal(
        run(['deadlines', '--no-project', '--wait-ms', '300'], '2024-11-01T00:00:00+08:00'),
        1,
        /^minsheng: the read model is 1 event behind the log after 0\.3 s; deadlines are judged on an up-to-date read model: .*nothing was recorded$/,
      );
      expect(json(run(['worker', '--status', '--json'])).head).toBe(before.head + 1);
      // A command that projects (the default) brings the read model up to date.
      expect(place(json(run(['status', '--place', '双城区', '--json'], OCT1))).value).toBe('7');
      expect(json(run(['worker', '--status', '--json'])).projections[0]).toMatchObject({ checkpoint: before.head + 1, lag: 0 });
    });

    it('imports the same plan twice: the second time nothing is added', () => {
      const before = events();
      // A simulated ledger's clock moves forward only: at OCT1, the latest time in it so far.
      const r = run(['plan', 'import', SEED], OCT1);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/plan harbin-2024 is in the ledger already as given; nothing was added/);
      expect(json(run(['plan', 'import', SEED, '--json'], OCT1))).toEqual({ planId: 'harbin-2024', written: 0 });
      expect(events()).toBe(before);
    });

    it('refuses a malformed plan listing every problem, exit 2, nothing written', () => {
      const plan = JSON.parse(readFileSync(SEED, 'utf8'));
      plan.id = 'harbin-2025';
      plan.tasks[1].number = 1; // a task number used twice
      plan.tasks[0].responsibleUnits.push('mayor'); // an unknown responsible unit
      plan.deadlines[0].due = '2024-02-30'; // not a real date
      const file = join(tmp.dir, 'bad-plan.json');
      writeFileSync(file, JSON.stringify(plan));
      const before = events();
      const r = run(['plan', 'import', file], JAN);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toBe(`minsheng: ${file}: 3 problems; nothing was imported`);
      expect(lines.slice(1).sort()).toEqual(
        [
          '  deadlines[0].due: "2024-02-30" is not a real date',
          '  tasks[0].responsibleUnits[1]: unknown responsible unit "mayor"',
          '  tasks[1].number: task number 1 is used twice',
        ].sort(),
      );
      expect(events()).toBe(before);
    });

    it('shows the plan: tasks, metrics, targets, responsible units and deadlines', () => {
      const text = run(['plan', 'show']).stdout;
      expect(text).toContain('哈政办发〔2024〕29号');
      expect(text).toMatch(/Task 13 提升城镇燃气覆盖率和用气安全 \(outdoor\)/);
      expect(text).toMatch(/responsible: 市住建局 \(lead\)、市发改委/);
      expect(text).toMatch(/outdoor-completion 2024-10-31/);
      expect(text).toMatch(/t13-gas-pipe-renewal\s+改造老化燃气管道\s+atLeast\s+district\s+500公里/);
      const shown = json(run(['plan', 'show', '--json']));
      expect(shown.frame.planId).toBe('harbin-2024');
      expect(shown.targets).toHaveLength(89);
    });

    it('records a report and prints its event id, position and whether it completed the task', () => {
      const attachment = join(tmp.dir, 'scan.pdf');
      writeFileSync(attachment, 'scanned report');
      for (const duty of TASK3_DUTIES) expect(run([...duty], OCT1).code).toBe(0);
      const r = run(
        ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--value', '12', '--as-of', '2024-09-30',
          '--responsible-unit', '市妇联', '--person', '刘芳', '--document', '哈妇联报〔2024〕9号', '--attachment', attachment],
        OCT1,
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^recorded report [0-9A-Z]{26} at position \d+\ntask 3 was not completed by this event\n$/);
      const done = json(run(
        ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', 'nangang', '--value', '8', '--as-of', '2024-09-30', '--responsible-unit', 'ndrc', '--json'],
        OCT1,
      ));
      expect(done).toMatchObject({ task: 3, completedTask: true, position: expect.any(Number), eventId: expect.stringMatching(/^[0-9A-Z]{26}$/) });
      const trail = json(run(['audit', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--json'], OCT1));
      expect(trail.entries[0].source).toEqual({
        document: '哈妇联报〔2024〕9号',
        attachmentSha256: createHash('sha256').update('scanned report').digest('hex'),
      });
    });

    it('refuses a report from a unit not responsible for the task: one line naming both, nothing written', () => {
      const before = events();
      expectRefusal(
        run(['report', '--task', '1', '--metric', 't01-job-stations', '--place', '道里区', '--value', '5', '--as-of', '2024-09-30', '--responsible-unit', '市教育局'], OCT1),
        2,
        /^minsheng: 市教育局 is not a responsible unit of task 1 \(responsible: 市人社局\)$/,
      );
      expect(events()).toBe(before);
    });

    it.each([
      [['--value', 'abc'], /^minsheng: --value: "abc" must be a decimal number, e\.g\. "2\.55"$/],
      [['--value', '-3'], /^minsheng: --value: "-3" must not be negative$/],
      [['--value', '3', '--measure', '公里'], /^minsheng: --measure: unit 公里 cannot be converted/],
      [['--numerator', '1', '--denominator', '2'], /^minsheng: --value: an at-least target needs a value in 个$/],
    ])('refuses a bad figure %j with one line naming the field', (figure, line) => {
      const before = events();
      expectRefusal(
        run(['report', '--task', '1', '--metric', 't01-job-stations', '--place', 'daoli', '--as-of', '2024-09-30', '--responsible-unit', 'hrss', ...figure], OCT1),
        2,
        line,
      );
      expect(events()).toBe(before);
    });

    it('refuses malformed options before opening anything', () => {
      const report = ['report', '--metric', 't01-job-stations', '--place', 'daoli', '--responsible-unit', 'hrss', '--value', '1'];
      expectRefusal(run([...report, '--task', 'one', '--as-of', '2024-09-30']), 2, /option '--task <n>' argument 'one' is invalid/);
      expectRefusal(run([...report, '--task', '1', '--as-of', '2024-09-31']), 2, /option '--as-of <date>' argument '2024-09-31' is invalid/);
      expectRefusal(run([...report, '--as-of', '2024-09-30']), 2, /required option '--task <n>' not specified/);
      expectRefusal(run([...report, '--task', '1', '--as-of', '2024-09-30', '--stage', 'x']), 2, /cannot be used with option/);
    });

    it('corrects a figure: the view changes, the audit shows both figures and the reason, --known-at shows the old one', () => {
      const gas = ['--task', '13', '--metric', 't13-gas-pipe-renewal'];
      const first = json(run(['report', ...gas, '--place', '道里区', '--value', '120', '--as-of', '2024-09-30', '--responsible-unit', '市住建局', '--person', '张伟', '--json'], OCT1));
      const fixed = run(['correct', first.eventId, '--value', '102', '--reason', '重复统计了松北区的管段', '--responsible-unit', 'housing', '--person', '李娜'], OCT5);
      expect(fixed.code).toBe(0);
      expect(fixed.stdout).toContain(`recorded correction`);
      expect(fixed.stdout).toContain(`of ${first.eventId} at position ${first.position + 1}`);

      expect(row(json(run(['status', '--json'], OCT6)), 't13-gas-pipe-renewal')).toMatchObject({ value: '102', target: '500公里', met: false, percent: '20.4' });
      expect(row(json(run(['status', '--known-at', '2024-10-03', '--json'], OCT6)), 't13-gas-pipe-renewal').value).toBe('120');
      expect(row(json(run(['status', '--known-at', '2024-10-05T10:00:00+08:00', '--json'], OCT6)), 't13-gas-pipe-renewal').value).toBe('102');

      const trail = json(run(['audit', ...gas, '--json'], OCT6));
      expect(trail.entries.map((e: any) => [e.type, e.value, e.person, e.reason, e.inForce])).toEqual([
        ['ProgressReported', '120', '张伟', null, false],
        ['ProgressCorrected', '102', '李娜', '重复统计了松北区的管段', true],
      ]);
      expect(trail.lineage).toEqual([expect.objectContaining({ placeName: '道里区', value: '102', reportId: first.eventId })]);
      expect(trail.replay).toEqual({ value: '102', matches: true });

      const text = run(['audit', ...gas], OCT6).stdout;
      expect(text).toMatch(/Figure: 哈尔滨市 102 公里 \(20\.4% of target\); target 500公里; not met/);
      expect(text).toMatch(/Rule: sum of place figures in 公里/);
      expect(text).toMatch(/corrected\s+#\d+\s+道里区\s+2024-09-30\s+2024-10-05 10:00\s+市住建局\s+李娜\s+102 公里\s+102\s+重复统计了松北区的管段\s+[0-9a-f]{12}\s+in force/);
      expect(text).toMatch(/Replay: the events give 102; matches the figure shown\./);
    });

    it('retracts a report: it stops counting', () => {
      // Recorded at OCT5, the latest time in the ledger so far: an earlier one would be taken as OCT5.
      const r = json(run(['report', '--task', '19', '--metric', 't19-rural-roads', '--place', '巴彦县', '--value', '40', '--as-of', '2024-09-30', '--responsible-unit', 'transport', '--json'], OCT5));
      expect(row(json(run(['status', '--json'], OCT5)), 't19-rural-roads').value).toBe('40');
      const out = run(['retract', r.eventId, '--reason', '误报', '--responsible-unit', '市交通运输局'], OCT6);
      expect(out.code).toBe(0);
      expect(row(json(run(['status', '--json'], OCT6)), 't19-rural-roads').value).toBeNull();
      expectRefusal(run(['retract', r.eventId, '--reason', '再次', '--responsible-unit', 'transport'], OCT6), 2, /is retracted already/);
    });

    it('prints the views as tables for people and rows for machines', () => {
      const city = run(['status'], OCT6).stdout;
      expect(city).toMatch(/^City view — /);
      // Gas pipes keep the construction season (April to October): 88.3% of it has passed by 6 October.
      expect(city).toMatch(/13\s+改造老化燃气管道\s+500公里\s+102 公里\s+20\.4%\s+88\.3%\s+behind/);
      const daoli = run(['status', '--place', '道里区'], OCT6).stdout;
      expect(daoli).toMatch(/^District view: 道里区/);
      expect(daoli).toMatch(/道里区\s+3\s+儿童友好社区\s+20个\s+12 个/);
      const unit = json(run(['status', '--group-by', 'unit', '--responsible-unit', '市住建局', '--json'], OCT6));
      expect(unit.groupBy).toBe('unit');
      expect(new Set(unit.rows.map((r: any) => r.responsibleUnit))).toEqual(new Set(['市住建局']));
      for (const key of ['task', 'metric', 'place', 'unit', 'target', 'value', 'percent', 'met', 'status']) expect(unit.rows[0]).toHaveProperty(key);
    });

    it('records missed deadlines once: the second run records nothing', () => {
      const first = run(['deadlines'], '2024-11-01T00:00:00+08:00');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^recorded \d+ missed deadlines at 2024-11-01 00:00 \(\+08:00\):/);
      expect(first.stdout).toMatch(/13\s+改造老化燃气管道\s+outdoor-completion\s+2024-10-31\s+102\s+500公里\s+398/);
      const before = events();
      expect(json(run(['deadlines', '--json'], '2024-11-01T00:00:00+08:00'))).toEqual([]);
      const second = run(['deadlines'], '2024-11-02T00:00:00+08:00');
      expect(second.stdout).toBe('no deadline newly missed at 2024-11-02 00:00 (+08:00); nothing recorded\n');
      expect(events()).toBe(before);
    });

    it('rebuilds the read model to exactly the live state, with progress on stderr and events/s', () => {
      const live = run(['status', '--group-by', 'district', '--json'], OCT6).stdout;
      const r = run(['rebuild']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^rebuilt the read model from \d+ events in \d+\.\d\d s \(\d+ events\/s\)\n$/);
      expect(r.stderr).toMatch(/^rebuild: (\d+)\/\1 events \(100%\)\n$/);
      expect(run(['status', '--group-by', 'district', '--json'], OCT6).stdout).toBe(live);
    });

    it('exports a view as CSV that Excel opens: BOM, CRLF, RFC 4180 quoting, Chinese names', () => {
      const out = join(tmp.dir, 'district.csv');
      const r = run(['export', '--group-by', 'district', '--format', 'csv', '--out', out, '--lang', 'en'], OCT6);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^wrote \d+ rows \(district view, as of 2024-10-06\) to /);
      const bytes = readFileSync(out);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8').slice(1);
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.split('\r\n')[0]).toMatch(/^task,task_title,metric,metric_name,kind,place,place_name,unit,target,value,/);
      expect(text).toContain(',道里区,');
      expect(text).toContain(',南岗区,');
      expect(text.replace(/\r\n/g, '')).not.toContain('\n');
      expect(text).toMatch(/"“社银合作”网点\(设“社保服务专区”\)"|,“社银合作”网点/);
      const stdout = run(['export', '--format', 'json'], OCT6);
      expect(JSON.parse(stdout.stdout).groupBy).toBe('task');
    });

    it('verifies the hash chain, and names the first event changed behind the library', async () => {
      const ok = run(['verify']);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/^verified (\d+) events: every hash and link holds; head hash [0-9a-f]{64}\n$/);

      const victim = await engine.tamper();
      const bad = run(['verify']);
      expect(bad.code).toBe(3);
      expect(bad.stdout).toBe('');
      expect(bad.stderr.trimEnd()).toBe(
        `minsheng: event at position ${victim.position} (${victim.eventId}) fails verification: stored hash does not match the event's content`,
      );
      expect(json({ ...run(['verify', '--json']), code: 0 })).toMatchObject({ ok: false, position: victim.position, eventId: victim.eventId });
    });
  });

/**
 * Changes one digit of a figure's value in the canonical JSON of an event, keeping its length; a
 * yes/no report's value has no digit, so a digit of its as-of date instead.
 */
export const tamperedData = (data: string): string => {
  const found = /"value":"\d/.exec(data) ?? /"asOf":"\d/.exec(data);
  if (!found) throw new Error('no digit to tamper with');
  const at = found.index + found[0].length - 1;
  const digit = data[at]!;
  const tampered = data.slice(0, at) + (digit === '9' ? '8' : String(Number(digit) + 1)) + data.slice(at + 1);
  if (tampered.length !== data.length) throw new Error('tampering changed the length');
  return tampered;
};
