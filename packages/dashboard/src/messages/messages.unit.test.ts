import { CATALOGUES, LANGUAGES, statusWord, translator } from '.';
import { STATUS_COLOURS } from '../status-style';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe("the dashboard's message catalogues", () => {
  const keys = new Set(LANGUAGES.flatMap((lang) => Object.keys(CATALOGUES[lang])));

  it.each(LANGUAGES)('%s translates every message of every catalogue, with text', (lang) => {
    const missing = [...keys].filter((k) => !(CATALOGUES[lang] as Record<string, string>)[k]?.trim());
    expect(missing).toEqual([]);
  });

  it('gives each message the same placeholders in every language', () => {
    const differing = [...keys].filter((k) => {
      const [first, ...rest] = LANGUAGES.map((lang) => placeholders((CATALOGUES[lang] as Record<string, string>)[k] ?? ''));
      return rest.some((p) => p.join() !== first!.join());
    });
    expect(differing).toEqual([]);
  });

  it('names every status the dashboard colours, Chinese first', () => {
    for (const status of Object.keys(STATUS_COLOURS)) {
      expect(CATALOGUES['zh-CN']).toHaveProperty([`status.${status}`]);
      expect(CATALOGUES.en).toHaveProperty([`status.${status}`]);
    }
    expect(['complete', 'on track', 'behind', 'missed', 'not started'].map((s) => statusWord('zh-CN', s))).toEqual(['已完成', '序时推进', '滞后', '未完成', '未启动']);
  });

  it('shows a status word it does not know as it is', () => {
    expect(statusWord('zh-CN', 'paused')).toBe('paused');
  });

  it('fills placeholders, and refuses a message missing a value', () => {
    expect(translator('zh-CN')('board.summary', { tasks: 20, metrics: 75 })).toBe('共 20 项任务、75 个指标');
    expect(translator('en')('board.summary', { tasks: 20, metrics: 75 })).toBe('20 tasks, 75 metrics');
    expect(() => translator('en')('board.summary', { tasks: 20 })).toThrow('message board.summary needs a value for {metrics}');
  });
});
