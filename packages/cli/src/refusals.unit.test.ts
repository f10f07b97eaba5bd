import { checkText, EVENT_SCHEMAS, fitFigure, type Figure, type Target, notResponsible, parseUnitVerifierKey, REASON_CODES, targetRevisionRefused, textProblem, unknownEvent, unknownMetric, unknownPlace, unknownTask, unknownUnit, type LedgerError } from '@minsheng/core';
import { brokenChain } from '@minsheng/event-store';
import { Command, Option } from 'commander';
import { clockBehindLedger, keyEventRefused, projectionFailed, queryFailed, signatureRefused, type LedgerFailure } from '@minsheng/ledger';
import { NoPlanError, ReadModelMismatch, UnknownFigureError } from '@minsheng/projections';
import { chooseLanguage } from './language';
import { CATALOGUES } from './messages';
import { REASON_KEYS } from './reasons';
import { checkKeyName } from '@minsheng/verify';
import { auditFault, chainReason, readModelReason, commanderRefusal, fieldRefusal, keyReason, refusalOf, refusalSentence } from './refusals';

/*
 * Each coded error the ledger makes, made where possible by the ledger's own functions (the rest
 * as its deciders build them): in English the catalogue says the ledger's own sentence word for
 * word (so a code's message and the ledger's sentence agree, and a sentence the ledger rewords
 * is noticed here); in Chinese no English word is left. Together they cover every reason code.
 */

const ID = '01J92WWJ80C33YMQ4WV37YHANF';
const coded = <T extends LedgerFailure>(e: T): T => e;

