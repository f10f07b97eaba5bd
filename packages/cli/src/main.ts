#!/usr/bin/env node
import { runWithYoungGeneration } from './young-generation';

// A reader that stops early (`minsheng status | head`) closes the pipe: stop quietly, as other
// command-line tools do, instead of an unhandled EPIPE's stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

const main = async (): Promise<number> => {
  if (process.argv[2] === 'rebuild' && !process.argv.includes('--help')) {
    const restarted = await runWithYoungGeneration();
    if (restarted !== null) return restarted;
  }
  // Loaded only here: a `rebuild` that starts itself again does not load the CLI twice (~0.2 s).
  const { run } = require('./program') as typeof import('./program');
  return run(process.argv);
};

void main().then((code) => {
  // exitCode, not exit(): stdout piped to a file or another program is flushed first.
  process.exitCode = code;
});
