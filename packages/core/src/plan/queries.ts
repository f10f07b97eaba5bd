import type { Deadline, Metric, Place, Plan, Task } from './schema';

/** Lookups over a plan that every part of the ledger needs. Plans are data: nothing here knows Harbin. */
/** A place that holds others (a province, a city): its figure is rolled up from theirs, never reported for it. */
export const holdsPlaces = (place: Pick<Place, 'kind'>): boolean => place.kind === 'province' || place.kind === 'city';

/**
 * The plan's top place, whose figure adds up every other: the city, or the province over its
 * cities. A metric of level "city" is measured once, for this place.
 */
export const cityOf = (plan: Pick<Plan, 'places'>): Place =>
  plan.places.find((p) => p.kind === 'province') ?? plan.places.find((p) => p.kind === 'city')!;

/** Whether the place is the plan's top place. */
export const isTopPlace = (plan: Pick<Plan, 'places'>, placeId: string): boolean => cityOf(plan).id === placeId;

/** The places figures are reported for: the districts, county-level cities and counties (every level's bottom). */
export const bottomPlaces = (plan: Pick<Plan, 'places'>): Place[] => plan.places.filter((p) => !holdsPlaces(p));

export const findTask = (plan: Plan, number: number): Task | undefined => plan.tasks.find((t) => t.number === number);

export const findMetric = (plan: Plan, metricId: string): { task: Task; metric: Metric } | undefined => {
  for (const task of plan.tasks) {
    const metric = task.metrics.find((m) => m.id === metricId);
    if (metric) return { task, metric };
  }
  return undefined;
};

/** A place by id or by name (道里区 and daoli both work). */
export const findPlace = (plan: Pick<Plan, 'places'>, idOrName: string): Place | undefined =>
  plan.places.find((p) => p.id === idOrName || p.name === idOrName);

/** A responsible unit by id or by name. */
export const findUnit = (plan: Pick<Plan, 'responsibleUnits'>, idOrName: string) =>
  plan.responsibleUnits.find((u) => u.id === idOrName || u.name === idOrName);

/** The places a metric's figures come from: the city alone for city-level metrics, else the named places or every non-city place. */
export const reportingPlaces = (plan: Pick<Plan, 'places'>, metric: Pick<Metric, 'level' | 'places'>): string[] =>
  metric.level === 'city'
    ? [cityOf(plan).id]
    : metric.places ?? bottomPlaces(plan).map((p) => p.id);

/** The places a milestone or yes/no must reach everywhere. */
export const requiredPlaces = (plan: Pick<Plan, 'places'>, metric: Pick<Metric, 'level' | 'places'>): string[] =>
  metric.level === 'city' ? [cityOf(plan).id] : metric.places ?? reportingPlaces(plan, metric);

/** Deadlines that apply to a task. */
export const deadlinesOf = (plan: Pick<Plan, 'deadlines'>, task: Pick<Task, 'outdoor'>): Deadline[] =>
  plan.deadlines.filter((d) => d.appliesTo === 'all' || (d.appliesTo === 'outdoor' && task.outdoor));

/** The instant a deadline passes: the end of its due day in the plan's time zone. */
export const deadlineInstant = (due: string, timeZone: string): Date => {
  const start = new Date(`${due}T00:00:00${timeZone}`);
  return new Date(start.getTime() + 24 * 3600 * 1000);
};

/** The completion deadline of a task: the earliest completion deadline that applies. */
export const completionDeadline = (plan: Pick<Plan, 'deadlines'>, task: Pick<Task, 'outdoor'>): Deadline | undefined =>
  deadlinesOf(plan, task)
    .filter((d) => d.kind === 'completion')
    .sort((a, b) => a.due.localeCompare(b.due))[0];
