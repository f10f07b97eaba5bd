import { DEFAULT_LEDGER, ledgerStreams } from './names';

describe('ledger streams', () => {
  it('name the log, each stream’s links and each id’s link from the ledger', () => {
    const s = ledgerStreams('harbin2024');
    expect([s.log, s.stream('progress-松北区-🏗️'), s.id('01J9ZQ4T3V6W8X0Y2Z4A6B8C0D')]).toEqual([
      'harbin2024_log',
      'harbin2024_stream-progress-松北区-🏗️',
      'harbin2024_id-01J9ZQ4T3V6W8X0Y2Z4A6B8C0D',
    ]);
    expect(ledgerStreams().ledger).toBe(DEFAULT_LEDGER);
  });

  it('keep ledgers apart: no stream of one ledger is a stream of another', () => {
    const a = ledgerStreams('a');
    const aStream = ledgerStreams('a_stream');
    const aId = ledgerStreams('a_id');
    const names = [a.log, a.stream('log'), a.stream('x'), a.id('x'), aStream.log, aStream.stream('x'), aId.log, aId.id('x')];
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([[''], ['has-dash'], ['$system'], ['with space'], ['x'.repeat(65)], ['名']])('refuse the ledger name %j', (bad) => {
    expect(() => ledgerStreams(bad)).toThrow(TypeError);
  });
});
