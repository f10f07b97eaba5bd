import { restartArgs, RESTARTED, YOUNG_GENERATION_FLAG } from './young-generation';

describe('starting rebuild again with a larger young generation', () => {
  const argv = ['/usr/bin/node', '/app/dist/main.js', 'rebuild', '--db', 'ledger.db'];

  it('adds the flag after Node’s own options, keeping the script and its arguments', () => {
    expect(restartArgs(['--enable-source-maps'], argv)).toEqual(['--enable-source-maps', YOUNG_GENERATION_FLAG, '/app/dist/main.js', 'rebuild', '--db', 'ledger.db']);
    expect(restartArgs([], argv, { NODE_OPTIONS: '--trace-warnings' })).not.toBeNull();
  });

  it('runs here when the flag was given (either spelling, command line or NODE_OPTIONS), when restarted already, or under an inspector', () => {
    expect(restartArgs(['--max-semi-space-size=32'], argv)).toBeNull();
    expect(restartArgs(['--max_semi_space_size=32'], argv)).toBeNull();
    expect(restartArgs([], argv, { NODE_OPTIONS: '--trace-warnings --max-semi-space-size=128' })).toBeNull();
    expect(restartArgs([], argv, { [RESTARTED]: '1' })).toBeNull();
    expect(restartArgs(['--inspect=9229'], argv)).toBeNull();
    expect(restartArgs([], argv, { NODE_OPTIONS: '--inspect-brk' })).toBeNull();
  });
});
