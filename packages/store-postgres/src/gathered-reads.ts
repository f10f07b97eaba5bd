/**
 * Gathers the reads by key made in one tick into one `read` of all their keys: whole streams (an
 * audit reads a figure's task stream and every place's progress stream at once), events by id
 * (the events an audit shows): one round trip, one statement. Each call gets its own key's rows
 * (none: []); a failed read fails every call it would have answered.
 */
export const gatheredReads = <R>(read: (keys: readonly string[]) => Promise<ReadonlyMap<string, readonly R[]>>) => {
  type Waiting = { readonly resolve: (rows: readonly R[]) => void; readonly reject: (err: unknown) => void };
  let gathering: Map<string, Waiting[]> | undefined;
  const run = (calls: Map<string, Waiting[]>) =>
    read([...calls.keys()]).then(
      (found) => {
        for (const [stream, waiting] of calls) for (const w of waiting) w.resolve(found.get(stream) ?? []);
      },
      (err: unknown) => {
        for (const waiting of calls.values()) for (const w of waiting) w.reject(err);
      },
    );
  return (key: string): Promise<readonly R[]> =>
    new Promise((resolve, reject) => {
      if (gathering === undefined) {
        const calls = (gathering = new Map());
        queueMicrotask(() => {
          gathering = undefined;
          void run(calls);
        });
      }
      const waiting = gathering.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else gathering.set(key, [{ resolve, reject }]);
    });
};
