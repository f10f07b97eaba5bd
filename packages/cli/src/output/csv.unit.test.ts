import { BOM, csvField, toCsv } from './csv';

describe('CSV (RFC 4180, for Excel)', () => {
  it.each([
    ['plain', 'plain'],
    ['道里区', '道里区'],
    ['a,b', '"a,b"'],
    ['say "yes"', '"say ""yes"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [' spaced ', ' spaced '],
    ['', ''],
  ])('quotes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('writes null as an empty field and numbers and booleans as text', () => {
    expect([null, undefined, 12, true, false].map(csvField)).toEqual(['', '', '12', 'true', 'false']);
  });

  it('starts with a byte-order mark and ends every record with CRLF', () => {
    expect(toCsv(['place', 'note'], [['道里区', 'a, b'], ['南岗区', null]])).toBe(`${BOM}place,note\r\n道里区,"a, b"\r\n南岗区,\r\n`);
  });
});
