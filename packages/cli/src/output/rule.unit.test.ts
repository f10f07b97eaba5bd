import { chooseLanguage } from '../language';
import { ruleSentence } from './rule';

/* The aggregation rules core/src/kinds/rules.ts writes: English given back word for word, Chinese with no English phrase. */

const RULES = [
  'measured once for the whole scope (the highest if several places report)',
  'sum of place figures in 个',
  'ratio of summed numerators over summed denominators',
  'ratio of summed 达标户数 over summed 总户数 × 100%',
  'ratio of summed 床位 over summed 常住人口 × 1000',
  'places at each stage; met when all 9 required places reach "完工"',
  'yes in every one of the 18 required places',
  'the figure reported for 道里区',
];

describe('an audit trail\'s rule in the reader\'s language', () => {
  afterAll(() => chooseLanguage('en'));

  it.each(RULES)('%s', (rule) => {
    chooseLanguage('en');
    expect(ruleSentence(rule)).toBe(rule);
    chooseLanguage('zh-CN');
    expect(ruleSentence(rule)).not.toMatch(/\b(of|in|the|over|at|every|places?|sum|ratio|measured|figure)\b/);
  });
});
