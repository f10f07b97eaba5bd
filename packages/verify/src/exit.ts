import { readFileSync } from 'node:fs';
import type { Translate } from './messages';

/** The CLI's answer when it stops: 0 yes (or help), 1 a file it cannot read, 2 bad arguments, 3 no. */
export class Exit extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export const cannotRead = (t: Translate, file: string, err: unknown): Exit =>
  new Exit(1, t('cannotRead', { file, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message }));

export const read = (t: Translate, file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw cannotRead(t, file, err);
  }
};
