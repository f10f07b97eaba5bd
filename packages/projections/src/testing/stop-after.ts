/**
 * An AbortController that aborts by itself after `ms` (its timer does not keep the process
 * up): a worker test stopped by its callbacks that goes wrong stops anyway, and its expectations
 * say how, instead of leaving jest waiting.
 */
export const stopAfter = (ms: number): AbortController => {
  const stop = new AbortController();
  setTimeout(() => stop.abort(), ms).unref();
  return stop;
};
