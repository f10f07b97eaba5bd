// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { usePostgres } from '@minsheng/store-postgres/testing';
import { cli, SEED } from './testing/run-cli';

/*
 * The language before the ledger is open, on PostgreSQL (issue 18, review of session 31): the
 * plan of the ledger --database-url or $DATABASE_URL names gives the language of a refusal made
 * before anything opens, as a SQLite ledger's does. One query with a short timeout: a server that
 * is down, or a database with no ledger, falls through to the next rule without a word.
 */

const pg = usePostgres();

const JAN = '2024-01-02T09:00:00+08:00';
/** No MINSHENG_LANG, and a system locale that asks for nothing (the test runners pin English otherwise). */
const NO_CHOICE = { MINSHENG_LANG: '', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
const DOWN = 'postgres://minsheng@127.0.0.1:1/ledger';

describe('the language before a PostgreSQL ledger is open', () => {
  let url = '';
  beforeAll(async () => {
    url = await pg.server().createDatabase('minsheng_lang');
    expect(cli(['init', '--simulated', '--database-url', url, '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, '--database-url', url, '--now', JAN]).code).toBe(0);
  });

  it("refuses a bad option in the plan's language, named by --database-url or by $DATABASE_URL", () => {
    expect(cli(['status', '--bogus', '--database-url', url], NO_CHOICE)).toEqual({ code: 2, stdout: '', stderr: 'minsheng: 未知选项 --bogus\n' });
    expect(cli(['status', '--bogus'], { ...NO_CHOICE, DATABASE_URL: url })).toEqual({ code: 2, stdout: '', stderr: 'minsheng: 未知选项 --bogus\n' });
    expect(cli(['status', '--help', '--database-url', url], NO_CHOICE).stdout).toMatch(/^用法：/);
  });

  it('$MINSHENG_DB still wins over $DATABASE_URL: a missing SQLite file gives no language', () => {
    const r = cli(['status', '--bogus'], { ...NO_CHOICE, DATABASE_URL: url, MINSHENG_DB: '/nonexistent/ledger.db' });
    expect([r.code, r.stderr]).toEqual([2, "minsheng: unknown option '--bogus'\n"]);
  });

  it('falls through silently: a server that is down, a database with no ledger', async () => {
    const empty = await pg.server().createDatabase('minsheng_lang_empty');
    for (const where of [DOWN, empty]) {
      expect(cli(['status', '--bogus', '--database-url', where], NO_CHOICE)).toEqual({ code: 2, stdout: '', stderr: "minsheng: unknown option '--bogus'\n" });
      // The next rule: the system's locale.
      expect(cli(['status', '--bogus', '--database-url', where], { ...NO_CHOICE, LANG: 'zh_CN.UTF-8' }).stderr).toBe('minsheng: 未知选项 --bogus\n');
    }
  });

  it('--lang still wins over the ledger', () => {
    expect(cli(['status', '--bogus', '--database-url', url, '--lang', 'en'], NO_CHOICE).stderr).toBe("minsheng: unknown option '--bogus'\n");
  });
});
