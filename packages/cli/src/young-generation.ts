import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';

/**
 * A rebuild's writing thread makes short-lived garbage at a high rate (rows parsed from the
 * reader threads, statement results). With a 64 MB young generation, V8's
 * `--max-semi-space-size=64`, a rebuild of 1M events ran at 103–105k events/s, against 97–98k
 * with Node's default (2-core machine, quiet). The reader threads get theirs from the library;
 * the main thread's can only be set when Node starts, so `minsheng rebuild` starts itself again
 * with it unless it was given.
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

/** The arguments to start this CLI again with the flag, or null when it has it already. */
export const restartArgs = (execArgv: readonly string[], argv: readonly string[], nodeOptions = ''): string[] | null =>
  [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size'))
    ? null
    : [...execArgv, YOUNG_GENERATION_FLAG, ...argv.slice(1)];

/**
 * Runs this command again in a Node started with the flag, passing the terminal through, and
 * returns its exit code; null when it has the flag already or cannot be started (it then runs here).
 */
export const runWithYoungGeneration = (): number | null => {
  const args = restartArgs(process.execArgv, process.argv, process.env.NODE_OPTIONS);
  if (!args) return null;
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.error) return null;
  if (r.signal) return 128 + (constants.signals[r.signal] ?? 1);
  return r.status ?? 1;
};
