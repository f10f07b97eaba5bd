import type { View } from '@minsheng/projections';
import { KEPT_VIEWS_MAX, keptViews } from './kept-views';

const view = (i: number): View => ({ planId: 'p', asOf: '2024-09-30', knownAt: '2024-10-01T02:00:00.000Z', groupBy: 'task', by: 'task', rows: [{ i } as never] });
const at = new Date('2024-10-01T02:00:00.000Z');

describe('keptViews', () => {
  it('keeps at most KEPT_VIEWS_MAX views, dropping the least recently used', () => {
    const views = keptViews();
    for (let i = 0; i < KEPT_VIEWS_MAX; i++) views.set(`k${i}`, view(i));
    // k0 used again: k1 is now the least recently used.
    expect(views.get('k0', at)?.rows).toEqual([{ i: 0 }]);
    views.set('new', view(-1));
    expect(views.size).toBe(KEPT_VIEWS_MAX);
    expect(views.get('k1', at)).toBeUndefined();
    expect(views.get('k0', at)).toBeDefined();
    expect(views.get('new', at)).toBeDefined();
    expect(views.get(`k${KEPT_VIEWS_MAX - 1}`, at)).toBeDefined();
  });

  it('gives the view at the moment asked, the kept one unchanged', () => {
    const views = keptViews();
    const kept = views.set('k', view(1));
    const later = views.get('k', new Date('2024-10-02T00:00:00Z'))!;
    expect(later.knownAt).toBe('2024-10-02T00:00:00.000Z');
    expect(kept.knownAt).toBe('2024-10-01T02:00:00.000Z');
    expect(Object.isFrozen(later) && Object.isFrozen(later.rows[0])).toBe(true);
  });

  it('keeps nothing when told not to', () => {
    const views = keptViews(false);
    views.set('k', view(1));
    expect([views.size, views.get('k', at)]).toEqual([0, undefined]);
  });
});
