import type { Hash } from '@minsheng/verify';

/**
 * The last Merkle node written at each level, in front of the file: the left node a new
 * leaf pairs with at a level is always the last one there (RFC 9162 trees grow to the right).
 */
export const rightEdge = (stored: (level: number, index: number) => Hash | undefined) => {
  let levels: Array<{ index: number; hash: Hash } | undefined> = [];
  return {
    reset: (): void => {
      levels = [];
    },
    wrote: (level: number, index: number, hash: Hash): void => {
      levels[level] = { index, hash };
    },
    left: (level: number, index: number): Hash => {
      const last = levels[level];
      if (last?.index === index) return last.hash;
      const h = stored(level, index);
      if (!h) throw new Error(`the file has no Merkle node at level ${level}, index ${index}`);
      levels[level] = { index, hash: h };
      return h;
    },
  };
};
