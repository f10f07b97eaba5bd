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
    // The words must now say the target's number too (issue 15).
    p.tasks[0].metrics[0].written = '3.78个';
    p.tasks[0].metrics[1].written = '3.78平方米';
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

describe('plan checks: units of another city (issue 15)', () => {
  it('knows the common Chinese units, and 万 before any unit', () => {
    const p = draft();
    p.tasks[0].metrics[0] = { id: 't01-buses', name: '新能源公交车', written: '120辆', target: { kind: 'atLeast', value: '120', unit: '辆' } };
    p.tasks[0].metrics[1] = { id: 't01-funds', name: '补贴资金', written: '500万元', target: { kind: 'atLeast', value: '500', unit: '万元' } };
    expect(isRight(parsePlan(p))).toBe(true);
  });

  it('takes a unit the plan declares, as its own base, with 万 before it', () => {
    const p = draft();
    p.units = [{ name: '盏' }];
    p.tasks[0].metrics[0] = { id: 't01-lamps', name: '路灯', written: '1.5万盏', target: { kind: 'atLeast', value: '1.5', unit: '万盏' } };
    expect(isRight(parsePlan(p))).toBe(true);
    delete p.units;
    expect(pairs(p)).toEqual([['tasks[0].metrics[0].target.unit', expect.stringContaining('unit "万盏" is neither built in nor declared')]]);
    p.units = [{ name: '盏' }, { name: '辆' }, { name: '盏' }];
    expect(pairs(p)).toEqual([
      ['units[1].name', '"辆" is built in: leave it out of units'],
      ['units[2].name', 'unit "盏" is declared twice'],
    ]);
  });
});

describe('plan checks: written words against the target (issue 15)', () => {
  const withTarget = (written: string, target: Record<string, unknown>) => {
    const p = draft();
    p.tasks[0].metrics[0] = { id: 't01-x', name: '指标', written, target };
    const r = parsePlan(p, 'sample.json');
    return isLeft(r) ? r.left.problems.map((x) => [x.path, x.reason]) : [];
  };
  const share = (value: string) => ({ kind: 'share', value, unit: '%', numerator: '已完成数(个)', denominator: '总数(个)' });

  it('refuses a number the words do not say, naming both', () => {
    expect(withTarget('60%以上', share('85'))).toEqual([
      ['tasks[0].metrics[0].written', 'the words "60%以上" do not match the target (at least (a share) 85%): the words say 60, the target\'s value is 85%'],
    ]);
    expect(withTarget('2.55万公里', { kind: 'atLeast', value: '2.55', unit: '公里' })).toEqual([
      ['tasks[0].metrics[0].written', expect.stringContaining('the words say 2.55万, the target\'s value is 2.55 公里')],
    ]);
  });

  it('refuses comparator words of another kind', () => {
    expect(withTarget('不超过35个', { kind: 'approximate', value: '35', unit: '个', tolerance: '0.05' })).toEqual([
      ['tasks[0].metrics[0].written', 'the words "不超过35个" do not match the target (approximate 35 个): "不超过" is a ceiling; make the kind "ceiling", or the words'],
    ]);
    expect(withTarget('35个左右', { kind: 'atLeast', value: '35', unit: '个' })[0]![1]).toContain('"左右" is approximate');
    expect(withTarget('35个以上', { kind: 'ceiling', value: '35', unit: '个' })[0]![1]).toContain('"以上" means at least');
  });

  it('accepts words that say the target: 万 scaling, at least, about, a ceiling', () => {
    expect(withTarget('2.55万人以上', { kind: 'atLeast', value: '25500', unit: '人' })).toEqual([]);
    expect(withTarget('不低于2.55万人', { kind: 'atLeast', value: '2.55', unit: '万人' })).toEqual([]);
    expect(withTarget('25000个左右', { kind: 'approximate', value: '25000', unit: '个', tolerance: '0.05' })).toEqual([]);
    expect(withTarget('不超过35微克/立方米', { kind: 'ceiling', value: '35', unit: '微克/立方米' })).toEqual([]);
    expect(withTarget('达到80%', share('80'))).toEqual([]);
  });
});

describe('plan checks: a metric quotes its task', () => {
  it('accepts a source that is in its task\'s description, and refuses one that is not, naming the metric', () => {
    const ok = draft() as any;
    ok.tasks[0].metrics[0].source = '建成10个就业服务站';
    expect(isRight(parsePlan(ok))).toBe(true);
    const p = draft() as any;
    p.tasks[0].metrics[0].source = '建成12个就业服务站';
    expect(pairs(p)).toEqual([
      [
        'tasks[0].metrics[0].source',
        'metric "t01-stations": its source "建成12个就业服务站" is not in task 1\'s description: a source quotes the task\'s text exactly',
      ],
    ]);
  });
});
