import { dec, isDecimalString } from '../decimal';

/** One problem of a plan's status settings: where, and why. */
export interface StatusProblem {
  readonly path: string;
  readonly reason: string;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const objs = (x: unknown): Array<Obj | undefined> => (Array.isArray(x) ? x.map((e) => (isObj(e) ? e : undefined)) : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const num = (x: unknown): string | undefined => (typeof x === 'string' && isDecimalString(x) ? x : undefined);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const date = (x: unknown): string | undefined => (typeof x === 'string' && DATE.test(x) ? x : undefined);

/** Kinds whose figure is a number moving toward the target (a baseline and an allocation mean something). */
const NUMERIC = new Set(['atLeast', 'approximate', 'share', 'rate', 'ceiling']);
/** Kinds whose city figure is the sum of place figures: allocations add up to the city target. */
const SUMMED = new Set(['atLeast', 'approximate']);

/**
 * What the schema cannot check of the per-metric status fields (responsible units, baseline,
 * schedule, measured-at-period-end, deadline override, allocation, sources) and the plan's
 * status settings. Reads the raw document, so it runs even when the schema failed elsewhere.
 */
export const statusProblems = (input: Obj): StatusProblem[] => {
  const problems: StatusProblem[] = [];
  const add = (path: string, reason: string) => problems.push({ path, reason });
  const start = date(input.periodStart);
  const end = date(input.periodEnd);
  const places = objs(input.places);
  const placeIds = new Set(places.flatMap((p) => (str(p?.id) ? [p!.id as string] : [])));
  const cityIds = new Set(places.flatMap((p) => (p?.kind === 'city' && str(p.id) ? [p.id as string] : [])));
  const deadlines = new Map(objs(input.deadlines).flatMap((d) => (str(d?.id) ? [[d!.id as string, d!] as const] : [])));

  const approx = isObj(input.approximateTolerance) ? num(input.approximateTolerance.value) : undefined;
  if (approx !== undefined && !(dec(approx).gt(0) && dec(approx).lt(1)))
    add('approximateTolerance.value', `"${approx}" is not a fraction between 0 and 1: the tolerance is relative, "0.05" for ±5%`);
  const onTrack = isObj(input.onTrackTolerance) ? num(input.onTrackTolerance.value) : undefined;
  if (onTrack !== undefined && dec(onTrack).gt(100)) add('onTrackTolerance.value', `is in percentage points of the target and cannot exceed 100 (got ${onTrack})`);

  objs(input.deadlines).forEach((d, i) => {
    if (d?.appliesTo === 'named' && d.kind !== 'completion')
      add(`deadlines[${i}].appliesTo`, '"named" is for a completion deadline a metric names as its own; a report deadline applies to "all" or "outdoor"');
  });

  const inPeriod = (path: string, d: string | undefined) => {
    if (d !== undefined && start && end && (d < start || d > end)) add(path, `${d} is outside the plan's period (${start} to ${end})`);
  };

  objs(input.tasks).forEach((t, i) => {
    if (!t) return;
    const taskUnits = Array.isArray(t.responsibleUnits) ? t.responsibleUnits.map(str) : [];
    objs(t.metrics).forEach((m, j) => {
      if (!m) return;
      const at = `tasks[${i}].metrics[${j}]`;
      const target = isObj(m.target) ? m.target : {};
      const kind = str(target.kind) ?? '';
      const value = num(target.value);

      if (Array.isArray(m.responsibleUnits)) {
        const units = m.responsibleUnits.map(str);
        units.forEach((u, k) => {
          if (u !== undefined && !taskUnits.includes(u))
            add(`${at}.responsibleUnits[${k}]`, `"${u}" is not one of task ${String(t.number)}'s responsible units (${taskUnits.join(', ')}): a duty goes to a unit of its task`);
        });
        if (new Set(units).size !== units.length) add(`${at}.responsibleUnits`, 'a responsible unit is listed twice');
      }

      const baselineProblems = (path: string, b: unknown, against: string | undefined) => {
        if (!isObj(b)) return;
        if (!NUMERIC.has(kind)) {
          add(path, `${kind === 'milestone' ? 'a milestone' : 'a yes/no'} target has no baseline: its progress is stages or places, not a number`);
          return;
        }
        const v = num(b.value);
        if (kind === 'share' && v !== undefined && dec(v).gt(100)) add(`${path}.value`, `a share is a percent and cannot exceed 100 (got ${v})`);
        else if (v !== undefined && against !== undefined && kind !== 'ceiling' && dec(v).gte(dec(against)))
          add(`${path}.value`, `the baseline ${v} already reaches the target ${against}: progress from it cannot be measured`);
        else if (v !== undefined && against !== undefined && kind === 'ceiling' && dec(v).lte(dec(against)))
          add(`${path}.value`, `the baseline ${v} is already within the ceiling ${against}: progress from it cannot be measured`);
        const asOf = date(b.asOf);
        if (asOf !== undefined && start && asOf > start) add(`${path}.asOf`, `${asOf} is after the period's start (${start}): a baseline is where the metric stood when the period began`);
      };
      baselineProblems(`${at}.baseline`, m.baseline, value);

      if (isObj(m.schedule)) {
        const s = m.schedule;
        if (m.measuredAtPeriodEnd === true && s.profile !== 'periodEnd')
          add(`${at}.schedule`, 'a metric measured at period end has no interim pace: leave schedule out, or use "periodEnd"');
        if (s.profile === 'season') {
          inPeriod(`${at}.schedule.start`, date(s.start));
          inPeriod(`${at}.schedule.end`, date(s.end));
          const [a, b] = [date(s.start), date(s.end)];
          if (a && b && a >= b) add(`${at}.schedule.end`, 'must be after the season\'s start');
        }
        if (s.profile === 'points') {
          let prev: { date: string; percent: string } | undefined;
          objs(s.points).forEach((p, k) => {
            const d = date(p?.date);
            const pc = num(p?.percent);
            inPeriod(`${at}.schedule.points[${k}].date`, d);
            if (pc !== undefined && dec(pc).gt(100)) add(`${at}.schedule.points[${k}].percent`, `is a percent of the way to the target and cannot exceed 100 (got ${pc})`);
            if (d && pc !== undefined) {
              if (prev && d <= prev.date) add(`${at}.schedule.points[${k}].date`, `${d} is not after the point before it (${prev.date}): points run forwards in time`);
              else if (prev && dec(pc).lt(dec(prev.percent))) add(`${at}.schedule.points[${k}].percent`, `${pc} is less than the point before it (${prev.percent}): a schedule does not go backwards`);
              prev = { date: d, percent: pc };
            }
          });
        }
      }

      const dl = str(m.deadline);
      if (dl !== undefined) {
        const d = deadlines.get(dl);
        if (!d) add(`${at}.deadline`, `unknown deadline "${dl}" (deadlines: ${[...deadlines.keys()].join(', ') || 'none'})`);
        else if (d.kind !== 'completion') add(`${at}.deadline`, `deadline "${dl}" is a ${String(d.kind)} deadline; a metric's own deadline is a completion deadline`);
      }

      if (Array.isArray(m.allocation)) {
        const named = Array.isArray(m.places) ? m.places.map(str) : undefined;
        if ((m.level ?? 'district') === 'city') add(`${at}.allocation`, 'a city-level metric is measured once for the city: it cannot be allocated to places');
        else if (!NUMERIC.has(kind) || kind === 'ceiling')
          add(`${at}.allocation`, `${kind === 'ceiling' ? 'a ceiling' : kind === 'milestone' ? 'a milestone' : 'a yes/no'} target is not allocated by value: name its places instead`);
        const seen = new Set<string>();
        let total = dec(0);
        let complete = true;
        objs(m.allocation).forEach((a, k) => {
          const p = str(a?.place);
          const v = num(a?.value);
          if (v === undefined) complete = false;
          else total = total.plus(dec(v));
          if (p === undefined) return;
          if (!placeIds.has(p)) add(`${at}.allocation[${k}].place`, `unknown place "${p}"`);
          else if (cityIds.has(p)) add(`${at}.allocation[${k}].place`, `"${p}" is the city: an allocation gives parts of the city's target to places under it`);
          else if (named && !named.includes(p)) add(`${at}.allocation[${k}].place`, `"${p}" is not one of the metric's places (${named.join(', ')})`);
          if (seen.has(p)) add(`${at}.allocation[${k}].place`, `place "${p}" is allocated twice`);
          seen.add(p);
          if (kind === 'share' && v !== undefined && dec(v).gt(100)) add(`${at}.allocation[${k}].value`, `a share is a percent and cannot exceed 100 (got ${v})`);
          baselineProblems(`${at}.allocation[${k}].baseline`, a?.baseline, v);
        });
        if (SUMMED.has(kind) && complete && value !== undefined && !total.eq(dec(value)))
          add(`${at}.allocation`, `the places' targets add up to ${total.toFixed()}, not the city's ${value}: a split of a city sum adds up to it`);
      }

      const source = str(m.source);
      const description = str(t.description);
      if (source !== undefined && description !== undefined && !description.includes(source))
        add(`${at}.source`, `metric "${String(m.id)}": its source "${source}" is not in task ${String(t.number)}'s description: a source quotes the task's text exactly`);

      if (isObj(m.sources))
        for (const k of Object.keys(m.sources))
          if (!(k in m) || k === 'sources') add(`${at}.sources.${k}`, `"${k}" is not a field of this metric: a source explains a value the metric has`);

      if (kind === 'approximate' && target.tolerance === undefined && !isObj(input.approximateTolerance))
        add(`${at}.target.tolerance`, 'an approximate (左右) target needs a band: give the plan an approximateTolerance with its reason, or the target a tolerance');
    });
  });
  return problems;
};
