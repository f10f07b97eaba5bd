import { isLeft, isRight } from 'fp-ts/Either';
import { isRealDate, parsePlan, parsePlanText, type PlanInvalid } from './load';
import { draft, validPlan } from './sample.fixture';

const problemsOf = (input: unknown): PlanInvalid => {
  const r = parsePlan(input, 'sample.json');
  if (!isLeft(r)) throw new Error('expected the plan to be refused');
  return r.left;
};
const pairs = (input: unknown) => problemsOf(input).problems.map((p) => [p.path, p.reason]);

describe('parsePlan', () => {
  it('accepts a valid plan and fills in the default level', () => {
    const r = parsePlan(validPlan(), 'sample.json');
    expect(isRight(r)).toBe(true);
    if (isRight(r)) expect(r.right.tasks[0]!.metrics[0]!.level).toBe('district');
  });

  it('takes a locale the ledger speaks, and refuses any other tag in one line', () => {
    const r = parsePlan({ ...validPlan(), locale: 'zh-CN' }, 'sample.json');
    expect(isRight(r) && r.right.locale).toBe('zh-CN');
    expect(pairs({ ...validPlan(), locale: 'fr' })).toEqual([['locale', 'must be a language the ledger speaks: "zh-CN" or "en"']]);
  });

  it('lists EVERY problem with its path and reason, schema and cross-checks together', () => {
    const p = draft();
    p.tasks[0].metrics[0].target.unit = '盏'; // a unit neither built in nor declared (辆 is built in since issue 15)
    p.tasks[1].metrics[0].id = 't01-stations'; // duplicate metric id (a cross-check)
    p.tasks[1].responsibleUnits[1] = 'police'; // unknown responsible unit
    p.deadlines[0].due = '2025-02-30'; // not a real date
    p.publishedOn = '2025/03/01'; // not written YYYY-MM-DD
    const invalid = problemsOf(p);
    expect(invalid.file).toBe('sample.json');
    expect(invalid.problems.every((x) => x.file === 'sample.json')).toBe(true);
    expect(invalid.problems.map((x) => [x.path, x.reason])).toEqual([
      ['publishedOn', 'must be a date written YYYY-MM-DD'],
      ['deadlines[0].due', '"2025-02-30" is not a real date'],
      ['tasks[0].metrics[0].target.unit', expect.stringMatching(/^unit "盏" is neither built in nor declared: add \{ "name": "盏" \} to the plan's "units"; built in: 个 所 .*$/)],
      ['tasks[1].responsibleUnits[1]', 'unknown responsible unit "police"'],
      ['tasks[1].metrics[0].id', 'metric id "t01-stations" is used twice in the plan'],
    ]);
    expect(invalid.message.split('\n')[0]).toBe('sample.json: 5 problems');
    expect(invalid.message).toContain('  tasks[1].responsibleUnits[1]: unknown responsible unit "police"');
  });

  it('reports a missing field and a number written where a decimal string is expected, in plain words', () => {
    const p = draft();
    delete p.tasks[0].title;
    p.tasks[0].metrics[0].target.value = 10;
    expect(pairs(p)).toEqual([
      ['tasks[0].title', 'is missing (expected string)'],
      ['tasks[0].metrics[0].target.value', 'must be a decimal number written as a string, e.g. "10" rather than 10'],
    ]);
  });

  it('reports an unknown target kind and a field the format does not have', () => {
    const p = draft();
    p.tasks[0].metrics[0].target.kind = 'atleast';
    p.tasks[0].metrics[1].unit = '人';
    expect(pairs(p)).toEqual([
      ['tasks[0].metrics[0].target.kind', expect.stringContaining("'atLeast' | 'approximate' | 'share' | 'rate' | 'ceiling' | 'milestone' | 'yesNo'")],
      ['tasks[0].metrics[1]', 'Unrecognized key: "unit"'],
    ]);
  });

  describe('places', () => {
    it('refuses duplicate place ids', () => {
      const p = draft();
      p.places[2].id = 'east';
      p.tasks[1].metrics[0].places = ['east'];
      expect(pairs(p)).toEqual([['places[2].id', 'place id "east" is used twice']]);
    });

    it('refuses a plan with no city', () => {
      const p = draft();
      p.places[0].kind = 'district';
      expect(pairs(p)).toEqual([
        ['places', 'a plan needs exactly one place of kind "city", found 0'],
        ['places[0].parent', 'place "sample" needs a parent'],
      ]);
    });

    it('refuses two cities', () => {
      const p = draft();
      p.places.push({ id: 'other', name: '另一市', kind: 'city' });
      expect(pairs(p)).toEqual([['places', 'a plan needs exactly one place of kind "city", found 2']]);
    });

    it('refuses an unknown parent, a city with a parent, and a place that is not directly under the city', () => {
      const p = draft();
      p.places[1].parent = 'nowhere';
      p.places[0].parent = 'east';
      p.places.push({ id: 'town', name: '镇', kind: 'county', parent: 'hill' });
      expect(pairs(p)).toEqual([
        ['places[0].parent', 'the city has no parent'],
        ['places[1].parent', 'unknown place "nowhere"'],
        ['places[3].parent', '"hill" is not the city: places are two levels, the city "sample" and the places directly under it'],
      ]);
    });

    it('refuses unknown, repeated and empty metric places', () => {
      const p = draft();
      p.tasks[1].metrics[0].places = ['hill', 'west', 'hill'];
      p.tasks[0].metrics[0].places = [];
      expect(pairs(p)).toEqual([
        ['tasks[0].metrics[0].places', 'must name at least one place, or be left out to mean every district'],
        ['tasks[1].metrics[0].places[1]', 'unknown place "west"'],
        ['tasks[1].metrics[0].places', 'a place is listed twice'],
      ]);
    });

    it('refuses metric places that contradict the level', () => {
      const p = draft();
      p.tasks[1].metrics[1].places = ['east']; // a city-level metric limited to a district
      p.tasks[0].metrics[0].places = ['sample']; // a district-level metric reported by the city
      expect(pairs(p)).toEqual([
        ['tasks[0].metrics[0].places[0]', '"sample" is the city; a metric the city reports itself needs level "city"'],
        [
          'tasks[1].metrics[1].places[0]',
          'a city-level metric is reported for the city alone; "east" is not the city (leave places out, or set level to "district")',
        ],
      ]);
    });

    it('accepts a city-level metric that names the city', () => {
      const p = draft();
      p.tasks[1].metrics[1].places = ['sample'];
      expect(isRight(parsePlan(p))).toBe(true);
    });
  });

  describe('three levels: a province, its cities, their districts', () => {
    const province = () => {
      const p = draft();
      p.places = [
        { id: 'prov', name: '示例省', kind: 'province' },
        { id: 'sample', name: '示例市', kind: 'city', parent: 'prov' },
        { id: 'east', name: '东区', kind: 'district', parent: 'sample' },
        { id: 'other', name: '另一市', kind: 'city', parent: 'prov' },
        { id: 'hill', name: '山县', kind: 'county', parent: 'other' },
      ];
      return p;
    };

    it('accepts one province over its cities over their districts', () => {
      expect(isRight(parsePlan(province(), 'sample.json'))).toBe(true);
    });

    it('refuses a district under the province, a city under a city, a second province and a province with a parent', () => {
      const p = province();
      p.places[2].parent = 'prov';
      p.places[3].parent = 'sample';
      p.places.push({ id: 'prov2', name: '另一省', kind: 'province', parent: 'prov' });
      expect(pairs(p)).toEqual([
        ['places', 'a plan has at most one place of kind "province", found 2'],
        ['places[2].parent', '"prov" is not a city: a district, county-level city or county is directly under one of the province\'s cities'],
        ['places[3].parent', 'a city\'s parent is the province "prov", not "sample"'],
        ['places[5].parent', 'the province has no parent'],
      ]);
    });

    it('measures a level "city" metric once, for the province', () => {
      const p = province();
      p.tasks[1].metrics[1].places = ['sample'];
      expect(pairs(p)).toEqual([
        ['tasks[1].metrics[1].places[0]', expect.stringContaining('"sample" is not the city')],
      ]);
    });
  });

  describe('targets', () => {
    it('refuses duplicate milestone stages', () => {
      const p = draft();
      p.tasks[1].metrics[0].target.stages = ['选址', '评审', '选址'];
      expect(pairs(p)).toEqual([['tasks[1].metrics[0].target.stages', 'a stage is listed twice']]);
    });

    it('refuses a share above 100% and a rate per 0', () => {
      const p = draft();
      p.tasks[0].metrics.push(
        { id: 't01-share', name: '覆盖率', target: { kind: 'share', value: '120', unit: '%', numerator: 'a', denominator: 'b' } },
        { id: 't01-rate', name: '托位', target: { kind: 'rate', value: '3.78', unit: '个/千人', per: '0', numerator: 'a', denominator: 'b' } },
      );
      expect(pairs(p)).toEqual([
        ['tasks[0].metrics[2].target.value', 'a share is a percent and cannot exceed 100 (got 120)'],
        ['tasks[0].metrics[3].target.per', 'must be greater than 0 (e.g. "1000" for a rate per 1000 people)'],
      ]);
    });

    it('refuses a share whose unit is not %', () => {
      const p = draft();
      p.tasks[0].metrics.push({
        id: 't01-share',
        name: '覆盖率',
        target: { kind: 'share', value: '80', unit: '个', numerator: 'a', denominator: 'b' },
      });
      expect(pairs(p)).toEqual([['tasks[0].metrics[2].target.unit', 'Invalid input: expected "%"']]);
    });
  });

  describe('ids, numbers and units', () => {
    it('refuses duplicate task numbers, duplicate unit ids and a unit listed twice on a task', () => {
      const p = draft();
      p.tasks[1].number = 1;
      p.responsibleUnits.push({ id: 'eco', name: '又一个' });
      p.tasks[0].responsibleUnits = ['hrss', 'hrss'];
      expect(pairs(p)).toEqual([
        ['responsibleUnits[2].id', 'responsible unit id "eco" is used twice'],
        ['tasks[0].responsibleUnits', 'a responsible unit is listed twice'],
        ['tasks[1].number', 'task number 1 is used twice'],
      ]);
    });

    it('refuses ids that are not lower-case letters, digits and dashes', () => {
      const p = draft();
      p.tasks[0].metrics[0].id = 'T01 Stations';
      expect(pairs(p)).toEqual([
        ['tasks[0].metrics[0].id', '"T01 Stations" is not an id: ids are ASCII, lower-case letters, digits and dashes (names may be Chinese); try "t01-stations"'],
      ]);
    });
  });

  describe('dates', () => {
    it('knows real calendar days', () => {
      expect(isRealDate('2024-02-29')).toBe(true);
      expect(isRealDate('2023-02-29')).toBe(false);
      expect(isRealDate('2024-02-30')).toBe(false);
      expect(isRealDate('2024-13-01')).toBe(false);
      expect(isRealDate('2024-1-1')).toBe(false);
    });

    it('refuses a period that runs backwards and an impossible time zone', () => {
      const p = draft();
      p.periodEnd = '2024-12-31';
      p.timeZone = '+25:00';
      expect(pairs(p)).toEqual([
        ['periodEnd', 'must be after periodStart'],
        ['timeZone', '"+25:00" is not a real UTC offset'],
      ]);
    });

    it('refuses a duplicate deadline id and a deadline rule that does not exist', () => {
      const p = draft();
      p.deadlines.push({ id: 'completion', kind: 'finish', due: '2025-10-31', appliesTo: 'all', description: 'x' });
      expect(pairs(p)).toEqual([
        ['deadlines[1].kind', 'Invalid option: expected one of "completion"|"report"'],
        ['deadlines[1].id', 'deadline id "completion" is used twice'],
      ]);
    });
  });
});

describe('parsePlanText', () => {
  it('parses valid JSON text', () => {
    expect(isRight(parsePlanText(JSON.stringify(validPlan()), 'sample.json'))).toBe(true);
  });

  it('names the file and the line and column of a JSON syntax error', () => {
    const text = JSON.stringify(validPlan(), null, 2).replace('"title": "示例市', '"title" "示例市');
    const r = parsePlanText(text, 'plans/sample.json');
    expect(isLeft(r)).toBe(true);
    if (!isLeft(r)) return;
    expect(r.left.file).toBe('plans/sample.json');
    expect(r.left.problems).toHaveLength(1);
    expect(r.left.problems[0]!.path).toBe('(root)');
    expect(r.left.problems[0]!.reason).toMatch(/^not valid JSON: .*\(line 3, column 11\)$/);
    expect(r.left.message).toMatch(/^plans\/sample\.json: 1 problem\n {2}\(root\): not valid JSON: /);
  });

  it('reports empty text as invalid JSON', () => {
    const r = parsePlanText('', 'empty.json');
    expect(isLeft(r) && r.left.problems[0]!.reason.startsWith('not valid JSON')).toBe(true);
  });

  it('ignores a leading byte-order mark', () => {
    expect(isRight(parsePlanText('\uFEFF' + JSON.stringify(validPlan()), 'bom.json'))).toBe(true);
  });

  it('reports a document that is not an object', () => {
    expect(problemsOf(JSON.parse('[]')).problems).toEqual([
      { file: 'sample.json', path: '(root)', reason: expect.stringContaining('expected object') },
    ]);
  });
});