const ERRORS: readonly LedgerFailure[] = [
  notResponsible('edu', 3, ['women', 'ndrc'], (id) => ({ edu: '市教育局', women: '市妇联', ndrc: '市发改委' })[id] ?? id),
  coded<LedgerError>({
    _tag: 'NotResponsible', unit: 'housing', task: 2, code: 'unit.notLeadSignOff', fields: { lead: '市发改委', metric: 't02-x', unit: '市住建局' },
    message: 'only the lead unit 市发改委 signs off t02-x as met; 市住建局 may report "no" only',
  }),
  coded<LedgerError>({
    _tag: 'NotReportingUnit', unit: 'housing', eventId: ID, reportedBy: 'women', lead: 'women', code: 'report.notReportingUnit',
    fields: { unit: '市住建局', verb: 'correct', eventId: ID, reporter: '市妇联', task: 3, lead: '市妇联' },
    message: `市住建局 may not correct report ${ID}: only the unit that reported it (市妇联) or the lead unit of task 3 (市妇联) may`,
  }),
  coded<LedgerError>({
    _tag: 'NotReportingUnit', unit: 'housing', eventId: ID, reportedBy: null, lead: 'women', code: 'report.notLeadUnit',
    fields: { unit: '市住建局', verb: 'retract', eventId: ID, task: 3, lead: '市妇联' },
    message: `市住建局 may not retract report ${ID}: only the lead unit of task 3 (市妇联) may`,
  }),
  coded<LedgerError>({ _tag: 'UnknownPlan', planId: '', code: 'plan.none', fields: { plans: [] }, message: 'the ledger has no plan yet; import one first' }),
  coded<LedgerError>({ _tag: 'UnknownPlan', planId: 'nope', code: 'plan.unknown', fields: { plan: 'nope', plans: ['harbin-2024'] }, message: 'plan nope is not in the ledger (plans: harbin-2024)' }),
  unknownTask(99),
  unknownMetric('t99-x'),
  unknownMetric('t99-x', 3),
  unknownPlace('火星区'),
  unknownPlace('道里区', { code: 'place.cityOnly', metric: 't01-x' }),
  unknownPlace('哈尔滨市', { code: 'place.rolledUp', metric: 't01-x' }),
  unknownPlace('道里区', { code: 'place.notOfMetric', metric: 't01-x', places: ['南岗区', '香坊区'] }),
  unknownUnit('nobody'),
  unknownEvent(ID),
  unknownEvent(ID, { metric: 't03-x', place: '道里区' }),
  coded<LedgerError>({ _tag: 'UnknownEvent', eventId: ID, code: 'event.notReportOrCorrection', fields: { eventId: ID }, message: `event ${ID} is not a progress report or correction in the ledger` }),
  coded<LedgerError>({ _tag: 'UnknownEvent', eventId: ID, code: 'event.otherPlan', fields: { eventId: ID, plan: 'harbin-2024', other: 'harbin-2025' }, message: `event ${ID} is a report of plan harbin-2024, not of plan harbin-2025` }),
  coded<LedgerError>({ _tag: 'AlreadyRetracted', eventId: ID, code: 'report.retracted', fields: { eventId: ID }, message: `report ${ID} was retracted; report a new figure instead` }),
  coded<LedgerError>({ _tag: 'AlreadyRetracted', eventId: ID, code: 'report.retractedAlready', fields: { eventId: ID }, message: `report ${ID} is retracted already` }),
  coded<LedgerError>({
    _tag: 'DeadlineNotPassed', deadline: 't03-d1', code: 'deadline.notPassed', fields: { deadline: 't03-d1', due: '2024-12-31', at: '2024-10-01T02:00:00.000Z' },
    message: 'deadline t03-d1 (due 2024-12-31) has not passed at 2024-10-01T02:00:00.000Z',
  }),
  targetRevisionRefused([
    { metric: 't05-x', change: 'kind', from: 'atLeast', to: 'share', reports: 1 },
    { metric: 't06-y', change: 'unit base', from: '个', to: '公里', reports: 3 },
  ]),
  clockBehindLedger(new Date('2024-01-01T00:00:00Z'), { position: 5, recordedAt: '2024-01-02T01:00:00.000Z' }),
  { _tag: 'ModeRefused', mode: 'simulated', asked: 'production', code: 'mode.fixed', fields: { mode: 'simulated', count: 1, asked: 'production' },
    message: 'the ledger is a simulated ledger (1 event); its mode was fixed when it was created and cannot become production' },
  { _tag: 'ModeRefused', mode: 'production', asked: 'simulated', code: 'mode.fixed', fields: { mode: 'production', count: 7, asked: 'simulated' },
    message: 'the ledger is a production ledger (7 events); its mode was fixed when it was created and cannot become simulated' },
  { _tag: 'ReadModelMismatch', checkpoint: 40, head: 40, code: 'readModel.completionNotBacked', fields: { task: 19, metrics: ['t19-dangerous-bridges'], projection: 'ledger-index' },
    message: "the read model does not match the events behind task 19's figures (t19-dangerous-bridges): its completion was not recorded; the read model (ledger-index) refuses to serve until rebuilt from the log (run `minsheng verify`, then `minsheng rebuild`)" },
  projectionFailed(new ReadModelMismatch(
    'the read model (ledger-index) has applied events up to position 12 but the log ends at 9: events it applied are no longer in the log; it refuses to serve until rebuilt from the log (run `minsheng verify`, then `minsheng rebuild`)',
    'ledger-index', 12, 9, 'readModel.aheadOfLog', { projection: 'ledger-index', checkpoint: 12, head: 9 },
  )),
  projectionFailed(new ReadModelMismatch(
    'the read model (ledger-index) applied another event at position 9 than the log holds there now (hash 0123456789ab… applied, ba9876543210… in the log): events were removed from the log and others took their positions; it refuses to serve until rebuilt from the log (run `minsheng verify`, then `minsheng rebuild`)',
    'ledger-index', 9, 9, 'readModel.otherEvent', { projection: 'ledger-index', checkpoint: 9, applied: '0123456789ab…', logged: 'ba9876543210…' },
  )),
  brokenChain(7, ID, "stored hash does not match the event's content"),
  signatureRefused('unsignedLedger', 'signature.unsignedLedger', {}, 'the ledger is not in signed mode, so a signature cannot be checked; nothing was written (turn signing on, or leave the signature out)'),
  signatureRefused('missing', 'signature.missing', { type: 'ProgressReported' }, 'the ledger is in signed mode: a ProgressReported needs the signature of a registered key of a responsible unit; nothing was written'),
  signatureRefused('unknownKey', 'signature.unknownKey', { keyId: 'c4f7e2b9' }, 'key c4f7e2b9 is not registered in the ledger; nothing was written'),
  signatureRefused('revoked', 'signature.revoked', { keyId: 'c4f7e2b9', unit: '市住建局', position: 12 }, 'key c4f7e2b9 of 市住建局 was revoked at position 12; nothing was written'),
  signatureRefused('otherUnit', 'signature.otherUnit', { keyId: 'c4f7e2b9', unit: '市住建局', type: 'ProgressCorrected', by: '市妇联' },
    "key c4f7e2b9 is 市住建局's, but the ProgressCorrected is by 市妇联; nothing was written"),
  signatureRefused('otherUnit', 'signature.noUnit', { keyId: 'c4f7e2b9', unit: '市住建局', type: 'ProgressReported' },
    "key c4f7e2b9 is 市住建局's, but the ProgressReported is by no unit; nothing was written"),
  signatureRefused('notResponsible', 'signature.notResponsible', { unit: '市住建局', metric: 't03-x' }, '市住建局 is not responsible for metric t03-x; nothing was written'),
  signatureRefused('bad', 'signature.bad', { keyId: 'c4f7e2b9', type: 'ProgressReported' },
    "the signature by key c4f7e2b9 does not verify over this ProgressReported's content (altered after signing, or not made by that key); nothing was written"),
  signatureRefused('replayed', 'signature.replayed', { type: 'ProgressReported', position: 9 },
    'this signed ProgressReported was already recorded at position 9; a signature is accepted once; nothing was written (to state the same figure again, sign a correction)'),
  keyEventRefused('keyEvent.notAdminKey', { type: 'UnitKeyRegistered', adminKeyId: 'd3e5f1b8', keyId: 'c4f7e2b9' },
    "UnitKeyRegistered must be signed by the administrator's key d3e5f1b8, not by key c4f7e2b9; nothing was written"),
  keyEventRefused('keyEvent.badSignature', { type: 'SigningDisabled' }, "the administrator's signature of SigningDisabled does not verify; nothing was written"),
  keyEventRefused('keyEvent.onAlready', { adminKeyId: 'd3e5f1b8' }, 'signed mode is on already, with administrator key d3e5f1b8; nothing was written'),
  keyEventRefused('keyEvent.badAdminKey', { reason: 'its key is not base64' }, 'the administrator key: its key is not base64; nothing was written'),
  keyEventRefused('keyEvent.notSignedMode', {}, 'the ledger is not in signed mode (minsheng signing on); nothing was written'),
  keyEventRefused('keyEvent.badUnitKey', { reason: 'its key id 00000000 does not match its key (c4f7e2b9)' },
    "the unit's key: its key id 00000000 does not match its key (c4f7e2b9); nothing was written"),
  keyEventRefused('keyEvent.registeredAlready', { keyId: 'c4f7e2b9', unit: '市住建局', position: 4 },
    'key id c4f7e2b9 was registered already (for 市住建局, at position 4); make a new key; nothing was written'),
  keyEventRefused('keyEvent.noSuchKey', { unit: '市住建局', keyId: 'c4f7e2b9' }, '市住建局 has no registered, unrevoked key c4f7e2b9; nothing was written'),
  { _tag: 'SigningRecordDamaged', position: 5, eventId: ID, code: 'signing.recordDamaged',
    fields: { position: 5, type: 'UnitKeyRegistered', eventId: ID, damage: 'otherKey', keyId: 'c4f7e2b9', adminKeyId: 'd3e5f1b8' },
    message: `the ledger's signing record is damaged at position 5 (UnitKeyRegistered ${ID}): it is signed by key c4f7e2b9, not by the administrator's key d3e5f1b8; nothing that needs it is written until it is examined` },
  queryFailed(new UnknownFigureError('metric t03-x belongs to task 3, not task 4', 'metric.otherTask', { metric: 't03-x', owner: 3, task: 4 })),
];

