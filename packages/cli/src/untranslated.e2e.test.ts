import { join } from 'node:path';
import { CATALOGUES } from './messages';
import { cli, SEED, tempDir } from './testing/run-cli';

/*
 * Every translated command, run in the Harbin plan's language: no English catalogue text may
 * appear in what it prints. A message left in English (or printed around the catalogue) fails.
 */

const JAN = '2024-01-02T09:00:00+08:00';
const OCT = '2024-10-01T10:00:00+08:00';
/** No MINSHENG_LANG: the plan's locale decides (the test runners pin English otherwise). */
const PLAN_LANG = { MINSHENG_LANG: '' };
const REPORT = ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--value', '12', '--as-of', '2024-09-30', '--by', '市妇联'];

/** The literal parts of each English message that differ from the Chinese one and carry a word. */
const englishFragments = (): string[] => {
  const texts = (m: unknown): string[] => (typeof m === 'string' ? [m] : Object.values(m as Record<string, string>));
  const zh = new Set(Object.values(CATALOGUES['zh-CN']).flatMap(texts));
  return [...new Set(Object.values(CATALOGUES.en).flatMap(texts).filter((text) => !zh.has(text))
    .flatMap((text) => text.split(/\{\w+\}/)).map((f) => f.trim()).filter((f) => /[A-Za-z]{2}/.test(f)))];
};

describe('no English in the Chinese output (issue 18)', () => {
  const tmp = tempDir();
  const at = ['--db', join(tmp.dir, 'ledger.db')];
  const run = (args: string[]) => cli([...args, ...at, '--now', OCT], PLAN_LANG);

  beforeAll(() => {
    expect(cli(['init', '--simulated', ...at, '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at, '--now', JAN]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it.each([[REPORT], [['status']], [['status', '--by', 'district']], [['status', '--by', 'unit']], [['verify']], [['plan', 'list']], [['deadlines']], [['audit', '--task', '3', '--metric', 't03-child-friendly-communities']]])('%j', (args) => {
    const r = run(args);
    expect(r.code).toBe(0);
    // The audit's rule is the read model's own sentence, in English (packages/projections), not a catalogue message.
    const shown = r.stdout.split('\n').filter((line) => !line.startsWith('规则：')).join('\n');
    const found = englishFragments().filter((f) => new RegExp(`(^|[^A-Za-z])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z])`).test(shown));
    expect(found).toEqual([]);
  });
});
