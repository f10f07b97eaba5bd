import { right } from 'fp-ts/Either';
import { canonicalJson } from '../hash';
import type { EventOf, LedgerEventData } from '../events/events';
import type { Plan } from '../plan/schema';
import type { Decider } from './decider';

export type PlanFrame = LedgerEventData<'PlanPublished'>;

export interface PublishPlan {
  readonly type: 'PublishPlan';
  readonly plan: Plan;
}

export interface PlanState {
  readonly frame: PlanFrame | null;
}

/** Days after the period's end a figure may still be as of, when the plan does not say. */
export const DEFAULT_AS_OF_GRACE_DAYS = 90;

export const asOfGraceDays = (frame: Pick<PlanFrame, 'asOfGraceDays'>): number => frame.asOfGraceDays ?? DEFAULT_AS_OF_GRACE_DAYS;

/** The last as-of date a report or correction may have: the period's end plus the plan's grace. */
export const lastAsOf = (frame: Pick<PlanFrame, 'periodEnd' | 'asOfGraceDays'>): string => {
  const end = new Date(`${frame.periodEnd}T00:00:00Z`);
  return new Date(end.getTime() + asOfGraceDays(frame) * 86_400_000).toISOString().slice(0, 10);
};

export const planFrame = (plan: Plan): PlanFrame => ({
  planId: plan.id,
  title: plan.title,
  document: plan.document,
  issuedBy: plan.issuedBy,
  publishedOn: plan.publishedOn,
  periodStart: plan.periodStart,
  periodEnd: plan.periodEnd,
  // Only when the plan states it: a plan without it publishes the same frame as before.
  ...(plan.asOfGraceDays !== undefined ? { asOfGraceDays: plan.asOfGraceDays } : {}),
  timeZone: plan.timeZone,
  ...(plan.locale !== undefined ? { locale: plan.locale } : {}),
  ...(plan.onTrackTolerance !== undefined ? { onTrackTolerance: plan.onTrackTolerance } : {}),
  ...(plan.approximateTolerance !== undefined ? { approximateTolerance: plan.approximateTolerance } : {}),
  places: plan.places,
  responsibleUnits: plan.responsibleUnits,
  deadlines: plan.deadlines,
  tasks: plan.tasks.map((t) => ({ number: t.number, title: t.title })),
});

/** The plan's frame is published once, and again only when it changes: importing the same plan twice adds nothing. */
export const planDecider: Decider<PublishPlan, PlanState, EventOf<'PlanPublished'>> = {
  initialState: () => ({ frame: null }),
  evolve: (state, event) => (event.type === 'PlanPublished' ? { frame: event.data } : state),
  decide: (command, state) => {
    const frame = planFrame(command.plan);
    return right(
      state.frame && canonicalJson(state.frame) === canonicalJson(frame) ? [] : [{ type: 'PlanPublished', data: frame }],
    );
  },
};
