import { checkText, notResponsible, textProblem, unknownEvent, unknownMetric, unknownPlace, unknownTask, unknownUnit } from '@minsheng/core';
import { chooseLanguage } from './language';
import { commanderRefusal, fieldRefusal, refusalSentence } from './refusals';

/*
 * Each refusal the ledger writes, made where possible by the ledger's own functions: in English
 * the catalogue gives back the ledger's sentence word for word (so a shape and its English text
 * agree, and a sentence the ledger rewords is noticed here); in Chinese no English word is left.
 */

const SENTENCES: readonly (readonly [string, string])[] = [
  ['NotResponsible', notResponsible('edu', 3, ['women', 'ndrc'], (id) => ({ edu: '市教育局', women: '市妇联', ndrc: '市发改委' })[id] ?? id).message],
  ['NotReportingUnit', 'housing may not correct report 01J92WWJ80C33YMQ4WV37YHANF: only the unit that reported it (市妇联) or the lead unit of task 3 (市妇联) may'],
  ['NotReportingUnit', 'housing may not retract report 01J92WWJ80C33YMQ4WV37YHANF: only the lead unit of task 3 (市妇联) may'],
  ['UnknownPlan', 'the ledger holds several plans (harbin-2024, harbin-2025): name one with --plan <id>'],
  ['UnknownPlan', 'the ledger has no plan yet; import one first'],
  ['UnknownPlan', 'plan nope is not in the ledger (plans: harbin-2024)'],
  ['UnknownTask', unknownTask(99).message],
  ['UnknownMetric', unknownMetric('t99-x').message],
  ['UnknownMetric', unknownMetric('t99-x', 3).message],
  ['UnknownPlace', unknownPlace('火星区').message],
  ['UnknownPlace', unknownPlace('道里区', 'cannot report t01-x: it is measured once for the whole city').message],
  ['UnknownPlace', unknownPlace('哈尔滨市', 'cannot report t01-x: it is reported per district and rolled up to the city').message],
  ['UnknownPlace', unknownPlace('道里区', 'is not one of the places of t01-x (南岗区, 香坊区)').message],
  ['UnknownUnit', unknownUnit('nobody').message],
  ['UnknownEvent', unknownEvent('01J92WWJ80C33YMQ4WV37YHANF').message],
  ['UnknownEvent', unknownEvent('01J92WWJ80C33YMQ4WV37YHANF', 'is not a report of t03-x at 道里区').message],
  ['UnknownEvent', 'event 01J92WWJ80C33YMQ4WV37YHANF is not a progress report or correction in the ledger'],
  ['AlreadyRetracted', 'report 01J92WWJ80C33YMQ4WV37YHANF was retracted; report a new figure instead'],
  ['AlreadyRetracted', 'report 01J92WWJ80C33YMQ4WV37YHANF is retracted already'],
  ['DeadlineNotPassed', 'deadline t03-d1 (due 2024-12-31) has not passed at 2024-10-01T02:00:00.000Z'],
  ['ClockBehindLedger', "the clock reads 2024-01-01T00:00:00.000Z, before the ledger's latest event (position 5, recorded at 2024-01-02T01:00:00.000Z); a simulated ledger's clock moves forward only"],
  ['ModeRefused', 'the ledger is a simulated ledger (1 event); its mode was fixed when it was created and cannot become production'],
  ['ModeRefused', 'the ledger is a production ledger (7 events); its mode was fixed when it was created and cannot become simulated'],
  ['ReadModelMismatch', "the read model does not match the events behind task 19's figures (t19-dangerous-bridges): its completion was not recorded; the read model (ledger-index) refuses to serve until rebuilt from the log (run `minsheng verify`, then `minsheng rebuild`)"],
];

const REASONS: readonly string[] = [
  '"abc" must be a decimal number, e.g. "2.55"',
  '"-3" must not be negative',
  '"2024-13-01" is not a date written YYYY-MM-DD',
  '2025-09-30 is in the future (today is 2024-10-01)',
  "2023-12-31 is before the plan's period starts (2024-01-01)",
  "2025-04-01 is past the plan's period (it ends 2024-12-31) and its grace of 90 days: the last as-of date it accepts is 2025-03-31",
  'a correction needs a reason',
  'a retraction needs a reason',
  (checkText('person', '  ', 200) as { left: { reason: string } }).left.reason,
  textProblem('张\x1b三', 200)!,
  textProblem('张'.repeat(201), 200)!,
  'a yes/no target needs the value yes or no',
  'a milestone target needs a stage (立项 → 开工 → 完工)',
];

const ENGLISH_WORD = /(^|[^A-Za-z-])(the|is|not|of|in|a|must|needs|may|only|report|task|plan|ledger|event|place)([^A-Za-z-]|$)/;

describe('the ledger\'s refusals in the reader\'s language', () => {
  afterAll(() => chooseLanguage('en'));

  it.each(SENTENCES)('%s: in English the ledger\'s own sentence, in Chinese no English word: %s', (tag, sentence) => {
    chooseLanguage('en');
    expect(refusalSentence(tag, sentence)).toBe(sentence);
    chooseLanguage('zh-CN');
    const zh = refusalSentence(tag, sentence);
    expect(zh).not.toBe(sentence);
    expect(zh).not.toMatch(ENGLISH_WORD);
  });

  it.each(REASONS)('a refused field: %s', (reason) => {
    chooseLanguage('en');
    expect(fieldRefusal('--value', reason)).toBe(`--value: ${reason}`);
    chooseLanguage('zh-CN');
    const zh = fieldRefusal('--value', reason);
    expect(zh).toMatch(/^--value：/);
    expect(zh).not.toMatch(ENGLISH_WORD);
  });

  it('keeps a sentence no shape knows as the ledger wrote it, rather than lose it', () => {
    chooseLanguage('zh-CN');
    expect(refusalSentence('UnknownTask', 'task 3 is somewhere else')).toBe('task 3 is somewhere else');
    expect(fieldRefusal('--value', 'is odd')).toBe('--value：is odd');
  });

  it.each([
    ["unknown option '--bogus'", '未知选项 --bogus'],
    ["unknown command 'stauts'", '未知命令 stauts'],
    ["option '--task <n>' argument missing", '选项 --task <n> 缺少参数'],
    ["required option '--task <n>' not specified", '缺少必需的选项 --task <n>'],
    ["missing required argument 'file'", '缺少必需的参数 file'],
    ["too many arguments for 'status'. Expected 0 arguments but got 1.", '参数过多（命令 status）：应有 0 个，实际 1 个。'],
    ["too many arguments. Expected 1 argument but got 2.", '参数过多：应有 1 个，实际 2 个。'],
  ])("commander's %s", (en, zh) => {
    chooseLanguage('en');
    expect(commanderRefusal(en)).toBe(en);
    chooseLanguage('zh-CN');
    expect(commanderRefusal(en)).toBe(zh);
  });
});
