/** Everything a command prints goes through here: stdout for results, stderr for progress and failures. */
export const printLines = (lines: readonly string[]): void => {
  if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
};

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};