/** Said by the CLI otherwise than the ledger: it names the option that chooses a plan, and a broken chain's reason is the store's. */
const CLI_WORDS: readonly (readonly [LedgerFailure, string])[] = [
  [queryFailed(new NoPlanError('the ledger holds several plans (harbin-2024, harbin-2025); name one', 'plan.several', { plans: ['harbin-2024', 'harbin-2025'] })),
    'the ledger holds several plans (harbin-2024, harbin-2025): name one with --plan <id>'],
  [queryFailed(new NoPlanError('the ledger has no plan yet; import one with `minsheng plan import <file>`', 'plan.none', { plans: [] })), 'the ledger has no plan yet; import one first'],
  [queryFailed(new NoPlanError('plan x is not in the ledger (plans: none)', 'plan.unknown', { plan: 'x', plans: [] })), 'plan x is not in the ledger (plans: none)'],
];

const ENGLISH_WORD = /(^|[^A-Za-z-])(the|is|not|of|in|a|must|needs|may|only|report|task|plan|ledger|event|place|none)([^A-Za-z-]|$)/;

describe('the ledger\'s coded errors in the reader\'s language', () => {
  afterAll(() => chooseLanguage('en'));
  const codeOf = (e: LedgerFailure) => ('code' in e ? e.code : e._tag);

  it('has a message in both catalogues for every reason code, and a sample error of each here', () => {
    for (const code of REASON_CODES) for (const lang of ['en', 'zh-CN'] as const) expect([code, REASON_KEYS[code] in CATALOGUES[lang]]).toEqual([code, true]);
    expect([...new Set([...ERRORS, ...CLI_WORDS.map(([e]) => e)].map(codeOf))].sort()).toEqual([...REASON_CODES].sort());
  });

  it.each(ERRORS.map((e) => [codeOf(e), e] as const))('%s: in English the ledger\'s own sentence, in Chinese no English word', (_, e) => {
    chooseLanguage('en');
    expect(refusalOf(e)).toBe(e.message);
    chooseLanguage('zh-CN');
    const zh = refusalOf(e);
    expect(zh).not.toBe(e.message);
    expect(zh).not.toMatch(ENGLISH_WORD);
    // An event type is named in words (进度上报), not as the ledger's identifier (ProgressReported).
    expect(zh).not.toMatch(/[A-Z][a-z]+[A-Z][a-z]+/);
  });

  it('names every event type of the ledger in both catalogues: the type itself in English, words in Chinese', () => {
    for (const type of Object.keys(EVENT_SCHEMAS)) {
      const key = `event.${type}`;
      expect([key, (CATALOGUES.en as Record<string, unknown>)[key]]).toEqual([key, type]);
      expect([key, (CATALOGUES['zh-CN'] as Record<string, unknown>)[key]]).toEqual([key, expect.stringMatching(/^[\u4e00-\u9fff]+$/)]);
    }
    const named = Object.keys(CATALOGUES.en).filter((k) => k.startsWith('event.')).map((k) => k.slice('event.'.length));
    expect(named.sort()).toEqual(Object.keys(EVENT_SCHEMAS).sort());
  });

  it('keeps an event type the catalogue does not name (a newer ledger\'s) as it is', () => {
    chooseLanguage('zh-CN');
    expect(refusalOf(signatureRefused('missing', 'signature.missing', { type: 'ProgressEstimated' }, 'x'))).toBe('台账处于签名模式：ProgressEstimated须由责任单位已登记的密钥签名；未写入任何内容');
    expect(refusalOf(signatureRefused('missing', 'signature.missing', { type: 'ProgressReported' }, 'x'))).toBe('台账处于签名模式：进度上报须由责任单位已登记的密钥签名；未写入任何内容');
  });

  it.each(CLI_WORDS)('%j: said as the CLI names it', (e, en) => {
    chooseLanguage('en');
    expect(refusalOf(e)).toBe(en);
    chooseLanguage('zh-CN');
    expect(refusalOf(e)).not.toMatch(ENGLISH_WORD);
  });
});

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
  '2023-01-01T15:59:59.999Z is before plan harbin-2024 was recorded',
  ...(['share', 'rate', 'milestone'] as const).flatMap((kind) => {
    const target = { kind, value: '90', unit: kind === 'rate' ? '个/千人' : '%', per: '1000', numerator: '纳入平台的项目数(个)', denominator: '在建项目数(个)', stages: ['全面推开', '基本建成'] } as unknown as Target;
    const figures: Figure[] = kind === 'milestone' ? [{ kind: 'stage', stage: '完成' }] : [{ kind: 'quantity', value: '1', unit: '个' }, { kind: 'ratio', numerator: '1', denominator: '0' }, ...(kind === 'share' ? [{ kind: 'ratio', numerator: '5', denominator: '3' } as const] : [])];
    return figures.map((f) => (fitFigure(target, f) as { left: { reason: string } }).left.reason);
  }),
  (fitFigure({ kind: 'atLeast', value: '300', unit: '公里' } as unknown as Target, { kind: 'quantity', value: '3', unit: '辆' }) as { left: { reason: string } }).left.reason,
  (fitFigure({ kind: 'atLeast', value: '300', unit: '公里' } as unknown as Target, { kind: 'quantity', value: 'x', unit: '公里' }) as { left: { reason: string } }).left.reason,
  // A figure beyond a figure's precision, a count that is not whole (in 个, and in 万人: 0.5 人).
  ...['1234567890123456789012345', '12.12345678901', '12.5', '0.00005'].map((value) =>
    (fitFigure({ kind: 'atLeast', value: '300', unit: value === '0.00005' ? '人' : '个' } as unknown as Target, { kind: 'quantity', value, unit: value === '0.00005' ? '万人' : '个' }) as { left: { reason: string } }).left.reason),
];

