import { messagePattern } from './message-pattern';

describe('messagePattern', () => {
  it('reads the values of a sentence back by name', () => {
    const m = messagePattern('position {position} is missing (the next event is at {next})').exec('position 7 is missing (the next event is at 9)');
    expect(m?.groups).toEqual({ position: '7', next: '9' });
  });
  it('takes the text around the holes literally, regex characters included', () => {
    expect(messagePattern('a (b) {x}.').test('a (b) 1.')).toBe(true);
    expect(messagePattern('a (b) {x}.').test('a b 1x')).toBe(false);
  });
  it('wants a name seen twice to repeat its value', () => {
    const p = messagePattern('history before {older} was rewritten ({older})');
    expect(p.test('history before 5 was rewritten (5)')).toBe(true);
    expect(p.test('history before 5 was rewritten (6)')).toBe(false);
  });
  it('matches the whole sentence only', () => {
    expect(messagePattern('none').test('none at all')).toBe(false);
  });
});
