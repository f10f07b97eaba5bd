import { chooseLedger } from './choose-ledger';

const PG = 'postgres://minsheng@db.internal:5432/ledger';

describe('chooseLedger: the ledger a command names, before and after commander parses', () => {
  it.each([
    ['nothing: ./ledger.db', {}, {}, { kind: 'sqlite', file: './ledger.db' }],
    ['--db', { db: 'a.db' }, {}, { kind: 'sqlite', file: 'a.db' }],
    ['$MINSHENG_DB', {}, { MINSHENG_DB: 'env.db' }, { kind: 'sqlite', file: 'env.db' }],
    ['--db over $MINSHENG_DB', { db: 'a.db' }, { MINSHENG_DB: 'env.db' }, { kind: 'sqlite', file: 'a.db' }],
    ['$DATABASE_URL', {}, { DATABASE_URL: PG }, { kind: 'postgres', url: PG }],
    ['postgresql:// is a PostgreSQL URL too', {}, { DATABASE_URL: 'postgresql://x/y' }, { kind: 'postgres', url: 'postgresql://x/y' }],
    ['$MINSHENG_DB (ours) over $DATABASE_URL (often set for other tools)', {}, { MINSHENG_DB: 'env.db', DATABASE_URL: PG }, { kind: 'sqlite', file: 'env.db' }],
    ['--database-url over $MINSHENG_DB', { databaseUrl: PG }, { MINSHENG_DB: 'env.db' }, { kind: 'postgres', url: PG }],
    ['--db over $DATABASE_URL', { db: 'a.db' }, { DATABASE_URL: PG }, { kind: 'sqlite', file: 'a.db' }],
    ['an empty $DATABASE_URL is no URL', {}, { DATABASE_URL: '' }, { kind: 'sqlite', file: './ledger.db' }],
    ['an empty --db leaves $DATABASE_URL', { db: '' }, { DATABASE_URL: PG }, { kind: 'postgres', url: PG }],
    ['an empty $MINSHENG_DB leaves $DATABASE_URL', {}, { MINSHENG_DB: '', DATABASE_URL: PG }, { kind: 'postgres', url: PG }],
    ["another program's $DATABASE_URL is not looked at when $MINSHENG_DB names the ledger", {}, { MINSHENG_DB: 'env.db', DATABASE_URL: 'mysql://x' }, { kind: 'sqlite', file: 'env.db' }],
  ])('%s', (_, given, env, expected) => {
    expect(chooseLedger(given, env)).toEqual(expected);
  });

  it('refuses --db and --database-url together, whatever the variables say', () => {
    expect(chooseLedger({ db: 'a.db', databaseUrl: PG }, {})).toEqual({ refused: 'both' });
    expect(chooseLedger({ db: 'a.db', databaseUrl: PG }, { MINSHENG_DB: 'env.db', DATABASE_URL: PG })).toEqual({ refused: 'both' });
  });

  it('refuses a URL that is not a PostgreSQL one, naming where it came from', () => {
    expect(chooseLedger({ databaseUrl: 'mysql://x' }, {})).toEqual({ refused: 'not a postgres URL', option: '--database-url' });
    expect(chooseLedger({}, { DATABASE_URL: 'mysql://x' })).toEqual({ refused: 'not a postgres URL', option: '$DATABASE_URL' });
  });
});