/** A broken chain's reasons, as event-store/src/checked-log.ts writes them. */
const CHAIN_REASONS: readonly string[] = [
  'the event before it, at position 6, is missing',
  'position 9 does not follow 7',
  'hash version 3 is not one this build knows (1 or 2)',
  'hash version 1 after version 2: versions never go down along positions',
  'prev_hash does not match the hash of the event before it',
  'stored_at "2024-01-01T00:00:00.000Z" is before the previous event\'s "2024-01-02T00:00:00.000Z"',
  "stored hash does not match the event's content",
  "stored hash does not match the event's content; nothing is appended after it",
  'recordedAt "2024-10-26T04:46:00.000Z" is before the previous event\'s "2025-01-08T05:20:00.000Z"',
  'the Merkle tree covers 1766 events but the log holds 1763',
  'it differs from the event the Merkle tree recorded when it was appended',
  'the Merkle tree never recorded it: it was not appended by the ledger',
  'the log ends at 1763 but the checkpoint of 2026-12-06T20:46:43.368Z signs 1766 events: events were removed',
  'the first 1766 events do not have the root the checkpoint of 2026-12-06T20:46:43.368Z signs: history was rewritten (the stored tree was rewritten with it, so no single event can be named)',
];

describe('a broken chain\'s reason in the reader\'s language', () => {
  afterAll(() => chooseLanguage('en'));

  it.each(CHAIN_REASONS)('%s', (reason) => {
    chooseLanguage('en');
    expect(chainReason(reason)).toBe(reason);
    expect(refusalOf(brokenChain(7, ID, reason))).toBe(brokenChain(7, ID, reason).message);
    chooseLanguage('zh-CN');
    expect(chainReason(reason)).not.toMatch(ENGLISH_WORD);
    expect(refusalOf(brokenChain(7, ID, reason))).not.toMatch(ENGLISH_WORD);
  });
});

