/**
 * Expected failures of ledger commands. Every one carries a one-line `message` that
 * names what was wrong; when a command fails, nothing is written.
 */
export type LedgerError =
  | { readonly _tag: 'NotResponsible'; readonly unit: string; readonly task: number; readonly message: string }
  | {
      readonly _tag: 'NotReportingUnit';
      /** The unit that tried to correct or retract the report. */
      readonly unit: string;
      readonly eventId: string;
      /** The unit that reported it (null for a report recorded without one), and the task's lead unit: the two that may. */
      readonly reportedBy: string | null;
      readonly lead: string;
      readonly message: string;
    }
  | { readonly _tag: 'UnknownPlan'; readonly planId: string; readonly message: string }
  | { readonly _tag: 'UnknownTask'; readonly task: number; readonly message: string }
  | { readonly _tag: 'UnknownMetric'; readonly metric: string; readonly message: string }
  | { readonly _tag: 'UnknownPlace'; readonly place: string; readonly message: string }
  | { readonly _tag: 'UnknownUnit'; readonly unit: string; readonly message: string }
  | { readonly _tag: 'UnknownEvent'; readonly eventId: string; readonly message: string }
  | { readonly _tag: 'InvalidFigure'; readonly field: string; readonly reason: string; readonly message: string }
  | { readonly _tag: 'InvalidInput'; readonly field: string; readonly reason: string; readonly message: string }
  | { readonly _tag: 'AlreadyRetracted'; readonly eventId: string; readonly message: string }
  | { readonly _tag: 'DeadlineNotPassed'; readonly deadline: string; readonly message: string }
  | {
      readonly _tag: 'TargetRevisionRefused';
      /** Each change refused, with how many reports (not retracted) were recorded under the old target. */
      readonly revisions: readonly { readonly metric: string; readonly change: string; readonly from: string; readonly to: string; readonly reports: number }[];
      readonly message: string;
    };

export type LedgerErrorTag = LedgerError['_tag'];

/** `nameOf` turns unit ids into the names people use (市教育局), so the message reads as they typed it. */
export const notResponsible = (
  unit: string,
  task: number,
  units: readonly string[],
  nameOf: (id: string) => string = (id) => id,
): LedgerError => ({
  _tag: 'NotResponsible',
  unit,
  task,
  message: `${nameOf(unit)} is not a responsible unit of task ${task} (responsible: ${units.map(nameOf).join(', ')})`,
});

export const unknownTask = (task: number): LedgerError => ({
  _tag: 'UnknownTask',
  task,
  message: `task ${task} is not in the plan`,
});

export const unknownMetric = (metric: string, task?: number): LedgerError => ({
  _tag: 'UnknownMetric',
  metric,
  message: task === undefined ? `metric ${metric} is not in the plan` : `task ${task} has no metric ${metric}`,
});

export const unknownPlace = (place: string, why = 'is not a place of the plan'): LedgerError => ({
  _tag: 'UnknownPlace',
  place,
  message: `place ${place} ${why}`,
});

export const unknownUnit = (unit: string): LedgerError => ({
  _tag: 'UnknownUnit',
  unit,
  message: `responsible unit ${unit} is not in the plan`,
});

export const unknownEvent = (eventId: string, why = 'is not a progress report of the ledger'): LedgerError => ({
  _tag: 'UnknownEvent',
  eventId,
  message: `event ${eventId} ${why}`,
});

export const invalidFigure = (field: string, reason: string): LedgerError => ({
  _tag: 'InvalidFigure',
  field,
  reason,
  message: `${field}: ${reason}`,
});

export const invalidInput = (field: string, reason: string): LedgerError => ({
  _tag: 'InvalidInput',
  field,
  reason,
  message: `${field}: ${reason}`,
});
