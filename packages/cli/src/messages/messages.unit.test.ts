import { CATALOGUES as BOARD } from '@minsheng/dashboard';
import { CATALOGUES, LANGUAGES, translator } from '.';

const texts = (m: string | Readonly<Record<string, string>>): string[] => (typeof m === 'string' ? [m] : Object.values(m));
const placeholders = (m: string | Readonly<Record<string, string>>): string[][] =>
  texts(m).map((text) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!))].sort());

describe("the CLI's message catalogues", () => {
  const keys = new Set(LANGUAGES.flatMap((lang) => Object.keys(CATALOGUES[lang])));
  const message = (lang: (typeof LANGUAGES)[number], key: string) => (CATALOGUES[lang] as Record<string, string | Record<string, string>>)[key];

  it.each(LANGUAGES)('%s has every key of every catalogue, with text', (lang) => {
    const missing = [...keys].filter((k) => {
      const m = message(lang, k);
      return m === undefined || texts(m).some((text) => !text.trim());
    });
    expect(missing).toEqual([]);
  });

  it('gives each message the same placeholders in every language and plural form', () => {
    const differing = [...keys].filter((k) => {
      const all = LANGUAGES.flatMap((lang) => placeholders(message(lang, k)!)).map((p) => p.join());
      return new Set(all).size !== 1;
    });
    expect(differing).toEqual([]);
  });

  it("says each status in the dashboard's words", () => {
    for (const lang of LANGUAGES)
      for (const key of Object.keys(CATALOGUES[lang]).filter((k) => k.startsWith('status.')))
        expect([key, message(lang, key)]).toEqual([key, (BOARD[lang] as Record<string, string>)[key]]);
  });

  it('chooses a plural form by the count, and refuses a message missing a value', () => {
    expect(translator('en')('verify.ok', { count: 1, head: 'ab' })).toBe('verified 1 event: every hash and link holds; head hash ab');
    expect(translator('en')('verify.ok', { count: 2, head: 'ab' })).toBe('verified 2 events: every hash and link holds; head hash ab');
    expect(translator('zh-CN')('verify.ok', { count: 1, head: 'ab' })).toBe('已核验 1 个事件：每个哈希及链接均成立；最新哈希 ab');
    expect(() => translator('en')('verify.ok', { head: 'ab' })).toThrow('message verify.ok needs a number for {count}');
    expect(() => translator('en')('report.recorded', { eventId: 'x' })).toThrow('message report.recorded needs a value for {position}');
  });
});