/** Each kind of difference audit finds (projections/src/audit/trail.ts), as it writes them. */
const FAULTS: readonly string[] = [
  '#1245: the read model has the figure 45 座, the event says 6 座',
  '#1245: the read model has asOf "2024-10-25", the event says "2024-10-24"',
  "the task's events set no target for t19-dangerous-bridges by this moment; the read model has at least 20 座",
  "the read model has the target at least 20 座, the task's events set at least 18 座",
  `the read model counts event ${ID} (position 12), which is not in the log's events for this figure`,
  '#1245: the read model counts it, but the events do not have it in force at this moment',
  '#1245: the events have it in force for 通河县, but the read model leaves it out',
  'the read model shows 56, the events give 17',
];

describe("verify's read-model reason, which reaches it without its code", () => {
  afterAll(() => chooseLanguage('en'));
  const REBUILD = 'it refuses to serve until rebuilt from the log (run `minsheng verify`, then `minsheng rebuild`)';

  it.each([
    `the read model (ledger-index) has applied events up to position 1766 but the log ends at 1763: events it applied are no longer in the log; ${REBUILD}`,
    `the read model (ledger-index) applied another event at position 1766 than the log holds there now (hash 0d306fd71380… applied, 17e643392994… in the log): events were removed from the log and others took their positions; ${REBUILD}`,
  ])('%s', (reason) => {
    chooseLanguage('en');
    expect(readModelReason(reason)).toBe(reason);
    chooseLanguage('zh-CN');
    expect(readModelReason(reason)).not.toMatch(ENGLISH_WORD);
  });
});

