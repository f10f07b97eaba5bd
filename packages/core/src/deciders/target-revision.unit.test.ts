import type { Target } from '../kinds/schemas';
import { reinterpretations, targetRevisionRefused } from './target-revision';
import type { TargetSetData } from './task';

const set = (target: Target, level: 'district' | 'city' = 'district'): TargetSetData => ({
  planId: 'mini-2024',
  task: { number: 9, title: '老年人居家适老化改造', description: '', outdoor: false },
  responsibleUnits: ['civil-affairs'],
  metric: { id: 't09-adaptations', name: '适老化改造', level },
  target,
  deadlines: ['completion'],
});

const homes = set({ kind: 'atLeast', value: '4700', unit: '户' });
const share = { kind: 'share', value: '80', unit: '%', numerator: '改造户数(户)', denominator: '申请户数(户)' } as const;
const stages = (...s: string[]) => set({ kind: 'milestone', stages: s });

describe('reinterpretations: what a target revision changes in how reported figures are read', () => {
  it.each<[string, TargetSetData]>([
    ['the value', set({ kind: 'atLeast', value: '5000', unit: '户' })],
    ['names and deadlines', { ...homes, metric: { ...homes.metric, name: '改造' }, deadlines: [] }],
    ['the responsible units and the task', { ...homes, responsibleUnits: ['housing'], task: { ...homes.task, outdoor: true } }],
    ['places', { ...homes, metric: { ...homes.metric, places: ['daoli'] } }],
  ])('none for %s', (_, revised) => {
    expect(reinterpretations(homes, revised)).toEqual([]);
  });

  it('none for a unit of the same base: 人 and 万人 figures are converted exactly', () => {
    expect(reinterpretations(set({ kind: 'atLeast', value: '25500', unit: '人' }), set({ kind: 'atLeast', value: '2.55', unit: '万人' }))).toEqual([]);
  });

  it('the unit base: 户 → 个', () => {
    expect(reinterpretations(homes, set({ kind: 'atLeast', value: '4700', unit: '个' }))).toEqual([
      { metric: 't09-adaptations', change: 'unit base', from: '户', to: '个' },
    ]);
  });

  it('the kind: atLeast → share (only the kind: the rest follows from it)', () => {
    expect(reinterpretations(homes, set(share))).toEqual([{ metric: 't09-adaptations', change: 'kind', from: 'atLeast', to: 'share' }]);
    expect(reinterpretations(homes, set({ kind: 'ceiling', value: '4700', unit: '户' }))).toEqual([
      { metric: 't09-adaptations', change: 'kind', from: 'atLeast', to: 'ceiling' },
    ]);
  });

  it('the level: district figures are not the city figure', () => {
    expect(reinterpretations(homes, set(homes.target, 'city'))).toEqual([{ metric: 't09-adaptations', change: 'level', from: 'district', to: 'city' }]);
  });

  it("what a share's numerator or denominator counts; not its value", () => {
    expect(reinterpretations(set(share), set({ ...share, value: '90' }))).toEqual([]);
    expect(reinterpretations(set(share), set({ ...share, denominator: '老年户数(户)' }))).toEqual([
      { metric: 't09-adaptations', change: 'denominator', from: '"申请户数(户)"', to: '"老年户数(户)"' },
    ]);
  });

  it("a milestone's stages, except stages added after the last", () => {
    expect(reinterpretations(stages('选址', '评审'), stages('选址', '评审', '纳规'))).toEqual([]);
    expect(reinterpretations(stages('选址', '评审'), stages('选址', '可研', '评审'))).toEqual([
      { metric: 't09-adaptations', change: 'stages', from: '选址 → 评审', to: '选址 → 可研 → 评审' },
    ]);
    expect(reinterpretations(stages('选址', '评审'), stages('选址'))).toHaveLength(1);
  });

  it('a refusal names each metric, the old and the new, and the reports under the old', () => {
    const e = targetRevisionRefused([
      { metric: 't09-adaptations', change: 'unit base', from: '户', to: '个', reports: 3 },
      { metric: 't10-meals', change: 'kind', from: 'share', to: 'atLeast', reports: 1 },
    ]);
    expect(e._tag).toBe('TargetRevisionRefused');
    expect(e.message).toBe(
      'the plan changes targets that reports were recorded under: t09-adaptations changes its unit base from 户 to 个 (3 reports recorded under 户); ' +
        't10-meals changes its kind from share to atLeast (1 report recorded under share); ' +
        'give the new target a new metric id, or retract those reports first; nothing was imported',
    );
  });
});
