import { restartArgs, YOUNG_GENERATION_FLAG } from './young-generation';

describe('starting rebuild again with a larger young generation', () => {
  const argv = ['/usr/bin/node', '/app/dist/main.js', 'rebuild', '--db', 'ledger.db'];

  it('adds the flag after Node’s own options, keeping the script and its arguments', () => {
    expect(restartArgs(['--enable-source-maps'], argv)).toEqual(['--enable-source-maps', YOUNG_GENERATION_FLAG, '/app/dist/main.js', 'rebuild', '--db', 'ledger.db']);
  });

  it('does not start again when the flag was given on the command line or in NODE_OPTIONS', () => {
    expect(restartArgs(['--max-semi-space-size=32'], argv)).toBeNull();
    expect(restartArgs([], argv, '--trace-warnings --max-semi-space-size=128')).toBeNull();
    expect(restartArgs([], argv, '--trace-warnings')).not.toBeNull();
  });
});
