import { t } from '../language';

/**
 * Progress of long work (rebuild, verify) on stderr, so stdout stays clean for --json:
 * a bar redrawn in place when stderr is a terminal, otherwise a plain line at most
 * once a second and at the end, which log files and CI output can hold.
 */
export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export const progressOn = (label: string, stream: NodeJS.WriteStream = process.stderr, intervalMs = 1000): Progress => {
  const tty = stream.isTTY === true;
  let lastAt = -Infinity;
  let drawn = false;
  const percent = (done: number, total: number) => (total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100);
  return {
    update(done, total) {
      const now = Date.now();
      const end = done >= total;
      if (tty) {
        const width = 30;
        const filled = Math.round((percent(done, total) / 100) * width);
        stream.write(`\r${t('progress.bar', { label, bar: `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`, percent: percent(done, total), done, count: total })}`);
        drawn = true;
      } else if (end || now - lastAt >= intervalMs) {
        stream.write(`${t('progress.line', { label, percent: percent(done, total), done, count: total })}\n`);
        lastAt = now;
      }
    },
    finish() {
      if (tty && drawn) stream.write('\n');
    },
  };
};
