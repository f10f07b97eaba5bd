import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { cli, json } from './testing/run-cli';

// Each demo run records a year (about 1400 events) and takes some seconds.
jest.setTimeout(180_000);

describe('minsheng demo', () => {
  let file = '';
  afterAll(() => {
    if (file) rmSync(dirname(file), { recursive: true, force: true });
  });

  it('records a simulated year in a fresh ledger under the temp folder and prints the three views and an audit trail', () => {
    const r = cli(['demo']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    file = /\nLedger: (.*)\n/.exec(out)![1]!;
    expect(file.startsWith(tmpdir())).toBe(true);
    expect(existsSync(file)).toBe(true);
    expect(out).toMatch(/Events: \d+ \(\d+ reports, \d+ of them weeks late; 4 corrections; 1 retraction; \d+ tasks completed; \d+ deadlines missed\)/);
    expect(out).toMatch(/refused in 2024-03: 市教育局 is not a responsible unit of task 1/);
    expect(out).toMatch(/2024-11 .* \d+ \(outdoor-completion\)/);
    for (const heading of ['== City view ==', '== District view: 道里区 ==', '== Responsible-unit view ==', '== Audit trail of a corrected figure =='])
      expect(out).toContain(heading);
    expect(out).toMatch(/17\s+全市PM2\.5浓度\s+不超过35微克\/立方米\s+34\.6 微克\/立方米\s+100%\s+100\.0%\s+provisional\s+annual figure due after period end/);
    // The year ends with every status word a supervision officer signs, each where it applies.
    expect(out).toMatch(/4\s+优质幼儿园学位\s+25000个左右\s+\d+ 个\s+1(0[6-9]|[1-9]\d)%\s+100\.0%\s+exceeded/);
    expect(out).toMatch(/15\s+新增建设农村5G基站\s+613个\s+\d+ 个\s+\d+%\s+100\.0%\s+complete \(late\)\s+met 2024-\d\d-\d\d, due 2024-10-31/);
    expect(out).toMatch(/19\s+危桥改造\s+20座\s+17 座\s+85%\s+100\.0%\s+missed/);
    expect(out).toMatch(/道里区\s+\d+\s+.*\s+not expected/);
    expect(out).toMatch(/道里区\s+13\s+改造老化燃气管道/);
    expect(out).toMatch(/市住建局\s+lead\s+13\s+改造老化燃气管道/);
    expect(out).toMatch(/Lineage: 3 place figures in force/);
    expect(out).toMatch(/corrected\s+#\d+\s+巴彦县 .*一座桥梁尚未通过交工验收，不应计入\s+in force/);
    expect(out).toMatch(/Replay: the events give 17; matches the figure shown\./);
    // The trail ends in what the ledger concluded: both completion deadlines missed, each with the plan's words.
    expect(out).toMatch(/Outcomes: 2 \(from the task's events\)/);
    expect(out).toMatch(/#\d+\s+deadline missed\s+2024-10-31\s+2024-11-01 00:00\s+outdoor-completion: 其中涉及室外施工作…\s+18\s+20座\s+2\s+in effect/);
    expect(out).toMatch(/#\d+\s+deadline missed\s+2024-12-31\s+2025-01-01 00:00\s+completion: 确保在12月底前全面完成民生…\s+17\s+20座\s+3\s+in effect/);
    // After the year, signed mode: keys beside the ledger, an unsigned report refused, a signed one audited with its signer.
    const signed = out.slice(out.indexOf('== Signed reports, after the year =='), out.indexOf('== Dashboard'));
    const keys = /keys made for the demo from its seed, beside the ledger: (.*)\n/.exec(signed)![1]!;
    expect(keys).toBe(file.replace(/\.db$/, '-keys'));
    expect(readFileSync(`${keys}/housing.key.pub`, 'utf8')).toMatch(/^housing-2025\+[0-9a-f]{8}\+/);
    expect(signed).toMatch(/signed mode is on at position \d+, administrator key [0-9a-f]{8}:/);
    expect(signed).toMatch(/registered key [0-9a-f]{8} for 市住建局 at position \d+/);
    expect(signed).toContain('an unsigned report is refused (the command exits 2): the ledger is in signed mode: a ProgressReported needs the signature of a registered key of a responsible unit; nothing was written');
    const position = /recorded a report signed by 市住建局 with key ([0-9a-f]{8}) at position (\d+)/.exec(signed)!;
    expect(signed).toMatch(new RegExp(`Signatures: 1 of 1 events verified .*\\n.*\\n.*\\n\\s+#${position[2]}\\s+市住建局\\s+${position[1]}\\s+verified`));
    // The year's views are as known when it ended: the signed events come after every line above.
    expect(out.indexOf('== Signed reports')).toBeGreaterThan(out.indexOf('Explore it'));

    // It ends with the dashboard: a static board beside the ledger, and how to serve the rest.
    const board = /\nThe city board at year end, one file to open or e-mail: (.*)\n/.exec(out)![1]!;
    expect(board).toBe(file.replace(/\.db$/, '-board.html'));
    expect(readFileSync(board, 'utf8')).toContain('全市总览');
    expect(out).toContain(`minsheng serve --db ${file}\nthen open http://127.0.0.1:8080/`);

    // What it leaves is a real ledger: its chain verifies.
    expect(json(cli(['verify', '--db', file, '--json'])).ok).toBe(true);

    // It never overwrites a ledger unless told to; told to, it prints the same year again.
    const refused = cli(['demo', '--db', file]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/exists; the demo writes a fresh ledger: pass --force to replace it/);
    const again = cli(['demo', '--db', file, '--force']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(out);
  });
});
