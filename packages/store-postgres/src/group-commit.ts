/**
 * Group commit. Every append takes the ledger's advisory lock, and PostgreSQL releases it only
 * once the commit record is flushed: appends one at a time pay one fsync each, however many
 * writers wait. Here the calls that arrive while a group is being written wait in line, and the
 * next group takes all of them (up to `maxGroup`) into one `write`: one transaction, one lock,
 * one fsync. `write` answers each call in its group, in order; when it throws, every call in
 * that group fails with the same error.
 */
export interface GroupCommit<I, R> {
  submit(item: I): Promise<R>;
  /** Resolves once no group is being written and none waits. */
  idle(): Promise<void>;
}

interface Waiting<I, R> {
  readonly item: I;
  readonly resolve: (r: R) => void;
  readonly reject: (err: unknown) => void;
}

export const groupCommit = <I, R>(write: (group: readonly I[]) => Promise<readonly R[]>, maxGroup: number): GroupCommit<I, R> => {
  const waiting: Waiting<I, R>[] = [];
  let writing: Promise<void> | undefined;

  const drain = async (): Promise<void> => {
    // Let the calls made in the same tick as the first join its group.
    await Promise.resolve();
    while (waiting.length > 0) {
      const group = waiting.splice(0, maxGroup);
      try {
        const answers = await write(group.map((w) => w.item));
        group.forEach((w, i) => w.resolve(answers[i]!));
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    writing = undefined;
  };

  return {
    submit: (item) =>
      new Promise<R>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        writing ??= drain();
      }),
    idle: () => writing ?? Promise.resolve(),
  };
};
