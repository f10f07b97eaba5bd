import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlanText } from '@minsheng/core';
import { isLeft } from 'fp-ts/Either';
import { chooseLanguage } from './language';
import { CATALOGUES, type MessageKey } from './messages';
import { planChecksEn } from './messages/plan-checks';
import { schemaIssuesEn } from './messages/schema-issues';
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
/** The first metric (t01-new-buses, at least 200 辆) with `fields` added. */
const onBuses = (fields: string) => swap('{ "id": "t01-new-buses",', `{ "id": "t01-new-buses", ${fields},`);
const BUSES = '{ "kind": "atLeast", "value": "200", "unit": "辆" }';
const RATE = '{ "kind": "rate", "value": "3", "unit": "个/千人", "numerator": "托位数", "denominator": "常住人口(千人)"';

/** Each edit a person could make by hand, and the message its reason should be said by. */
const CASES: readonly [MessageKey, (text: string) => string][] = [
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
  // target-checks.ts, and a figure's precision and whole counts
  ['planCheck.precisionWhole', swap('"value": "200"', '"value": "1234567890123456789012345"')],
  ['planCheck.precisionFraction', swap('"value": "200"', '"value": "200.12345678901"')],
  ['planCheck.wholeNumberBase', swap('"value": "200", "unit": "辆"', '"value": "0.00005", "unit": "万辆"')],
  ['planCheck.wholeNumber', swap('"value": "200"', '"value": "200.5"')],
  ['planCheck.stageTwice', swap('"target": { "kind": "yesNo" }', '"target": { "kind": "milestone", "stages": ["开工", "开工"] }')],
  ['planCheck.shareOver', swap('"value": "90"', '"value": "190"')],
  ['planCheck.toleranceFraction', swap('"kind": "atLeast", "value": "200", "unit": "辆"', '"kind": "approximate", "value": "200", "unit": "辆", "tolerance": "5"')],
  ['planCheck.perZero', swap(BUSES, `${RATE}, "per": "0" }`)],
  ['planCheck.notRateUnit', swap(BUSES, `${RATE.replace('个/千人', '个')}, "per": "1000" }`)],
  ['planCheck.ratePer', swap(BUSES, `${RATE}, "per": "100" }`)],
  // status-checks.ts
  ['planCheck.approximateTolerance', swap('"timeZone": "+08:00",', '"timeZone": "+08:00", "approximateTolerance": { "value": "5", "reason": "惯例" },')],
  ['planCheck.onTrack', swap('"timeZone": "+08:00",', '"timeZone": "+08:00", "onTrackTolerance": { "value": "150", "reason": "惯例" },')],
  ['planCheck.namedDeadline', swap('"kind": "completion", "due": "2025-10-31", "appliesTo": "outdoor"', '"kind": "report", "due": "2025-10-31", "appliesTo": "named"')],
  ['planCheck.notTaskUnit', onBuses('"responsibleUnits": ["housing"]')],
  ['planCheck.noBaseline', swap('"target": { "kind": "yesNo" }', '"target": { "kind": "yesNo" }, "baseline": { "value": "0", "asOf": "2024-12-31" }')],
  ['planCheck.what.yesNo', swap('"target": { "kind": "yesNo" }', '"target": { "kind": "yesNo" }, "baseline": { "value": "0", "asOf": "2024-12-31" }')],
  ['planCheck.what.milestone', swap('"target": { "kind": "yesNo" }', '"target": { "kind": "milestone", "stages": ["开工"] }, "baseline": { "value": "0", "asOf": "2024-12-31" }')],
  ['planCheck.baselineReaches', onBuses('"baseline": { "value": "300", "asOf": "2024-12-31" }')],
  ['planCheck.baselineWithin', (t) => onBuses('"baseline": { "value": "100", "asOf": "2024-12-31" }')(swap('"written": "200辆"', '"written": "不超过200辆"')(swap(BUSES, '{ "kind": "ceiling", "value": "200", "unit": "辆" }')(t)))],
  ['planCheck.baselineAfterStart', onBuses('"baseline": { "value": "100", "asOf": "2025-02-01" }')],
  ['planCheck.periodEndSchedule', onBuses('"measuredAtPeriodEnd": true, "schedule": { "profile": "linear" }')],
  ['planCheck.seasonEnd', onBuses('"schedule": { "profile": "season", "start": "2025-06-01", "end": "2025-05-01" }')],
  ['planCheck.pointOver', onBuses('"schedule": { "profile": "points", "points": [{ "date": "2025-06-01", "percent": "150" }] }')],
  ['planCheck.pointDate', onBuses('"schedule": { "profile": "points", "points": [{ "date": "2025-06-01", "percent": "10" }, { "date": "2025-05-01", "percent": "20" }] }')],
  ['planCheck.pointBackwards', onBuses('"schedule": { "profile": "points", "points": [{ "date": "2025-06-01", "percent": "30" }, { "date": "2025-07-01", "percent": "20" }] }')],
  ['planCheck.unknownDeadline', onBuses('"deadline": "summer"')],
  ['planCheck.none', (t) => onBuses('"deadline": "summer"')(t.replace(/"deadlines": \[[^\]]*\]/, '"deadlines": []'))],
  ['planCheck.deadlineKind', (t) => onBuses('"deadline": "outdoor-completion"')(swap('"kind": "completion", "due": "2025-10-31"', '"kind": "report", "due": "2025-10-31"')(t))],
  ['planCheck.cityAllocated', swap('"level": "city",', '"level": "city", "allocation": [{ "place": "east", "value": "50" }],')],
  ['planCheck.notAllocated', swap('"places": ["hill"]', '"places": ["hill"], "allocation": [{ "place": "hill", "value": "1" }]')],
  ['planCheck.what.ceiling', (t) => onBuses('"allocation": [{ "place": "east", "value": "200" }]')(swap('"written": "200辆"', '"written": "不超过200辆"')(swap(BUSES, '{ "kind": "ceiling", "value": "200", "unit": "辆" }')(t)))],
  ['planCheck.allocatedCity', onBuses('"allocation": [{ "place": "example", "value": "200" }]')],
  ['planCheck.notMetricPlace', onBuses('"places": ["east"], "allocation": [{ "place": "hill", "value": "200" }]')],
  ['planCheck.allocatedTwice', onBuses('"allocation": [{ "place": "east", "value": "100" }, { "place": "east", "value": "100" }]')],
  ['planCheck.allocationSum', onBuses('"allocation": [{ "place": "east", "value": "100" }, { "place": "hill", "value": "50" }]')],
  ['planCheck.sourceNotInTask', onBuses('"source": "更新新能源出租车"')],
  ['planCheck.sourceNotField', onBuses('"sources": { "colour": "任务原文" }')],
  ['planCheck.approximateBand', (t) => swap('"written": "200辆"', '"written": "200辆左右"')(swap('"kind": "atLeast", "value": "200"', '"kind": "approximate", "value": "200"')(t))],
  // text checks (core/src/text.ts), which a refused field shares
  ['refusal.reason.control', swap('"示例市2025年民生实事工作方案"', '"示例市\\u0007"')],
  ['refusal.reason.tooLong', swap('"示例市2025年民生实事工作方案"', `"${'示'.repeat(300)}"`)],
  // the schema's own sentences, and zod's
  ['schemaIssue.id', swap('"places": ["hill"]', '"places": ["Hill"]')],
  ['schemaIssue.date', swap('"publishedOn": "2025-03-01"', '"publishedOn": "2025/03/01"')],
  ['schemaIssue.offset', swap('"timeZone": "+08:00"', '"timeZone": "CST"')],
  ['schemaIssue.locale', swap('"timeZone": "+08:00"', '"timeZone": "+08:00", "locale": "fr"')],
  ['schemaIssue.decimal', swap('"value": "200"', '"value": "2e2"')],
  ['schemaIssue.negative', swap('"value": "200"', '"value": "-200"')],
  ['schemaIssue.unitCode', swap('"unit": "辆" }', '"unit": "辆 3" }')],
  ['schemaIssue.zod.type', swap('"outdoor": false', '"outdoor": "no"')],
  ['schemaIssue.zod.literal', swap('"unit": "%"', '"unit": "个"')],
  ['schemaIssue.zod.option', swap('"kind": "district", "parent"', '"kind": "town", "parent"')],
  ['schemaIssue.zod.discriminator', swap('"kind": "atLeast", "value": "200"', '"kind": "most", "value": "200"')],
  ['schemaIssue.zod.key', swap('"outdoor": false,', '"outdoor": false, "colour": "红",')],
  ['schemaIssue.zod.keys', swap('"outdoor": false,', '"outdoor": false, "colour": "红", "size": "大",')],
  ['schemaIssue.zod.shortText', swap('"title": "提升公共交通服务"', '"title": ""')],
  ['schemaIssue.zod.fewItems', swap('"responsibleUnits": ["transport"]', '"responsibleUnits": []')],
  ['schemaIssue.zod.small', swap('"number": 1,', '"number": 0,')],
  ['schemaIssue.zod.big', swap('"timeZone": "+08:00"', '"timeZone": "+08:00", "asOfGraceDays": 400')],
  ['schemaIssue.type.string', swap('"number": 1,', '"number": "1",')],
  ['schemaIssue.type.number', swap('"number": 1,', '"number": "1",')],
  ['schemaIssue.type.int', swap('"number": 1,', '"number": 1.5,')],
  ['schemaIssue.type.boolean', swap('"outdoor": false', '"outdoor": "no"')],
  ['schemaIssue.type.array', swap('"responsibleUnits": ["transport"]', '"responsibleUnits": "transport"')],
  ['schemaIssue.type.object', swap('"target": { "kind": "yesNo" }', '"target": "yesNo"')],
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

  it('has a case for each message of the target, status and schema checks', () => {
    const made = new Set(CASES.map(([key]) => key));
    expect(Object.keys({ ...planChecksEn, ...schemaIssuesEn }).filter((key) => !made.has(key as MessageKey))).toEqual([]);
  });

  it('keeps a reason it does not know as core wrote it', () => {
    chooseLanguage('zh-CN');
    expect(planProblemReason('a brand new check failed')).toBe('a brand new check failed');
  });
});
