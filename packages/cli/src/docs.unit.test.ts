import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { brokenChineseLines } from './testing/cjk-wrap';
import { anchors, brokenLinks, DOCS, markdownFiles, relativeLinks, slug } from './testing/doc-links';

describe('the link checker', () => {
  it('gives headings the anchors GitHub gives them, CJK included', () => {
    expect(slug('Who sets the recorded time: production and simulated ledgers')).toBe('who-sets-the-recorded-time-production-and-simulated-ledgers');
    expect(slug('The supervision workbook (督办台账)')).toBe('the-supervision-workbook-督办台账');
    expect(slug('`level`: city or district')).toBe('level-city-or-district');
    expect(slug('4a. 不信任账本数据库也能核验日志：检查点、导出、独立核验')).toBe('4a-不信任账本数据库也能核验日志检查点导出独立核验');
    expect([...anchors('# A\n## Roles\n```\n## not a heading\n```\n## Roles\n')]).toEqual(['a', 'roles', 'roles-1']);
  });

  it('takes relative links only, not web addresses nor links shown in code', () => {
    expect(relativeLinks('[a](b.md#c) [w](https://x.org/y.md) `[n](n.md)`\n```\n[m](m.md)\n```\n')).toEqual(['b.md#c']);
  });

  it('names a missing file and a missing anchor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doc-links-'));
    try {
      writeFileSync(join(dir, 'b.md'), '# B\n## Here\n');
      writeFileSync(join(dir, 'a.md'), '[ok](b.md#here) [no file](c.md) [no anchor](b.md#there) [self](#b)\n# B\n');
      const lines = brokenLinks(join(dir, 'a.md'));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/c\.md: no file/);
      expect(lines[1]).toMatch(/b\.md#there: no heading with the anchor #there$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Chinese line-break check', () => {
  it('names a paragraph broken between two Chinese characters, not one broken beside code, a list or a table', () => {
    expect(brokenChineseLines('审计人员\n指南\n')).toEqual(['审计人员⏎指南']);
    expect(brokenChineseLines('用\n`minsheng` 命令\n\n- 一\n- 二\n\n| 甲 |\n| 乙 |\n```\n代码\n代码\n```\n')).toEqual([]);
  });
});

describe('docs/', () => {
  const files = markdownFiles(DOCS);

  it('every relative link, in every language, leads to a file and a heading that exist', () => {
    expect(files.filter((f) => f.includes('/zh/')).length).toBeGreaterThan(0);
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });

  describe.each(markdownFiles(join(DOCS, 'zh')).map((f) => [basename(f), f] as const))('the Chinese %s', (name, zh) => {
    const en = join(DOCS, name);
    const sections = (file: string) => readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '').match(/^## /gm)?.length ?? 0;

    it('translates an English guide of the same name, and each links to the other at the top', () => {
      const head = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, 4).join('\n');
      expect(head(zh)).toContain(`](../${name})`);
      expect(head(en)).toContain(`](zh/${name})`);
    });

    it('keeps each paragraph on one line: a line break between Chinese characters renders as a space', () => {
      expect(brokenChineseLines(readFileSync(zh, 'utf8'))).toEqual([]);
    });

    it('has as many sections as the English guide', () => {
      expect(sections(zh)).toBe(sections(en));
    });
  });
});
