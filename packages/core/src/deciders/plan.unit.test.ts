import type { Plan } from '../plan/schema';
import { planDecider, planFrame } from './plan';
import { miniPlan, spec } from './spec';

const plan: Plan = miniPlan({
  responsibleUnits: [{ id: 'hrss', name: '市人社局' }],
  deadlines: [{ id: 'completion', kind: 'completion', due: '2024-12-31', appliesTo: 'all', description: '12月底前全面完成' }],
  tasks: [
    {
      number: 1,
      title: '加大困难群体就业帮扶力度',
      description: '建成就业服务站',
      responsibleUnits: ['hrss'],
      outdoor: false,
      metrics: [{ id: 't01-stations', name: '就业服务站', target: { kind: 'atLeast', value: '73', unit: '个' }, level: 'district' }],
    },
  ],
});

const published = { type: 'PlanPublished' as const, data: planFrame(plan) };
const plans = spec(planDecider);

describe('planDecider', () => {
  it('publishes the frame of a plan seen for the first time', () => {
    plans.given([]).when({ type: 'PublishPlan', plan }).then([published]);
  });

  it('the frame carries places, units, deadlines and task titles, not targets', () => {
    expect(published.data).toEqual({
      planId: 'mini-2024',
      title: plan.title,
      document: plan.document,
      issuedBy: plan.issuedBy,
      publishedOn: '2024-09-23',
      periodStart: '2024-01-01',
      periodEnd: '2024-12-31',
      timeZone: '+08:00',
      places: plan.places,
      responsibleUnits: plan.responsibleUnits,
      deadlines: plan.deadlines,
      tasks: [{ number: 1, title: '加大困难群体就业帮扶力度' }],
    });
  });

  it('publishing the same plan again adds nothing', () => {
    plans.given([published]).when({ type: 'PublishPlan', plan }).thenNothing();
  });

  it('the same plan with its keys in another order is the same plan', () => {
    const reordered = Object.fromEntries(Object.entries(plan).reverse()) as Plan;
    plans.given([published]).when({ type: 'PublishPlan', plan: reordered }).thenNothing();
  });

  it('a changed frame is published again', () => {
    const moved: Plan = {
      ...plan,
      deadlines: [{ ...plan.deadlines[0]!, due: '2024-12-20' }],
    };
    plans
      .given([published])
      .when({ type: 'PublishPlan', plan: moved })
      .then([{ type: 'PlanPublished', data: planFrame(moved) }]);
  });

  it('a new place is a changed frame', () => {
    const grown: Plan = { ...plan, places: [...plan.places, { id: 'north', name: '北区', kind: 'district', parent: 'city' }] };
    plans
      .given([published])
      .when({ type: 'PublishPlan', plan: grown })
      .then([{ type: 'PlanPublished', data: planFrame(grown) }]);
  });

  it('compares with the latest frame, not the first', () => {
    const moved: Plan = { ...plan, timeZone: '+09:00' };
    const republished = { type: 'PlanPublished' as const, data: planFrame(moved) };
    plans.given([published, republished]).when({ type: 'PublishPlan', plan: moved }).thenNothing();
    plans.given([published, republished]).when({ type: 'PublishPlan', plan }).then([published]);
  });

  it('a revised target is not a change of the frame (targets live in the task stream)', () => {
    const revised: Plan = {
      ...plan,
      tasks: [{ ...plan.tasks[0]!, metrics: [{ ...plan.tasks[0]!.metrics[0]!, target: { kind: 'atLeast', value: '80', unit: '个' } }] }],
    };
    plans.given([published]).when({ type: 'PublishPlan', plan: revised }).thenNothing();
  });
});
