import { isLeft, left, right, type Either } from 'fp-ts/Either';
import {
  invalidFigure,
  invalidInput,
  notResponsible,
  unknownEvent,
  unknownPlace,
  unknownUnit,
  type LedgerError,
} from '../errors';
import type { EventOf } from '../events/events';
import { holdsPlaces, isTopPlace } from '../plan/queries';
import { fitFigure } from '../kinds/fit';
import type { Figure } from '../kinds/schemas';
import { PARAGRAPH_MAX, textProblem } from '../text';
import type { Decider } from './decider';
import { asOfGraceDays, lastAsOf, type PlanFrame } from './plan';
import type { TargetSetData } from './task';

/** What a progress command is checked against: the plan's frame and the metric's current target. */
export interface ProgressContext {
  readonly frame: PlanFrame;
  readonly target: TargetSetData;
}

interface Common {
  /** The reporting responsible unit's id. */
  readonly by: string;
  readonly place: string;
  /** The command's clock reading, for checking effective dates. */
  readonly now: Date;
  readonly context: ProgressContext;
}

export type ProgressCommand =
  | (Common & { readonly type: 'ReportProgress'; readonly asOf: string; readonly figure: Figure })
  | (Common & {
      readonly type: 'CorrectProgress';
      readonly corrects: string;
      readonly figure: Figure;
      readonly asOf?: string;
      readonly reason: string;
    })
  | (Common & { readonly type: 'RetractProgress'; readonly retracts: string; readonly reason: string });

interface ReportState {
  readonly asOf: string;
  readonly retracted: boolean;
  /** The unit that reported it. */
  readonly by?: string;
}

export interface ProgressState {
  /** Reports of this (metric, place) by event id. */
  readonly reports: Readonly<Record<string, ReportState>>;
  /** Correction event id → the report it corrects, so a correction of a correction resolves to the report. */
  readonly corrections: Readonly<Record<string, string>>;
}

type ProgressEvent = EventOf<'ProgressReported'> | EventOf<'ProgressCorrected'> | EventOf<'ProgressRetracted'>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar date of an instant in a UTC offset such as "+08:00". */
export const dateIn = (at: Date, timeZone: string): string => {
  const sign = timeZone.startsWith('-') ? -1 : 1;
  const [h, m] = timeZone.slice(1).split(':').map(Number);
  return new Date(at.getTime() + sign * ((h ?? 0) * 60 + (m ?? 0)) * 60_000).toISOString().slice(0, 10);
};

const checkAsOf = (asOf: string, c: Common): Either<LedgerError, string> => {
  if (!DATE.test(asOf) || Number.isNaN(Date.parse(asOf)) || new Date(asOf).toISOString().slice(0, 10) !== asOf)
    return left(invalidInput('asOf', `"${asOf}" is not a date written YYYY-MM-DD`));
  const today = dateIn(c.now, c.context.frame.timeZone);
  if (asOf > today) return left(invalidInput('asOf', `${asOf} is in the future (today is ${today})`));
  if (asOf < c.context.frame.periodStart)
    return left(invalidInput('asOf', `${asOf} is before the plan's period starts (${c.context.frame.periodStart})`));
  const last = lastAsOf(c.context.frame);
  if (asOf > last)
    return left(
      invalidInput(
        'asOf',
        `${asOf} is past the plan's period (it ends ${c.context.frame.periodEnd}) and its grace of ${asOfGraceDays(c.context.frame)} days: the last as-of date it accepts is ${last}`,
      ),
    );
  return right(asOf);
};

const nameOf = (frame: PlanFrame, id: string): string => frame.responsibleUnits.find((u) => u.id === id)?.name ?? id;

const checkUnit = (c: Common, task: number): Either<LedgerError, string> => {
  const { frame, target } = c.context;
  if (!frame.responsibleUnits.some((u) => u.id === c.by)) return left(unknownUnit(c.by));
  if (!target.responsibleUnits.includes(c.by))
    return left(notResponsible(c.by, task, target.responsibleUnits, (id) => nameOf(frame, id)));
  return right(c.by);
};

const checkPlace = (c: Common): Either<LedgerError, string> => {
  const { frame, target } = c.context;
  const place = frame.places.find((p) => p.id === c.place);
  if (!place) return left(unknownPlace(c.place));
  if (target.metric.level === 'city' && !isTopPlace(frame, place.id))
    return left(unknownPlace(c.place, { code: 'place.cityOnly', metric: target.metric.id }));
  if (target.metric.level === 'district' && holdsPlaces(place))
    return left(
      unknownPlace(c.place, { code: 'place.rolledUp', metric: target.metric.id }),
    );
  if (target.metric.places && !target.metric.places.includes(c.place))
    return left(unknownPlace(c.place, { code: 'place.notOfMetric', metric: target.metric.id, places: target.metric.places }));
  return right(c.place);
};

const checkFigure = (c: Common, figure: Figure): Either<LedgerError, Figure> => {
  const { target } = c.context;
  const fit = fitFigure(target.target, figure);
  if (isLeft(fit)) return left(invalidFigure(fit.left.field, fit.left.reason));
  // A yes/no "yes" is the sign-off of a qualitative duty: only the lead unit gives it.
  const lead = target.responsibleUnits[0];
  if (figure.kind === 'flag' && figure.value && c.by !== lead)
    return left({
      _tag: 'NotResponsible',
      unit: c.by,
      task: target.task.number,
      code: 'unit.notLeadSignOff',
      fields: { lead: nameOf(c.context.frame, lead ?? ''), metric: target.metric.id, unit: nameOf(c.context.frame, c.by) },
      message: `only the lead unit ${nameOf(c.context.frame, lead ?? '')} signs off ${target.metric.id} as met; ${nameOf(c.context.frame, c.by)} may report "no" only`,
    });
  return right(figure);
};

