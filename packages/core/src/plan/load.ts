import { Either, left, right } from 'fp-ts/Either';
import { PlanSchema, type Plan } from './schema';

/** One thing wrong with a plan file: where, and why. */
export interface PlanProblem {
  readonly file: string;
  readonly path: string;
  readonly reason: string;
}

export interface PlanInvalid {
  readonly _tag: 'PlanInvalid';
  readonly file: string;
  readonly problems: readonly PlanProblem[];
  readonly message: string;
}

const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') ||
  '(root)';

const invalid = (file: string, problems: PlanProblem[]): Either<PlanInvalid, Plan> =>
  left({
    _tag: 'PlanInvalid',
    file,
    problems,
    message: `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems
      .map((p) => `  ${p.path}: ${p.reason}`)
      .join('\n')}`,
  });

/** Checks what a schema cannot: references between parts of the plan, uniqueness, dates. */
const crossCheck = (plan: Plan, file: string): PlanProblem[] => {
  const problems: PlanProblem[] = [];
  const add = (path: string, reason: string) => problems.push({ file, path, reason });
  const placeIds = new Set<string>();
  plan.places.forEach((p, i) => {
    if (placeIds.has(p.id)) add(`places[${i}].id`, `place id "${p.id}" is used twice`);
    placeIds.add(p.id);
  });
  const cities = plan.places.filter((p) => p.kind === 'city');
  if (cities.length !== 1) add('places', `a plan needs exactly one place of kind "city", found ${cities.length}`);
  plan.places.forEach((p, i) => {
    if (p.kind === 'city' && p.parent) add(`places[${i}].parent`, 'the city has no parent');
    if (p.kind !== 'city' && !p.parent) add(`places[${i}].parent`, `place "${p.id}" needs a parent`);
    if (p.parent && !placeIds.has(p.parent)) add(`places[${i}].parent`, `unknown place "${p.parent}"`);
  });
  const unitIds = new Set<string>();
  plan.responsibleUnits.forEach((u, i) => {
    if (unitIds.has(u.id)) add(`responsibleUnits[${i}].id`, `responsible unit id "${u.id}" is used twice`);
    unitIds.add(u.id);
  });
  const deadlineIds = new Set<string>();
  plan.deadlines.forEach((d, i) => {
    if (deadlineIds.has(d.id)) add(`deadlines[${i}].id`, `deadline id "${d.id}" is used twice`);
    deadlineIds.add(d.id);
    if (Number.isNaN(Date.parse(d.due))) add(`deadlines[${i}].due`, `"${d.due}" is not a real date`);
  });
  for (const k of ['publishedOn', 'periodStart', 'periodEnd'] as const)
    if (Number.isNaN(Date.parse(plan[k]))) add(k, `"${plan[k]}" is not a real date`);
  if (plan.periodStart >= plan.periodEnd) add('periodEnd', 'must be after periodStart');
  const numbers = new Set<number>();
  const metricIds = new Set<string>();
  plan.tasks.forEach((t, i) => {
    if (numbers.has(t.number)) add(`tasks[${i}].number`, `task number ${t.number} is used twice`);
    numbers.add(t.number);
    t.responsibleUnits.forEach((u, j) => {
      if (!unitIds.has(u)) add(`tasks[${i}].responsibleUnits[${j}]`, `unknown responsible unit "${u}"`);
    });
    if (new Set(t.responsibleUnits).size !== t.responsibleUnits.length)
      add(`tasks[${i}].responsibleUnits`, 'a responsible unit is listed twice');
    t.metrics.forEach((m, j) => {
      if (metricIds.has(m.id)) add(`tasks[${i}].metrics[${j}].id`, `metric id "${m.id}" is used twice in the plan`);
      metricIds.add(m.id);
      (m.places ?? []).forEach((p, k) => {
        if (!placeIds.has(p)) add(`tasks[${i}].metrics[${j}].places[${k}]`, `unknown place "${p}"`);
      });
      if (m.target.kind === 'milestone' && new Set(m.target.stages).size !== m.target.stages.length)
        add(`tasks[${i}].metrics[${j}].target.stages`, 'a stage is listed twice');
    });
  });
  return problems;
};

/** Validates a parsed plan document, listing every problem (file, path, reason), not only the first. */
export const parsePlan = (input: unknown, file = '(plan)'): Either<PlanInvalid, Plan> => {
  const parsed = PlanSchema.safeParse(input);
  if (!parsed.success)
    return invalid(
      file,
      parsed.error.issues.map((i) => ({ file, path: pathText(i.path), reason: i.message })),
    );
  const problems = crossCheck(parsed.data, file);
  return problems.length ? invalid(file, problems) : right(parsed.data);
};

/** Parses plan JSON text; a syntax error is reported as a problem of the file, with its position. */
export const parsePlanText = (text: string, file = '(plan)'): Either<PlanInvalid, Plan> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return invalid(file, [{ file, path: '(root)', reason: `not valid JSON: ${(e as Error).message}` }]);
  }
  return parsePlan(json, file);
};
