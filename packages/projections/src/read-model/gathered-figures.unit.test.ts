import { gatheredByMoment } from './gathered-figures';
import type { FigureVersion } from './rows';

const at = { asOf: '2024-06-30', knownAt: 1 };
const figure = (id: string) => ({ eventId: id }) as unknown as FigureVersion;

test('calls made in one tick for the same plan and moment are answered by one lookup, each with its own metric', async () => {
  const lookups: string[][] = [];
  const g = gatheredByMoment(async (_plan, metrics) => {
    lookups.push(metrics);
    return new Map(metrics.map((m) => [m, [figure(`${m}-1`)]]));
  });
  const [a, b, a2] = await Promise.all([g.get('p', 'a', at), g.get('p', 'b', at), g.get('p', 'a', at)]);
  expect(lookups).toEqual([['a', 'b']]);
  expect([a, b, a2].map((v) => v.map((f) => f.eventId))).toEqual([['a-1'], ['b-1'], ['a-1']]);
});

test('another moment or plan is another lookup, and a metric with no figures gets none', async () => {
  const lookups: string[] = [];
  const g = gatheredByMoment(async (plan, metrics, when) => {
    lookups.push(`${plan}@${when.asOf}:${metrics.join(',')}`);
    return new Map();
  });
  const found = await Promise.all([g.get('p', 'a', at), g.get('q', 'a', at), g.get('p', 'a', { ...at, asOf: '2024-07-31' })]);
  expect(lookups.sort()).toEqual(['p@2024-06-30:a', 'p@2024-07-31:a', 'q@2024-06-30:a']);
  expect(found).toEqual([[], [], []]);
});

test('a failed lookup fails every call it answered', async () => {
  const g = gatheredByMoment(async () => {
    throw new Error('connection lost');
  });
  const calls = [g.get('p', 'a', at), g.get('p', 'b', at)];
  for (const c of calls) await expect(c).rejects.toThrow('connection lost');
});
