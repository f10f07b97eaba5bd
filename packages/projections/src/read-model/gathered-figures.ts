import type { AsOf, FigureVersion } from './rows';

type Lookup = (plan: string, metrics: string[], at: AsOf) => Promise<Map<string, FigureVersion[]>>;

interface Gathering {
  readonly metrics: Map<string, { resolve: (v: FigureVersion[]) => void; reject: (e: unknown) => void }[]>;
}

/**
 * Gathers the effective-figure calls made in one tick for the same plan and moment and runs
 * `lookup` once for all their metrics (a view's snapshot calls once a metric, all at once).
 * Each call gets its own metric's figures; a failed lookup fails every call it answered.
 */
export const gatheredByMoment = (lookup: Lookup) => {
  const pending = new Map<string, Gathering>();
  const run = (key: string, plan: string, at: AsOf) => {
    const g = pending.get(key)!;
    pending.delete(key);
    const metrics = [...g.metrics.keys()];
    lookup(plan, metrics, at).then(
      (found) => {
        for (const [metric, waiting] of g.metrics) for (const w of waiting) w.resolve([...(found.get(metric) ?? [])]);
      },
      (err: unknown) => {
        for (const waiting of g.metrics.values()) for (const w of waiting) w.reject(err);
      },
    );
  };
  return {
    get: (plan: string, metric: string, at: AsOf): Promise<FigureVersion[]> =>
      new Promise((resolve, reject) => {
        const key = JSON.stringify([plan, at.asOf, at.knownAt]);
        let g = pending.get(key);
        if (!g) {
          g = { metrics: new Map() };
          pending.set(key, g);
          queueMicrotask(() => run(key, plan, at));
        }
        const waiting = g.metrics.get(metric);
        if (waiting) waiting.push({ resolve, reject });
        else g.metrics.set(metric, [{ resolve, reject }]);
      }),
  };
};
