import { exactNumber, figureCell, sheetName } from './workbook';

describe('workbook cells: a number only where it is the decimal exactly', () => {
  it.each([
    ['530', 530],
    ['220.4', 220.4],
    ['100.0', 100],
    ['0.5', 0.5],
    ['-3.25', -3.25],
    ['007', 7],
  ])('%s is the number %d', (text, n) => expect(exactNumber(text)).toBe(n));

  it.each(['12345678901234567.8', '0.1000000000000000055511151231257827', '9007199254740993', '1e3', '', 'abc', '-0'])(
    '%j stays text',
    (text) => {
      expect(exactNumber(text)).toBeNull();
      expect(figureCell(text)).toBe(text);
    },
  );

  it('leaves no figure empty', () => expect(figureCell(null)).toBeNull());
});

describe('sheet names Excel takes', () => {
  it('replaces : \\ / ? * [ ], keeps 31 characters, and makes names unique ignoring case', () => {
    expect(sheetName('a/b:c?d*e[f]g\\h', new Set())).toBe('a_b_c_d_e_f_g_h');
    const long = '很'.repeat(40);
    expect(sheetName(long, new Set())).toBe('很'.repeat(31));
    expect(sheetName(long, new Set(['很'.repeat(31)]))).toBe(`${'很'.repeat(27)} (2)`);
    expect(sheetName('Unit', new Set(['unit', 'unit (2)']))).toBe('Unit (3)');
    expect(sheetName("''", new Set())).toBe('Sheet');
  });
});
