#!/usr/bin/env node
import { run } from './program';
import { runWithYoungGeneration } from './young-generation';

const restarted = process.argv[2] === 'rebuild' && !process.argv.includes('--help') ? runWithYoungGeneration() : null;
if (restarted !== null) process.exitCode = restarted;
else
  void run(process.argv).then((code) => {
    // exitCode, not exit(): stdout piped to a file or another program is flushed first.
    process.exitCode = code;
  });
