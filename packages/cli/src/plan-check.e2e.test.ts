import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, json, ROOT, tempDir } from './testing/run-cli';

const TEMPLATE = join(ROOT, 'seeds/template.jsonc');

/** Issue 15, part 2: another city writes its plan from the template and the doc, and `plan check` lists every problem where it is. */
describe('minsheng plan check', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());
  const variant = (name: string, edit: (text: string) => string): string => {
    const file = join(tmp.dir, name);
    writeFileSync(file, edit(readFileSync(TEMPLATE, 'utf8')));
    return file;
  };

  it('passes the template, which then imports, and takes figures in its own units', () => {
    const r = cli(['plan', 'check', TEMPLATE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plan example-2025 has no problems: 2 tasks, 4 metrics (atLeast, share, yesNo)');
    const db = join(tmp.dir, 'ledger.db');
    const at = (now: string) => ['--db', db, '--now', now];
    expect(cli(['init', '--simulated', ...at('2025-03-02T10:00:00+08:00')]).code).toBe(0);
    expect(cli(['plan', 'import', TEMPLATE, ...at('2025-03-02T10:00:00+08:00')]).code).toBe(0);
    const lamps = ['--task', '2', '--metric', 't02-street-lamps', '--responsible-unit', '市住建局', '--as-of', '2025-05-31'];
    expect(cli(['report', ...lamps, '--place', '东城区', '--value', '5000', '--measure', '盏', ...at('2025-06-01T10:00:00+08:00')]).code).toBe(0);
    expect(cli(['report', ...lamps, '--place', '山县', '--value', '0.2', ...at('2025-06-01T10:01:00+08:00')]).code).toBe(0);
    const row = json(cli(['status', '--json', ...at('2025-06-01T10:02:00+08:00')])).rows.find((x: { metric: string }) => x.metric === 't02-street-lamps');
    expect(row).toMatchObject({ value: '0.7', unit: '万盏' });
    const bus = cli(['report', '--task', '1', '--metric', 't01-new-buses', '--responsible-unit', '市交通运输局', '--as-of', '2025-05-31', '--place', '东城区', '--value', '3', '--measure', '盏', ...at('2025-06-01T10:03:00+08:00')]);
    expect(bus.code).toBe(2);
    expect(bus.stderr).toContain("unit 盏 cannot be converted to the target's unit 辆");
  });

  it('lists every problem with its line and column, and exits 2', () => {
    const file = variant('wrong.jsonc', (t) =>
      t
        .replace('"written": "200辆"', '"written": "150辆以上"')
        .replace('"units": [{ "name": "盏" }],', '')
        .replace('"id": "t02-lighting-plan"', '"id": "照明规划"'),
    );
    const r = cli(['plan', 'check', file]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/wrong\.jsonc:\d+:\d+: tasks\[1\]\.metrics\[1\]\.id: "照明规划" is not an id: ids are ASCII, .*; try "t02-metric-2"$/),
      expect.stringMatching(/wrong\.jsonc:\d+:\d+: tasks\[0\]\.metrics\[0\]\.written: the words "150辆以上" do not match the target \(at least 200 辆\): the words say 150, the target's value is 200 辆$/),
      expect.stringMatching(/wrong\.jsonc:\d+:\d+: tasks\[1\]\.metrics\[0\]\.target\.unit: unit "万盏" is neither built in nor declared/),
    ]);
    // The line and column are those of the value in the file.
    const text = readFileSync(file, 'utf8').split('\n');
    const [, line, column] = /:(\d+):(\d+):/.exec(lines[1]!)!.map(Number);
    expect(text[line! - 1]!.slice(column! - 1)).toMatch(/^"150辆以上"/);
    expect(r.stderr).toBe(`minsheng: ${file}: 3 problems\n`);
  });

  it('names a full-width quote and a JSON syntax error by line and column', () => {
    const quote = cli(['plan', 'check', variant('quote.jsonc', (t) => t.replace('"title": "示例市', '"title": “示例市'))]);
    expect(quote.code).toBe(2);
    expect(quote.stdout).toMatch(/quote\.jsonc:10:12: \(root\): not valid JSON: expected a value, found a full-width “ \(U\+201C\), where JSON needs a plain " \(line 10, column 12\)/);
    const comma = cli(['plan', 'check', variant('comma.jsonc', (t) => t.replace('"periodEnd": "2025-12-31",', '"periodEnd": "2025-12-31"'))]);
    expect(comma.stdout).toMatch(/comma\.jsonc:16:3: \(root\): not valid JSON: expected "," or "}" after the value of "periodEnd", found '"' \(line 16, column 3\)/);
    const json = cli(['plan', 'check', variant('j.jsonc', (t) => t.replace('"title": "示例市', '"title" "示例市')), '--json']);
    expect(JSON.parse(json.stdout).problems[0]).toMatchObject({ path: '(root)', line: 10, column: 11 });
  });
});
