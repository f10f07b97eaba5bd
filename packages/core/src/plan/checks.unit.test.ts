import { isLeft, isRight } from 'fp-ts/Either';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan, parsePlanText, PLAN_FILE_MAX_BYTES } from './load';
import { draft } from './sample.fixture';

/* The checks that keep a plan from loading while misleading: names, tolerances, rates, deadlines, figures, texts. */

const pairs = (input: unknown): string[][] => {
  const r = parsePlan(input, 'sample.json');
  if (!isLeft(r)) throw new Error('expected the plan to be refused');
  return r.left.problems.map((p) => [p.path, p.reason]);
};

describe('plan checks: names that look up one thing only', () => {
  it('refuses a place whose name is another place\'s id, and duplicate place names', () => {
    const p = draft();
    p.places[1].name = 'hill'; // 东区 named like 山县's id: --place hill would find either
    p.places[2].name = '示例市';
    expect(pairs(p)).toEqual([
      ['places[1].name', 'place name "hill" is the id of places[2]: looking "hill" up would find either'],
      ['places[2].name', 'place name "示例市" is used twice (also places[0])'],
    ]);
  });

  it('refuses a unit whose name is another unit\'s id, and duplicate unit names', () => {
    const p = draft();
    p.responsibleUnits.push({ id: 'ndrc', name: 'hrss' }, { id: 'eco2', name: '市生态环境局' });
    expect(pairs(p)).toEqual([
      ['responsibleUnits[2].name', 'responsible unit name "hrss" is the id of responsibleUnits[0]: looking "hrss" up would find either'],
      ['responsibleUnits[3].name', 'responsible unit name "市生态环境局" is used twice (also responsibleUnits[1])'],
    ]);
  });

  it('accepts a name equal to its own id', () => {
    const p = draft();
    p.places[1].name = 'east';
    expect(isRight(parsePlan(p))).toBe(true);
  });
});

describe('plan checks: targets', () => {
  it.each(['5', '1', '0', '1.5'])('refuses the approximate tolerance "%s": it is a fraction in (0, 1)', (tolerance) => {
    const p = draft();
    p.tasks[0].metrics[0].target = { kind: 'approximate', value: '10', unit: '个', tolerance };
    expect(pairs(p)).toEqual([['tasks[0].metrics[0].target.tolerance', expect.stringContaining(`"${tolerance}" is not a fraction between 0 and 1`)]]);
    expect(pairs(p)[0]![1]).toContain('"0.05" for ±5%');
  });

  it('refuses a rate in a count unit, and a rate whose per is not its unit\'s', () => {
    const p = draft();
    const rate = (unit: string, per: string) => ({ kind: 'rate', value: '3.78', unit, per, numerator: '托位数(个)', denominator: '常住人口(人)' });
    p.tasks[0].metrics[0].target = rate('个', '1000');
    p.tasks[0].metrics[1].target = rate('个/千人', '1');
    expect(pairs(p)).toEqual([
      ['tasks[0].metrics[0].target.unit', '"个" is not a rate\'s unit: a rate is counted per so many people, in 个/千人 (per "1000") or 平方米/人 (per "1")'],
      ['tasks[0].metrics[1].target.per', 'a rate in 个/千人 has per "1000", not "1"'],
    ]);
    p.tasks[0].metrics[0].target = rate('个/千人', '1000.0');
    p.tasks[0].metrics[1].target = rate('平方米/人', '1');
    expect(isRight(parsePlan(p))).toBe(true);
  });

  it('refuses a count target that is not a whole number of its base unit, and figures beyond the precision', () => {
    const p = draft();
    p.tasks[0].metrics[0].target.value = '10.5'; // 个
    p.tasks[0].metrics[1].target.value = '1.00005'; // 万人: 10000.5 人
    p.tasks[1].metrics[1].target.value = '1234567890123456789012345'; // 25 digits
    expect(pairs(p)).toEqual([
      ['tasks[0].metrics[0].target.value', expect.stringContaining('"10.5" 个 is not a whole number')],
      ['tasks[0].metrics[1].target.value', expect.stringContaining('"1.00005" 万人 (10000.5 人) is not a whole number')],
      ['tasks[1].metrics[1].target.value', expect.stringContaining('has 25 digits before the decimal point; a figure has at most 24')],
    ]);
  });
});