describe("audit's read-model faults in the reader's language", () => {
  afterAll(() => chooseLanguage('en'));

  it.each(FAULTS)('%s', (fault) => {
    chooseLanguage('en');
    expect(auditFault(fault)).toBe(fault);
    chooseLanguage('zh-CN');
    expect(auditFault(fault).replace(/at least|asOf/g, '')).not.toMatch(ENGLISH_WORD);
  });
});

/** Why a key or key name is refused, as core's parseUnitVerifierKey (verify's parser) and verify's checkKeyName say it. */
/** A verifier key made once by newSignerKey, fixed so its key id is the same on every run. */
const VERIFIER = 'edu+66df5883+Ade8XWnMMfbckmP8VWX7UC+hBFy1bQYp6U/FpNZ51SnO';
const KEY_REASONS: readonly string[] = [
  parseUnitVerifierKey('edu+c4f7e2b9') as string,
  parseUnitVerifierKey(' +c4f7e2b9+AAAA') as string,
  parseUnitVerifierKey('edu+c4f7e2b9+!!!') as string,
  parseUnitVerifierKey('edu+c4f7e2b9+AAAA') as string,
  parseUnitVerifierKey(VERIFIER.replace('+66df5883+', '+00000000+')) as string,
  checkKeyName('')!,
  checkKeyName('edu key')!,
];

/** Why a key event of the stream does not verify (ledger/src/signing-record.ts), each with the values it names. */
const DAMAGES: readonly (readonly [Readonly<Record<string, string>>, string])[] = [
  [{ damage: 'onAlready' }, 'signed mode is on already'],
  [{ damage: 'adminKey', reason: 'its key is not base64' }, 'its administrator key: its key is not base64'],
  [{ damage: 'noSignature' }, 'it carries no administrator signature'],
  [{ damage: 'otherKey', keyId: 'c4f7e2b9', adminKeyId: 'd3e5f1b8' }, "it is signed by key c4f7e2b9, not by the administrator's key d3e5f1b8"],
  [{ damage: 'badSignature' }, 'its administrator signature does not verify'],
  [{ damage: 'notOn' }, 'signed mode is not on'],
  [{ damage: 'keyMismatch', keyId: 'c4f7e2b9' }, 'its key does not match key id c4f7e2b9'],
];

describe('a signing refusal\'s reason in the reader\'s language', () => {
  afterAll(() => chooseLanguage('en'));

  it.each(KEY_REASONS)('a key: %s', (reason) => {
    chooseLanguage('en');
    expect(keyReason(reason)).toBe(reason);
    chooseLanguage('zh-CN');
    expect(keyReason(reason)).not.toBe(reason);
    expect(keyReason(reason)).not.toMatch(ENGLISH_WORD);
  });

  it.each(DAMAGES)('a damaged signing record: %j', (why, sentence) => {
    const e: LedgerFailure = {
      _tag: 'SigningRecordDamaged', position: 5, eventId: ID, code: 'signing.recordDamaged', fields: { position: 5, type: 'UnitKeyRevoked', eventId: ID, ...why },
      message: `the ledger's signing record is damaged at position 5 (UnitKeyRevoked ${ID}): ${sentence}; nothing that needs it is written until it is examined`,
    };
    chooseLanguage('en');
    expect(refusalOf(e)).toBe(e.message);
    chooseLanguage('zh-CN');
    expect(refusalOf(e)).not.toMatch(ENGLISH_WORD);
  });
});

describe('refused fields and commander in the reader\'s language', () => {
  afterAll(() => chooseLanguage('en'));

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
    expect(refusalSentence('UnknownTask', unknownTask(3).message)).toBe('任务 3 不在计划中');
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

  it("commander's refusal of a value not among an option's choices, as commander writes it", () => {
    const cmd = new Command().exitOverride().configureOutput({ writeErr: () => undefined }).addOption(new Option('--group-by <view>').choices(['task', 'district', 'unit']));
    const refused = (() => {
      try {
        cmd.parse(['--group-by', 'nothing'], { from: 'user' });
      } catch (e) {
        return (e as Error).message.replace(/^error: /, '');
      }
      throw new Error('commander took a value not among the choices');
    })();
    chooseLanguage('en');
    expect(commanderRefusal(refused)).toBe(refused);
    chooseLanguage('zh-CN');
    expect(commanderRefusal(refused)).toBe('选项 --group-by <view> 的参数 "nothing" 无效。可选值为 task、district、unit。');
  });
});
