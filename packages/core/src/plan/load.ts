import { Either, isLeft, left, right } from 'fp-ts/Either';
import { parseJsonText } from './json-text';
import { PlanSchema, type Plan } from './schema';
import { targetProblems } from './target-checks';
import { statusProblems } from './status-checks';
import { writtenProblem } from './written-checks';
import { isKnownUnit, UNITS } from '../units';
import { textProblems } from './text-checks';

/** One thing wrong with a plan file: where, and why. */
export interface PlanProblem {
  readonly file: string;
  readonly path: string;
  readonly reason: string;
  /** Where in the file (from parsePlanText): the value at the path, or the nearest one enclosing it. */
  readonly line?: number;
  readonly column?: number;
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

// The cross-checks read the raw document, so they still run (and report) when the
// schema has failed elsewhere: a user fixing a hand-written file sees every problem at once.
type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const objs = (x: unknown): Array<Obj | undefined> => (Array.isArray(x) ? x.map((e) => (isObj(e) ? e : undefined)) : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const strs = (x: unknown): Array<string | undefined> => (Array.isArray(x) ? x.map(str) : []);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A real calendar day: 2024-02-29 is, 2024-02-30 and 2023-02-29 are not (Date.parse accepts both). */
export const isRealDate = (s: string): boolean => {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
};

/**
 * Places and units are looked up by id or by name (道里区 or daoli), so a name must name one
 * thing only: no two share a name, and no name is another one's id (a report would land on it).
 */
const namesProblems = (
  list: string,
  what: string,
  items: ReadonlyArray<Obj | undefined>,
  add: (path: string, reason: string) => void,
): void => {
  const ids = new Map(items.flatMap((x, i) => (typeof x?.id === 'string' ? [[x.id, i] as const] : [])));
  const named = new Map<string, number>();
  items.forEach((x, i) => {
    const name = str(x?.name);
    if (name === undefined) return;
    const first = named.get(name);
    if (first !== undefined) add(`${list}[${i}].name`, `${what} name "${name}" is used twice (also ${list}[${first}])`);
    else named.set(name, i);
    const other = ids.get(name);
    if (other !== undefined && other !== i)
      add(`${list}[${i}].name`, `${what} name "${name}" is the id of ${list}[${other}]: looking "${name}" up would find either`);
  });
};

/**
 * A province's plan: one province at the top (no parent), its cities under it, and every
 * district, county-level city or county directly under one of those cities.
 */
const provinceProblems = (places: ReadonlyArray<Obj | undefined>, placeIds: ReadonlySet<string>, add: (path: string, reason: string) => void): void => {
  const provinces = places.filter((p) => p?.kind === 'province');
  if (provinces.length !== 1) add('places', `a plan has at most one place of kind "province", found ${provinces.length}`);
  const provinceId = str(provinces[0]?.id);
  const kindOf = new Map(places.flatMap((p) => (p && typeof p.id === 'string' ? [[p.id, p.kind] as const] : [])));
  places.forEach((p, i) => {
    if (!p) return;
    const at = `places[${i}].parent`;
    const parent = str(p.parent);
    if (p.kind === 'province') {
      if (p.parent !== undefined) add(at, 'the province has no parent');
    } else if (parent === undefined) add(at, `place "${String(p.id)}" needs a parent`);
    else if (!placeIds.has(parent)) add(at, `unknown place "${parent}"`);
    else if (p.kind === 'city') {
      if (parent !== provinceId) add(at, `a city's parent is the province "${provinceId ?? '?'}", not "${parent}"`);
    } else if (kindOf.get(parent) !== 'city')
      add(at, `"${parent}" is not a city: a district, county-level city or county is directly under one of the province's cities`);
  });
};

/** Checks what a schema cannot: references between parts of the plan, uniqueness, real dates, consistency. */
const crossCheck = (input: unknown, file: string): PlanProblem[] => {
  const problems: PlanProblem[] = [];
  const add = (path: string, reason: string) => problems.push({ file, path, reason });
  if (!isObj(input)) return problems;
  const texts = textProblems(input);
  for (const p of texts) add(p.path, p.reason);
  const badText = new Set(texts.map((p) => p.path));

  // Places: unique ids, one city, two levels (the city and the places directly under it); or
  // three: one province, its cities, and the places directly under each city.
  const places = objs(input.places);
  const placeIds = new Set<string>();
  places.forEach((p, i) => {
    const id = str(p?.id);
    if (id === undefined) return;
    if (placeIds.has(id)) add(`places[${i}].id`, `place id "${id}" is used twice`);
    placeIds.add(id);
  });
  const provinces = places.filter((p) => p?.kind === 'province');
  if (provinces.length) {
    provinceProblems(places, placeIds, add);
    namesProblems('places', 'place', places, add);
  }
  const cities = places.filter((p) => p?.kind === 'city');
  const cityId = cities.length === 1 ? str(cities[0]?.id) : provinces.length === 1 ? str(provinces[0]?.id) : undefined;
  if (Array.isArray(input.places) && cities.length !== 1 && !provinces.length)
    add('places', `a plan needs exactly one place of kind "city", found ${cities.length}`);
  if (!provinces.length) places.forEach((p, i) => {
    if (!p) return;
    const parent = str(p.parent);
    if (p.kind === 'city' && p.parent !== undefined) add(`places[${i}].parent`, 'the city has no parent');
    else if (p.kind !== 'city' && p.parent === undefined) add(`places[${i}].parent`, `place "${String(p.id)}" needs a parent`);
    else if (parent !== undefined && p.kind !== 'city') {
      if (!placeIds.has(parent)) add(`places[${i}].parent`, `unknown place "${parent}"`);
      else if (cityId !== undefined && parent !== cityId)
        add(
          `places[${i}].parent`,
          `"${parent}" is not the city: places are two levels, the city "${cityId}" and the places directly under it`,
        );
    }
  });
  const hasDistricts = places.some((p) => p !== undefined && p.kind !== 'city' && p.kind !== 'province');
  if (!provinces.length) namesProblems('places', 'place', places, add);

  const unitIds = new Set<string>();
  objs(input.responsibleUnits).forEach((u, i) => {
    const id = str(u?.id);
    if (id === undefined) return;
    if (unitIds.has(id)) add(`responsibleUnits[${i}].id`, `responsible unit id "${id}" is used twice`);
    unitIds.add(id);
  });
  namesProblems('responsibleUnits', 'responsible unit', objs(input.responsibleUnits), add);

  // Dates: real calendar days (the schema only checks the YYYY-MM-DD shape), a period that runs forwards.
  const realDate = (path: string, value: unknown) => {
    const s = str(value);
    if (s !== undefined && DATE.test(s) && !isRealDate(s)) add(path, `"${s}" is not a real date`);
  };
  for (const k of ['publishedOn', 'periodStart', 'periodEnd'] as const) realDate(k, input[k]);
  const start = str(input.periodStart);
  const end = str(input.periodEnd);
  if (start && end && isRealDate(start) && isRealDate(end) && start >= end) add('periodEnd', 'must be after periodStart');
  const tz = /^[+-](\d{2}):(\d{2})$/.exec(str(input.timeZone) ?? '');
  if (tz && (Number(tz[1]) > 14 || Number(tz[2]) > 59)) add('timeZone', `"${String(input.timeZone)}" is not a real UTC offset`);

  // Units: a target's unit is built in, declared by the plan, or 万 before one of those.
  const declared = new Set<string>();
  objs(input.units).forEach((u, i) => {
    const name = str(u?.name);
    if (name === undefined) return;
    if (isKnownUnit(name)) add(`units[${i}].name`, `"${name}" is built in: leave it out of units`);
    else if (declared.has(name)) add(`units[${i}].name`, `unit "${name}" is declared twice`);
    declared.add(name);
  });
  const usable = (unit: string): boolean =>
    isKnownUnit(unit) || declared.has(unit) || (unit.length > 1 && unit.startsWith('万') && usable(unit.slice(1)));
  const unitProblem = (unit: string): string => {
    const base = unit.length > 1 && unit.startsWith('万') ? unit.slice(1) : unit;
    return `unit "${unit}" is neither built in nor declared: add { "name": "${base}" } to the plan's "units"${base !== unit ? ` (${unit} is then 10^4 ${base})` : ''}; built in: ${Object.keys(UNITS).join(' ')}, and 万 before any of them`;
  };

  const deadlineIds = new Set<string>();
  objs(input.deadlines).forEach((d, i) => {
    const id = str(d?.id);
    if (id !== undefined) {
      if (deadlineIds.has(id)) add(`deadlines[${i}].id`, `deadline id "${id}" is used twice`);
      deadlineIds.add(id);
    }
    realDate(`deadlines[${i}].due`, d?.due);
    const due = str(d?.due);
    if (due !== undefined && isRealDate(due) && start && end && isRealDate(start) && isRealDate(end) && start < end && (due < start || due > end))
      add(`deadlines[${i}].due`, `${due} is outside the plan's period (${start} to ${end})`);
  });

  const numbers = new Set<number>();
  const metricIds = new Set<string>();
  objs(input.tasks).forEach((t, i) => {
    if (!t) return;
    if (typeof t.number === 'number') {
      if (numbers.has(t.number)) add(`tasks[${i}].number`, `task number ${t.number} is used twice`);
      numbers.add(t.number);
    }
    const units = strs(t.responsibleUnits);
    units.forEach((u, j) => {
      if (u !== undefined && !unitIds.has(u)) add(`tasks[${i}].responsibleUnits[${j}]`, `unknown responsible unit "${u}"`);
    });
    if (new Set(units).size !== units.length) add(`tasks[${i}].responsibleUnits`, 'a responsible unit is listed twice');
    objs(t.metrics).forEach((m, j) => {
      if (!m) return;
      const at = `tasks[${i}].metrics[${j}]`;
      const id = str(m.id);
      if (id !== undefined) {
        if (metricIds.has(id)) add(`${at}.id`, `metric id "${id}" is used twice in the plan`);
        metricIds.add(id);
      }
      const level = m.level ?? 'district';
      if (Array.isArray(m.places)) {
        const ps = strs(m.places);
        if (ps.length === 0) add(`${at}.places`, 'must name at least one place, or be left out to mean every district');
        ps.forEach((p, k) => {
          if (p === undefined) return;
          if (!placeIds.has(p)) add(`${at}.places[${k}]`, `unknown place "${p}"`);
          else if (level === 'city' && p !== cityId)
            add(`${at}.places[${k}]`, `a city-level metric is reported for the city alone; "${p}" is not the city (leave places out, or set level to "district")`);
          else if (level !== 'city' && p === cityId)
            add(`${at}.places[${k}]`, `"${p}" is the city; a metric the city reports itself needs level "city"`);
        });
        if (new Set(ps).size !== ps.length) add(`${at}.places`, 'a place is listed twice');
      } else if (level !== 'city' && Array.isArray(input.places) && !hasDistricts)
        add(`${at}.level`, 'a district-level metric needs places under the city; the plan has none');
      const target = isObj(m.target) ? m.target : undefined;
      if (!target) return;
      const unit = str(target.unit);
      if (unit !== undefined && target.kind !== 'share' && !usable(unit)) add(`${at}.target.unit`, unitProblem(unit));
      // The words are compared with a sound target only (a target with a problem has its own message).
      const written = str(m.written);
      const targetFaults = targetProblems(target);
      const wrong = written === undefined || badText.has(`${at}.written`) || targetFaults.length ? null : writtenProblem(written, target);
      if (wrong) add(`${at}.written`, wrong);
      for (const p of targetFaults) add(`${at}.target.${p.field}`, p.reason);
    });
  });
  for (const p of statusProblems(input)) add(p.path, p.reason);
  return problems;
};

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((x, k) => (x !== null && typeof x === 'object' ? (x as Record<PropertyKey, unknown>)[k] : undefined), input);

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** An ASCII id to offer for one that is not: from its own ASCII letters, else from where it stands ("t03-metric-2"). */
export const suggestId = (input: unknown, path: readonly PropertyKey[]): string => {
  const own = slug(String(valueAt(input, path) ?? ''));
  const [list, index, , sub] = path;
  const n = typeof index === 'number' ? index + 1 : 1;
  if (list === 'tasks' && typeof sub === 'number') {
    const number = valueAt(input, ['tasks', index!, 'number']);
    const t = `t${String(typeof number === 'number' ? number : n).padStart(2, '0')}`;
    return own ? (own.startsWith(t) ? own : `${t}-${own}`) : `${t}-metric-${sub + 1}`;
  }
  if (own && /^[a-z0-9]/.test(own)) return own;
  const stem: Record<string, string> = { places: 'place', responsibleUnits: 'unit', deadlines: 'deadline' };
  return typeof list === 'string' && stem[list] ? `${stem[list]}-${n}` : 'plan-1';
};

/** A zod issue in words a person writing the file by hand can act on. */
const reasonOf = (issue: { code: string; message: string; path: PropertyKey[]; expected?: unknown }, input: unknown): string => {
  const id = issue.path[issue.path.length - 1] === 'id' ? valueAt(input, issue.path) : undefined;
  if (issue.code === 'invalid_format' && typeof id === 'string')
    return `"${id}" is not an id: ids are ASCII, lower-case letters, digits and dashes (names may be Chinese); try "${suggestId(input, issue.path)}"`;
  if (issue.code !== 'invalid_type') return issue.message;
  const got = valueAt(input, issue.path);
  if (got === undefined) return `is missing (expected ${String(issue.expected)})`;
  const last = issue.path[issue.path.length - 1];
  if (typeof got === 'number' && issue.expected === 'string' && (last === 'value' || last === 'tolerance' || last === 'per'))
    return `must be a decimal number written as a string, e.g. "${got}" rather than ${got}`;
  return issue.message;
};

/** Validates a parsed plan document, listing every problem (file, path, reason), not only the first. */
export const parsePlan = (input: unknown, file = '(plan)'): Either<PlanInvalid, Plan> => {
  const parsed = PlanSchema.safeParse(input);
  const schemaProblems: PlanProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ file, path: pathText(i.path), reason: reasonOf(i, input) }));
  // A path the schema already faulted is not reported again by the cross-checks.
  const faulted = new Set(schemaProblems.map((p) => p.path));
  const problems = [...schemaProblems, ...crossCheck(input, file).filter((p) => !faulted.has(p.path))];
  if (!parsed.success || problems.length) return invalid(file, problems);
  return right(parsed.data);
};