describe('plan checks: deadlines and the as-of grace', () => {
  it('refuses deadlines outside the plan period', () => {
    const p = draft();
    p.deadlines.push({ id: 'early', kind: 'report', due: '2024-12-31', appliesTo: 'all', description: '上年底' });
    p.deadlines.push({ id: 'late', kind: 'completion', due: '2026-01-01', appliesTo: 'all', description: '次年初' });
    expect(pairs(p)).toEqual([
      ['deadlines[1].due', "2024-12-31 is outside the plan's period (2025-01-01 to 2025-12-31)"],
      ['deadlines[2].due', "2026-01-01 is outside the plan's period (2025-01-01 to 2025-12-31)"],
    ]);
  });

  it('takes asOfGraceDays, a whole number of days from 0 to 366', () => {
    const p = draft();
    p.asOfGraceDays = 30;
    const r = parsePlan(p);
    expect(isRight(r) && r.right.asOfGraceDays).toBe(30);
    for (const bad of [-1, 1.5, 367, '90']) {
      p.asOfGraceDays = bad;
      expect(pairs(p).map(([path]) => path)).toEqual(['asOfGraceDays']);
    }
  });
});

describe('plan checks: texts and size', () => {
  it('refuses control characters in any text of the plan, and texts over their limit', () => {
    const p = draft();
    p.title = '示例\x1b[31m方案';
    p.places[1].name = '东\r\n区';
    p.tasks[0].metrics[0].written = '\x9b8m10个';
    p.tasks[1].metrics[0].target.stages[1] = '评\u202e审';
    p.tasks[0].title = '就'.repeat(201);
    p.tasks[0].description = '建'.repeat(4000);
    p.deadlines[0].description = '完'.repeat(4001);
    const found = pairs(p);
    expect(found.map(([path]) => path)).toEqual([
      'title',
      'places[1].name',
      'deadlines[0].description',
      'tasks[0].title',
      'tasks[0].metrics[0].written',
      'tasks[1].metrics[0].target.stages[1]',
    ]);
    expect(found[0]![1]).toBe('"示例\\u001b[31m方案" holds the control character U+001B at character 3; text must be printable and on one line');
    expect(found[2]![1]).toContain('is 4001 characters long; at most 4000 are allowed');
    expect(found[3]![1]).toContain('is 201 characters long; at most 200 are allowed');
    for (const [, reason] of found) expect(reason).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
  });

  it('refuses plan text over PLAN_FILE_MAX_BYTES before parsing it', () => {
    const r = parsePlanText(' '.repeat(PLAN_FILE_MAX_BYTES + 1), 'big.json');
    expect(isLeft(r) && r.left.problems).toEqual([
      { file: 'big.json', path: '(root)', reason: 'the plan is larger than 16 MiB, the limit for a plan' },
    ]);
  });

  it('lists every problem at once, and the Harbin plan still loads', () => {
    const p = draft();
    p.places[1].name = 'hill';
    p.responsibleUnits[1].name = '市人社局';
    p.tasks[0].metrics[0].target = { kind: 'approximate', value: '10', unit: '个', tolerance: '5' };
    p.deadlines[0].due = '2026-03-31';
    p.tasks[0].description = 'a\nb';
    expect(pairs(p).map(([path]) => path)).toEqual([
      'tasks[0].description',
      'places[1].name',
      'responsibleUnits[1].name',
      'deadlines[0].due',
      'tasks[0].metrics[0].target.tolerance',
    ]);
    const seed = join(__dirname, '..', '..', '..', '..', 'seeds', 'harbin-2024.json');
    expect(isRight(parsePlanText(readFileSync(seed, 'utf8'), seed))).toBe(true);
  });
});
