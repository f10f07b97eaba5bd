/** Time is injected, never read inside domain code, so deadlines and replays are deterministic. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const fixedClock = (at: Date | string): Clock => {
  const d = typeof at === 'string' ? new Date(at) : at;
  return { now: () => new Date(d.getTime()) };
};

/** A clock that starts at `start` and moves forward by `stepMs` at every reading. */
export const steppingClock = (start: Date | string, stepMs = 1000): Clock => {
  let t = (typeof start === 'string' ? new Date(start) : start).getTime() - stepMs;
  return { now: () => new Date((t += stepMs)) };
};
