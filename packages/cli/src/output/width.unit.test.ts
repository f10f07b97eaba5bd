import { displayWidth, pad, truncate } from './width';

describe('display width (East Asian Width)', () => {
  it.each([
    ['abc', 3],
    ['道里区', 6],
    ['市住建局 lead', 13],
    ['哈政办发〔2024〕29号', 20], // 〔 〕 are wide punctuation
    ['（全角）', 8],
    ['≥ 73 个', 7], // ≥ is ambiguous: one column
    ['“家门口”', 8], // curly quotes are ambiguous: one column each
    ['e\u0301', 1], // a combining accent takes no column
    ['', 0],
    ['𠀀', 2], // CJK extension B, outside the BMP
  ])('%s is %d columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it('pads by display width, left or right', () => {
    expect(pad('道里区', 8)).toBe('道里区  ');
    expect(pad('12', 5, 'right')).toBe('   12');
    expect(pad('道里区', 4)).toBe('道里区');
  });

  it('truncates to a width with an ellipsis, never splitting a wide character', () => {
    expect(truncate('城市社区老年助餐服务覆盖面', 9)).toBe('城市社区…');
    expect(displayWidth(truncate('城市社区老年助餐服务覆盖面', 10))).toBeLessThanOrEqual(10);
    expect(truncate('short', 10)).toBe('short');
  });
});