/** The largest plan file the loader reads, in UTF-8 bytes (the Harbin plan has 33 KB). */
export const PLAN_FILE_MAX_BYTES = 16 * 1024 * 1024;

// A UTF-16 unit takes at most 3 bytes in UTF-8: most texts need no encoding to be known small.
const tooLarge = (text: string): boolean =>
  text.length * 3 > PLAN_FILE_MAX_BYTES && new TextEncoder().encode(text).length > PLAN_FILE_MAX_BYTES;

/**
 * Parses plan JSON text (// and /* *\/ comments allowed: see seeds/template.jsonc); a syntax error is
 * reported as a problem of the file, with its line and column, and every other problem carries the
 * line and column of the value it is about. A leading byte-order mark (Windows editors write one) is ignored.
 */
export const parsePlanText = (text: string, file = '(plan)'): Either<PlanInvalid, Plan> => {
  if (tooLarge(text))
    return invalid(file, [{ file, path: '(root)', reason: `the plan is larger than ${PLAN_FILE_MAX_BYTES / 1024 / 1024} MiB, the limit for a plan` }]);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const json = parseJsonText(body);
  if (isLeft(json)) {
    const { line, column, reason } = json.left;
    return invalid(file, [{ file, path: '(root)', reason: `not valid JSON: ${reason} (line ${line}, column ${column})`, line, column }]);
  }
  const parsed = parsePlan(json.right.value, file);
  if (!isLeft(parsed)) return parsed;
  return invalid(
    file,
    parsed.left.problems.map((p) => ({ ...p, ...json.right.locate(p.path) })),
  );
};
