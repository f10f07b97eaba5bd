import { spawn } from 'node:child_process';
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

/** Set in the started-again process, so it never starts itself a third time. */
export const RESTARTED = 'MINSHENG_RESTARTED';

/**
 * The arguments to start this CLI again with the flag, or null when it should run here: it has
 * the flag already (either spelling, on the command line or in NODE_OPTIONS), it is the restarted
 * process, or it runs under an inspector (a second one would want the same port).
 */
export const restartArgs = (execArgv: readonly string[], argv: readonly string[], env: NodeJS.ProcessEnv = {}): string[] | null => {
  const options = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (env[RESTARTED] || options.some((a) => /^--max[-_]semi[-_]space[-_]size/.test(a) || a.startsWith('--inspect'))) return null;
  return [...execArgv, YOUNG_GENERATION_FLAG, ...argv.slice(1)];
};

/**
 * Runs this command again in a Node started with the flag, on the same terminal, passing on
 * the signals a supervisor sends (SIGINT, SIGTERM, SIGHUP), and resolves with its exit code; null
 * when it runs here instead (see restartArgs) or the new process cannot start.
 */
export const runWithYoungGeneration = (): Promise<number | null> => {
  const args = restartArgs(process.execArgv, process.argv, process.env);
  if (!args) return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, [RESTARTED]: '1' } });
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const s of signals) process.on(s, forward);
    const done = (code: number | null) => {
      for (const s of signals) process.off(s, forward);
      resolve(code);
    };
    child.on('error', () => done(null));
    child.on('exit', (code, signal) => done(signal ? 128 + (constants.signals[signal] ?? 1) : (code ?? 1)));
  });
};