/** A correction's or retraction's reason: not empty, one line of printable text, at most PARAGRAPH_MAX characters. */
const checkReason = (reason: string, what: string): Either<LedgerError, string> => {
  if (!reason.trim()) return left(invalidInput('reason', `${what} needs a reason`));
  const problem = textProblem(reason, PARAGRAPH_MAX);
  return problem ? left(invalidInput('reason', problem)) : right(reason.trim());
};

/** Only the unit that reported a figure, or the task's lead unit, corrects or retracts it. */
const checkMayChange = (c: Common, reportId: string, report: ReportState, verb: 'correct' | 'retract'): Either<LedgerError, string> => {
  const { frame, target } = c.context;
  const lead = target.responsibleUnits[0] ?? '';
  if (c.by === lead || (report.by !== undefined && c.by === report.by)) return right(c.by);
  const name = (id: string) => nameOf(frame, id);
  const who = report.by !== undefined ? `the unit that reported it (${name(report.by)}) or ` : '';
  return left({
    _tag: 'NotReportingUnit',
    unit: c.by,
    eventId: reportId,
    reportedBy: report.by ?? null,
    lead,
    code: report.by !== undefined ? 'report.notReportingUnit' : 'report.notLeadUnit',
    fields: { unit: name(c.by), verb, eventId: reportId, ...(report.by !== undefined ? { reporter: name(report.by) } : {}), task: target.task.number, lead: name(lead) },
    message: `${name(c.by)} may not ${verb} report ${reportId}: only ${who}the lead unit of task ${target.task.number} (${name(lead)}) may`,
  });
};

const resolveReport = (state: ProgressState, eventId: string): string | undefined =>
  state.reports[eventId] ? eventId : state.corrections[eventId];

/**
 * One (metric, place) progress stream: reports, corrections and retractions, each
 * checked against the metric's target, the plan's places and the reporter's responsibility.
 */
export const progressDecider: Decider<ProgressCommand, ProgressState, ProgressEvent> = {
  initialState: () => ({ reports: {}, corrections: {} }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'ProgressReported':
        return event.eventId
          ? {
              ...state,
              reports: {
                ...state.reports,
                [event.eventId]: { asOf: event.data.asOf, retracted: false, ...(event.by !== undefined ? { by: event.by } : {}) },
              },
            }
          : state;
      case 'ProgressCorrected': {
        const report = state.reports[event.data.corrects];
        if (!report) return state;
        return {
          reports: { ...state.reports, [event.data.corrects]: { ...report, asOf: event.data.asOf } },
          corrections: event.eventId ? { ...state.corrections, [event.eventId]: event.data.corrects } : state.corrections,
        };
      }
      case 'ProgressRetracted': {
        const report = state.reports[event.data.retracts];
        return report ? { ...state, reports: { ...state.reports, [event.data.retracts]: { ...report, retracted: true } } } : state;
      }
      default:
        return state;
    }
  },
  decide: (command, state) => {
    const { target } = command.context;
    const task = target.task.number;
    const head = { planId: target.planId, task, metric: target.metric.id, place: command.place };
    const unit = checkUnit(command, task);
    if (isLeft(unit)) return unit;
    const place = checkPlace(command);
    if (isLeft(place)) return place;
    switch (command.type) {
      case 'ReportProgress': {
        const asOf = checkAsOf(command.asOf, command);
        if (isLeft(asOf)) return asOf;
        const figure = checkFigure(command, command.figure);
        if (isLeft(figure)) return figure;
        return right([{ type: 'ProgressReported' as const, data: { ...head, asOf: asOf.right, figure: figure.right } }]);
      }
      case 'CorrectProgress': {
        const reportId = resolveReport(state, command.corrects);
        if (!reportId) return left(unknownEvent(command.corrects, { metric: target.metric.id, place: command.place }));
        const report = state.reports[reportId]!;
        const may = checkMayChange(command, reportId, report, 'correct');
        if (isLeft(may)) return may;
        if (report.retracted)
          return left({ _tag: 'AlreadyRetracted', eventId: reportId, code: 'report.retracted', fields: { eventId: reportId }, message: `report ${reportId} was retracted; report a new figure instead` });
        const reason = checkReason(command.reason, 'a correction');
        if (isLeft(reason)) return reason;
        const asOf = checkAsOf(command.asOf ?? report.asOf, command);
        if (isLeft(asOf)) return asOf;
        const figure = checkFigure(command, command.figure);
        if (isLeft(figure)) return figure;
        return right([
          {
            type: 'ProgressCorrected' as const,
            data: { ...head, corrects: reportId, asOf: asOf.right, figure: figure.right, reason: reason.right },
          },
        ]);
      }
      case 'RetractProgress': {
        const reportId = resolveReport(state, command.retracts);
        if (!reportId) return left(unknownEvent(command.retracts, { metric: target.metric.id, place: command.place }));
        const may = checkMayChange(command, reportId, state.reports[reportId]!, 'retract');
        if (isLeft(may)) return may;
        if (state.reports[reportId]!.retracted)
          return left({ _tag: 'AlreadyRetracted', eventId: reportId, code: 'report.retractedAlready', fields: { eventId: reportId }, message: `report ${reportId} is retracted already` });
        const reason = checkReason(command.reason, 'a retraction');
        if (isLeft(reason)) return reason;
        return right([
          { type: 'ProgressRetracted' as const, data: { ...head, retracts: reportId, reason: reason.right } },
        ]);
      }
    }
  },
};
