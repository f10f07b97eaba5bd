import type { AuditTrail, TrailOutcome } from '@minsheng/projections';
import { chooseLanguage } from '../language';
import type { Language } from '../messages';
import { auditText } from './audit';

const READ = '01JB3J8N70YHY6Q2TJ57BAQ5RT';
const OTHERS = ['01JB3JAFT0SJ1PC107HP9HEHJG', '01JB64NC70V7KCPWMR6V7XKEMW'];

const completion: TrailOutcome = {
  eventId: '01JCFP5Y00984JPQN6JQ78YM7F',
  position: 1364,
  type: 'TaskCompleted',
  on: '2024-10-28',
  recordedAt: '2024-10-28T03:43:00.000Z',
  deadline: null,
  value: '516',
  target: '500公里',
  shortfall: null,
  events: [OTHERS[0]!, READ, OTHERS[1]!],
  eventPositions: [null, 1289, null],
  hash: 'e69aa6216cf8'.padEnd(64, '0'),
  known: true,
  effective: true,
};

const trail: AuditTrail = {
  asOf: '2025-01-05',
  knownAt: '2025-01-05T02:00:00.000Z',
  task: 13,
  taskTitle: '提升城镇燃气覆盖率和用气安全',
  metric: 't13-gas-pipe-renewal',
  metricName: '改造老化燃气管道',
  kind: 'quantity',
  target: '500公里',
  place: 'daoli',
  placeName: '道里区',
  value: '76.6',
  percent: '15.3',
  met: false,
  status: 'missed',
  rule: 'the figure the district reports',
  lineage: [],
  entries: [],
  revisions: [],
  outcomes: [completion],
  replay: { value: '76.6', matches: true },
  faults: [],
} as unknown as AuditTrail;

/** The completion's row of the outcome table. */
const completionRow = (lang: Language, ids: boolean): string => {
  chooseLanguage(lang);
  return auditText(trail, { timeZone: 'Asia/Shanghai', ids, unit: '公里' }).find((l) => l.includes('#1364'))!;
};

describe("the audit's outcome table: the events a completion's figure came from", () => {
  afterAll(() => chooseLanguage('en'));

  it('names each event: its position where the audit read it, else the tail of its id', () => {
    for (const lang of ['en', 'zh-CN'] as const) expect(completionRow(lang, true)).toContain(' …9HEHJG #1289 …7XKEMW ');
  });

  it('counts the events of other places where ids are left out (the demo), in either language', () => {
    expect(completionRow('en', false)).toContain(' #1289 and 2 events of other places ');
    expect(completionRow('zh-CN', false)).toContain(' #1289 及其他区县的 2 个事件 ');
    expect(completionRow('zh-CN', false)).not.toContain('…');
  });

  it('says one event of another place in the singular', () => {
    chooseLanguage('en');
    const one = { ...trail, outcomes: [{ ...completion, events: [READ, OTHERS[0]!], eventPositions: [1289, null] }] };
    expect(auditText(one, { timeZone: 'Asia/Shanghai', ids: false }).some((l) => l.includes('#1289 and 1 event of another place'))).toBe(true);
  });
});
