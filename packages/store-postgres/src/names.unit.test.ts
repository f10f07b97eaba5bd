import { DEFAULT_SCHEMA, ledgerNames } from './names';

describe('ledger names', () => {
  it('quotes the schema into every table name', () => {
    expect(ledgerNames('harbin2024')).toMatchObject({
      events: '"harbin2024".events',
      streams: '"harbin2024".streams',
      migrations: '"harbin2024".minsheng_migrations',
    });
    expect(ledgerNames().schema).toBe(DEFAULT_SCHEMA);
  });

  it('gives each schema and purpose its own stable 64-bit lock key', () => {
    const a = ledgerNames('a');
    const b = ledgerNames('b');
    expect(ledgerNames('a')).toEqual(a);
    expect(new Set([a.appendLock, a.migrateLock, b.appendLock, b.migrateLock]).size).toBe(4);
    expect(a.statementPrefix).not.toBe(b.statementPrefix);
    expect(ledgerNames(`l${'x'.repeat(62)}`).statementPrefix.length + 'stream-backward'.length).toBeLessThanOrEqual(63);
    for (const key of [a.appendLock, a.migrateLock]) {
      expect(key).toMatch(/^-?\d+$/);
      expect(BigInt(key) >= -(2n ** 63n) && BigInt(key) < 2n ** 63n).toBe(true);
    }
  });

  it.each([['Ledger'], ['has space'], ['a"b'], ['1st'], [''], ['x'.repeat(64)]])('refuses the schema name %j', (bad) => {
    expect(() => ledgerNames(bad)).toThrow(TypeError);
  });
});
