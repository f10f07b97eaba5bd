/** mulberry32: a small seeded PRNG, so the simulated year is the same on every run. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** `k` distinct items picked from `items`, in their original order. */
export const pick = <T>(rng: () => number, items: readonly T[], k: number): T[] => {
  const keyed = items.map((item, i) => ({ item, i, key: rng() }));
  const chosen = new Set(keyed.sort((a, b) => a.key - b.key).slice(0, Math.min(k, items.length)).map((x) => x.i));
  return items.filter((_, i) => chosen.has(i));
};

/**
 * Splits `total` (counted in steps of 10^-decimals) over weights by the largest
 * remainder, so the parts add up to exactly the total.
 */
export const allocate = (total: number, weights: readonly number[], decimals: number): number[] => {
  const scale = 10 ** decimals;
  const steps = Math.round(total * scale);
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (steps * w) / sum);
  const parts = raw.map(Math.floor);
  const order = raw.map((r, i) => ({ i, rem: r - Math.floor(r) })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  const missing = steps - parts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) parts[order[k % order.length]!.i]! += 1;
  return parts.map((p) => p / scale);
};
