#!/usr/bin/env node
import { run } from './program';

void run(process.argv).then((code) => {
  // exitCode, not exit(): stdout piped to a file or another program is flushed first.
  process.exitCode = code;
});
