import { ledgerRegistry, newEventId, progressStream, taskStream, type StoredEvent } from '@minsheng/core';
import { ANY } from '@minsheng/event-store';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/Either';
import { expectRefusal } from './testing/flows';
import { cli, json, SEED, tempDir } from './testing/run-cli';

/*
 * Bad input through the CLI, run as a process on the system clock: a one-line refusal with
 * exit 2 naming what was wrong, and nothing written. Raw control characters never reach
 * stdout or stderr, even from events recorded before input was checked.
 */

const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/; // any control character but the LF ending lines

describe('minsheng refuses bad input', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const run = (args: string[]) => cli([...args, '--db', db]);
  const events = (): number => json(run(['verify', '--json'])).events;
  const gas = ['--task', '13', '--metric', 't13-gas-pipe-renewal', '--as-of', '2024-09-30'];

  beforeAll(() => {
    expect(run(['init']).code).toBe(0);
    expect(run(['plan', 'import', SEED]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it('refuses control characters in --person, --source, --document and --reason, escaped in the message', () => {
    const before = events();
    const report = (extra: string[]) => run(['report', ...gas, '--place', '道里区', '--value', '3', '--responsible-unit', 'housing', ...extra]);
    for (const [extra, line] of [
      [['--person', '\x1b[31m张三\x1b]0;owned\x07'], /^minsheng: --person: "\\u001b\[31m张三\\u001b\]0;owned\\u0007" holds the control character U\+001B at character 1; text must be printable and on one line$/],
      [['--source', '月报\r\n伪造的第二行'], /^minsheng: --source: "月报\\r\\n伪造的第二行" holds the control character U\+000D/],
      [['--document', '哈住建报\x1b[8m隐藏'], /^minsheng: --document: .*U\+001B/],
      [['--person', '张'.repeat(201)], /^minsheng: --person: "张{20}…" is 201 characters long; at most 200 are allowed$/],
    ] as const) {
      const r = report([...extra]);
      expectRefusal(r, 2, line);
      expect(r.stderr).not.toMatch(RAW_CONTROL);
    }
    const ok = json(report(['--json', '--person', '张三']));
    expectRefusal(run(['retract', ok.eventId, '--reason', '误报\x1b[2J', '--responsible-unit', 'housing']), 2, /^minsheng: --reason: "误报\\u001b\[2J" holds/);
    expect(events()).toBe(before + 1);
  });

  it('escapes control characters that reach a refusal from elsewhere (an unknown place)', () => {
    const r = run(['report', ...gas, '--place', '\x1b[31m道里区', '--value', '3', '--responsible-unit', 'housing']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('\\u001b[31m道里区');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it('refuses a plan file or an attachment over its limit without reading it to the end (/dev/zero)', () => {
    const before = events();
    expectRefusal(run(['plan', 'import', '/dev/zero']), 2, /^minsheng: the plan file "\/dev\/zero" is larger than 16 MiB, the limit for a plan; nothing was imported$/);
    expectRefusal(
      run(['report', ...gas, '--place', '道外区', '--value', '3', '--responsible-unit', 'housing', '--attachment', '/dev/zero']),
      2,
      /^minsheng: --attachment: "\/dev\/zero" is larger than 64 MiB, the limit for an attachment; nothing was recorded$/,
    );
    expect(events()).toBe(before);
  });

  it('refuses half a household, a figure beyond the precision, and an as-of past the period and its grace', () => {
    const before = events();
    const homes = ['--task', '9', '--metric', 't09-elderly-home-adaptations', '--place', '道里区', '--responsible-unit', 'civil-affairs', '--as-of', '2024-09-30'];
    expectRefusal(run(['report', ...homes, '--value', '0.5']), 2, /^minsheng: --value: "0\.5" 户 is not a whole number: 户 counts people, households or things/);
    expectRefusal(run(['report', ...homes, '--value', `1${'0'.repeat(43)}1`]), 2, /^minsheng: --value: "1000.*0001" has 45 digits before the decimal point; a figure has at most 24/);
    expectRefusal(
      run(['report', ...gas, '--place', '道里区', '--value', '3', '--responsible-unit', 'housing', '--as-of', '2025-04-01'].map((a) => (a === '2024-09-30' ? '2025-04-01' : a))),
      2,
      /^minsheng: --as-of: 2025-04-01 is past the plan's period \(it ends 2024-12-31\) and its grace of 90 days: the last as-of date it accepts is 2025-03-31$/,
    );
    expect(events()).toBe(before);
  });

  it("refuses a retraction or correction by a unit that neither reported nor leads the task", () => {
    // Task 13: 市住建局 (housing) leads, 市发改委 (ndrc) shares it; the report is the lead's.
    const report = json(run(['report', ...gas, '--place', '道外区', '--value', '4', '--responsible-unit', 'housing', '--json']));
    const before = events();
    expectRefusal(
      run(['retract', report.eventId, '--reason', '误报', '--responsible-unit', '市发改委']),
      2,
      new RegExp(`^minsheng: 市发改委 may not retract report ${report.eventId}: only the unit that reported it \\(市住建局\\) or the lead unit of task 13 \\(市住建局\\) may$`),
    );
    expectRefusal(run(['correct', report.eventId, '--value', '3', '--reason', '误报', '--responsible-unit', 'ndrc']), 2, /^minsheng: 市发改委 may not correct report/);
    expect(events()).toBe(before);
    expect(run(['retract', report.eventId, '--reason', '误报', '--responsible-unit', 'housing']).code).toBe(0);
  });

  it('refuses a misleading plan, listing every problem at once, and imports nothing', () => {
    const before = events();
    const p = JSON.parse(readFileSync(SEED, 'utf8'));
    p.id = 'misleading-2024';
    p.places[1].name = 'nangang'; // 道里区 renamed to 南岗区's id
    p.responsibleUnits[1].name = '市人社局';
    p.tasks[3].metrics[1].target.tolerance = '5';
    const rate = p.tasks[10].metrics.findIndex((m: { id: string }) => m.id === 't11-childcare-places-per-1000');
    p.tasks[10].metrics[rate].target = { ...p.tasks[10].metrics[rate].target, unit: '个' };
    p.deadlines[0].due = '2025-01-15';
    p.tasks[0].title = '就业\x1b[31m';
    const file = join(tmp.dir, 'misleading.json');
    writeFileSync(file, JSON.stringify(p));
    const r = run(['plan', 'import', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `minsheng: ${file}: 6 problems; nothing was imported`,
      '  tasks[0].title: "就业\\u001b[31m" holds the control character U+001B at character 3; text must be printable and on one line',
      '  places[1].name: place name "nangang" is the id of places[3]: looking "nangang" up would find either',
      '  responsibleUnits[1].name: responsible unit name "市人社局" is used twice (also responsibleUnits[0])',
      "  deadlines[0].due: 2025-01-15 is outside the plan's period (2024-01-01 to 2024-12-31)",
      '  tasks[3].metrics[1].target.tolerance: "5" is not a fraction between 0 and 1: the tolerance is relative, "0.05" for ±5% (so "5" would be ±500%)',
      `  tasks[10].metrics[${rate}].target.unit: "个" is not a rate's unit: a rate is counted per so many people, in 个/千人 (per "1000") or 平方米/人 (per "1")`,
      '',
    ]);
    expect(events()).toBe(before);
  });

  it('escapes control characters in events recorded before input was checked: audit, status, --json', async () => {
    // Written behind the CLI's back, as an older version of the ledger would have stored them.
    const store = createSqliteEventStore({ file: db, registry: ledgerRegistry });
    try {
      const task = await store.readStream(taskStream('harbin-2024', 19))();
      if (isLeft(task)) throw new Error(task.left.message);
      const bridges = task.right.find((e: StoredEvent<any>) => e.type === 'TargetSet' && e.data.metric.id === 't19-dangerous-bridges')!;
      const data = bridges.data as any;
      const renamed = { ...data, metric: { ...data.metric, name: '危桥\x1b[8m改造\r\n伪造行' } };
      const at = new Date().toISOString();
      const appended = await store.append(taskStream('harbin-2024', 19), [
        { eventId: newEventId(new Date()), type: 'TargetSet', schemaVersion: 1, data: renamed, metadata: { ...bridges.metadata, recordedAt: at } },
      ], ANY)();
      if (isLeft(appended)) throw new Error(appended.left.message);
      const reported = await store.append(progressStream('harbin-2024', 't19-dangerous-bridges', 'daoli'), [
        {
          eventId: newEventId(new Date()),
          type: 'ProgressReported',
          schemaVersion: 2,
          data: { planId: 'harbin-2024', task: 19, metric: 't19-dangerous-bridges', place: 'daoli', asOf: '2024-09-30', figure: { kind: 'quantity', value: '4', unit: '座' } },
          metadata: {
            actor: { unit: 'transport', person: '\x1b[31m张三\x1b]0;owned\x07' },
            recordedAt: at,
            correlationId: 'old',
            source: { note: '月报\r\nReplay: the events give 29; matches the figure shown.', document: '\x9b8m隐藏' },
          },
        },
      ], ANY)();
      if (isLeft(reported)) throw new Error(reported.left.message);
    } finally {
      await store.close();
    }
    const audit = run(['audit', '--task', '19', '--metric', 't19-dangerous-bridges', '--place', '道里区']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).not.toMatch(RAW_CONTROL);
    expect(audit.stdout).toContain('\\u001b[31m张三\\u001b]0;owned\\u0007');
    expect(audit.stdout).toContain('月报\\r\\nReplay: the events give 2');
    expect(audit.stdout.split('\n').filter((l) => l.startsWith('Replay:'))).toHaveLength(1);
    const status = run(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).not.toMatch(RAW_CONTROL);
    expect(status.stdout).toContain('危桥\\u001b[8m改造\\r\\n伪造行');
    for (const args of [['status', '--json'], ['audit', '--task', '19', '--metric', 't19-dangerous-bridges', '--place', '道里区', '--json'], ['export', '--format', 'json']]) {
      const r = run(args);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
      expect(JSON.stringify(JSON.parse(r.stdout))).toMatch(/\\u001b/);
    }
    const csv = run(['export']);
    expect(csv.stdout).not.toMatch(/[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]/);
    expect(csv.stdout).toContain('危桥\\u001b[8m改造\\r\\n伪造行');
  });
});
