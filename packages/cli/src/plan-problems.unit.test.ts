import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlanText } from '@minsheng/core';
import { isLeft } from 'fp-ts/Either';
import { chooseLanguage } from './language';
import { CATALOGUES } from './messages';
import { planProblemsEn } from './messages/plan-problems';
import { planProblemReason } from './plan-problems';

const TEMPLATE = readFileSync(join(__dirname, '../../../seeds/template.jsonc'), 'utf8');

/** The reasons core's parser gives for the template with `edit` made. */
const reasons = (edit: (text: string) => string): string[] => {
  const r = parsePlanText(edit(TEMPLATE), 'plan.jsonc');
  return isLeft(r) ? r.left.problems.map((p) => p.reason) : [];
};
const swap = (from: string, to: string) => (text: string) => {
  if (!text.includes(from)) throw new Error(`the template has no ${from}`);
  return text.replace(from, to);
};

/** Each edit a person could make by hand, and the message its reason should be said by. */
const CASES: readonly [keyof typeof planProblemsEn, (text: string) => string][] = [
  ['planProblem.invalidJson', swap('"title": "示例市', '"title": “示例市')],
  ['planProblem.json.afterValue', swap('"periodEnd": "2025-12-31",', '"periodEnd": "2025-12-31"')],
  ['planProblem.json.commentOpen', (t) => `${t}\n/* left open`],
  ['planProblem.json.inList', swap('{ "name": "盏" }]', '{ "name": "盏" } }')],
  ['planProblem.json.name', swap('"id": "example-2025"', 'id: "example-2025"')],
  ['planProblem.json.colon', swap('"id": "example-2025"', '"id" "example-2025"')],
  ['planProblem.json.end', (t) => `${t}\n}`],
  ['planProblem.json.stringOpen', (t) => `${t.slice(0, t.indexOf('"示例市2025'))}"示例市2025”`],
  ['planProblem.json.control', swap('"示例市2025年民生实事工作方案"', '"示例市\t2025"')],
  ['planProblem.json.escape', swap('"示例市2025年民生实事工作方案"', '"示例市\\q"')],
  ['planProblem.json.commaBrace', swap('"kind": "city" }', '"kind": "city", }')],
  ['planProblem.json.commaBracket', swap('{ "name": "盏" }]', '{ "name": "盏" },]')],
  ['planProblem.found.end', (t) => t.slice(0, t.lastIndexOf('}'))],
  ['planProblem.json.value', swap('"publishedOn": "2025-03-01"', '"publishedOn": ,')],
  ['planProblem.notId', swap('"id": "t02-lighting-plan"', '"id": "照明规划"')],
  ['planProblem.missing', swap('"issuedBy": "示例市人民政府办公厅",', '')],
  ['planProblem.decimalString', swap('"value": "200"', '"value": 200')],
  ['planProblem.nameTwice', swap('"name": "山县"', '"name": "东城区"')],
  ['planProblem.nameIsId', swap('"name": "山县"', '"name": "east"')],
  ['planProblem.what.place', swap('"name": "山县"', '"name": "东城区"')],
  ['planProblem.what.unit', swap('"name": "市住建局"', '"name": "市交通运输局"')],
  ['planProblem.needsParent', swap(', "parent": "example" },\n    { "id": "hill"', ' },\n    { "id": "hill"')],
  ['planProblem.unknownPlace', swap('"places": ["hill"]', '"places": ["mars"]')],
  ['planProblem.placeTwice', swap('{ "id": "hill"', '{ "id": "east"')],
  ['planProblem.oneCity', swap('"kind": "city"', '"kind": "district"')],
  ['planProblem.cityParentless', swap('"kind": "city" }', '"kind": "city", "parent": "east" }')],
  ['planProblem.notTheCity', swap('"kind": "county", "parent": "example"', '"kind": "county", "parent": "east"')],
  ['planProblem.unitIdTwice', swap('{ "id": "housing"', '{ "id": "transport"')],
  ['planProblem.notRealDate', swap('"publishedOn": "2025-03-01"', '"publishedOn": "2025-02-30"')],
  ['planProblem.periodEnd', swap('"periodEnd": "2025-12-31"', '"periodEnd": "2024-12-31"')],
  ['planProblem.offset', swap('"timeZone": "+08:00"', '"timeZone": "+15:00"')],
  ['planProblem.builtIn', swap('{ "name": "盏" }', '{ "name": "盏" }, { "name": "辆" }')],
  ['planProblem.unitTwice', swap('{ "name": "盏" }', '{ "name": "盏" }, { "name": "盏" }')],
  ['planProblem.unitUnknown', swap('"unit": "辆" }', '"unit": "艇" }')],
  ['planProblem.unitUnknownTenThousand', swap('"units": [{ "name": "盏" }],', '')],
  ['planProblem.deadlineTwice', swap('{ "id": "completion"', '{ "id": "outdoor-completion"')],
  ['planProblem.outsidePeriod', swap('"due": "2025-10-31"', '"due": "2026-10-31"')],
  ['planProblem.taskTwice', swap('"number": 2', '"number": 1')],
  ['planProblem.unknownUnit', swap('["housing", "transport"]', '["housing", "water"]')],
  ['planProblem.unitListedTwice', swap('["housing", "transport"]', '["housing", "housing"]')],
  ['planProblem.metricTwice', swap('"id": "t02-lighting-plan"', '"id": "t02-street-lamps"')],
  ['planProblem.placesEmpty', swap('"places": ["hill"]', '"places": []')],
  ['planProblem.cityAlone', swap('"level": "city"', '"level": "city", "places": ["east"]')],
  ['planProblem.isTheCity', swap('"places": ["hill"]', '"places": ["example"]')],
  ['planProblem.placeListedTwice', swap('"places": ["hill"]', '"places": ["hill", "hill"]')],
  ['planProblem.written', swap('"written": "200辆"', '"written": "150辆以上"')],
  ['planProblem.written.number', swap('"written": "200辆"', '"written": "150辆"')],
  ['planProblem.written.ceiling', swap('"written": "200辆"', '"written": "不超过200辆"')],
  ['planProblem.written.about', swap('"written": "200辆"', '"written": "200辆左右"')],
  ['planProblem.target.atLeast', swap('"written": "200辆"', '"written": "150辆"')],
  ['planProblem.target.share', swap('"written": "90%以上"', '"written": "80%以上"')],
];

describe("core's plan problems, said again", () => {
  afterAll(() => chooseLanguage('en'));

  it.each(CASES)('%s: core says it; English comes back word for word, Chinese is that message with no English left', (key, edit) => {
    const found = reasons(edit);
    expect(found.length).toBeGreaterThan(0);
    chooseLanguage('en');
    for (const r of found) expect(planProblemReason(r)).toBe(r);
    chooseLanguage('zh-CN');
    const zh = found.map(planProblemReason);
    // The message's fixed Chinese words (its longest part between values) are in one of the reasons.
    const own = String(CATALOGUES['zh-CN'][key]).split(/\{\w+\}/).sort((a, b) => b.length - a.length)[0]!;
    expect(zh.some((z) => z.includes(own))).toBe(true);
    // What is left in Latin letters is data (ids, field names, units, JSON), never three English words in a row.
    for (const z of zh) expect(z.replace(/"[^"]*"|“[^”]*”/g, '')).not.toMatch(/\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b/i);
  });

  it('keeps a reason it does not know as core wrote it', () => {
    chooseLanguage('zh-CN');
    expect(planProblemReason('a brand new check failed')).toBe('a brand new check failed');
  });
});
