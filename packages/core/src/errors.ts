/**
 * What a refusal or failure means, for a program or a translation to go by instead of its
 * English sentence: stable once published (docs/errors.md lists each with its meaning and the
 * CLI's exit code). An error with a code also carries `fields`, the values its sentence names.
 */
export const REASON_CODES = [
  'unit.notResponsible',
  'unit.notLeadSignOff',
  'unit.unknown',
  'report.notReportingUnit',
  'report.notLeadUnit',
  'report.retracted',
  'report.retractedAlready',
  'plan.several',
  'plan.none',
  'plan.unknown',
  'task.unknown',
  'metric.unknown',
  'metric.notOfTask',
  'metric.otherTask',
  'place.unknown',
  'place.cityOnly',
  'place.rolledUp',
  'place.notOfMetric',
  'event.unknown',
  'event.notReportOrCorrection',
  'event.notReportOf',
  'event.otherPlan',
  'deadline.notPassed',
  'target.revisionBehind',
  'clock.behindLedger',
  'mode.fixed',
  'readModel.completionNotBacked',
  'readModel.aheadOfLog',
  'readModel.otherEvent',
  'chain.broken',
  'signature.unsignedLedger',
  'signature.missing',
  'signature.unknownKey',
  'signature.revoked',
  'signature.otherUnit',
  'signature.noUnit',
  'signature.notResponsible',
  'signature.bad',
  'signature.replayed',
  'keyEvent.notAdminKey',
  'keyEvent.badSignature',
  'keyEvent.onAlready',
  'keyEvent.badAdminKey',
  'keyEvent.notSignedMode',
  'keyEvent.badUnitKey',
  'keyEvent.registeredAlready',
  'keyEvent.noSuchKey',
  'signing.recordDamaged',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** The values a coded error's sentence names: a list is a list (the reader's language joins it). */
export type ReasonFields = Readonly<Record<string, string | number | readonly string[]>>;

/**
 * Expected failures of ledger commands. Every one carries a one-line `message` that
 * names what was wrong; when a command fails, nothing is written.
 */
export type LedgerError =
  | { readonly _tag: 'NotResponsible'; readonly unit: string; readonly task: number; readonly code: ReasonCode; readonly fields: ReasonFields; readonly message: string }
  | {
      readonly _tag: 'NotReportingUnit';
      /** The unit that tried to correct or retract the report. */
      readonly unit: string;
      readonly eventId: string;
      /** The unit that reported it (null for a report recorded without one), and the task's lead unit: the two that may. */
      readonly reportedBy: string | null;
      readonly lead: string;
      readonly code: ReasonCode;
      readonly fields: ReasonFields;
      readonly message: string;
    }
  | { readonly _tag: 'UnknownPlan'; readonly planId: string; readonly code: ReasonCode; readonly fields: ReasonFields; readonly message: string }
  | { readonly _tag: 'UnknownTask'; readonly task: number; readonly code: ReasonCode; readonly fields: ReasonFields; readonly message: string }
  | { readonly _tag: 'UnknownMetric'; readonly metric: string; readonly code: ReasonCode; readonly fields: ReasonFields; readonly message: string }
  | { readonly _tag: 'UnknownPlace'; readonly place: string; readonly code: ReasonCode; readonly fields: ReasonFields; readonly message: string }
  | { readonly _tag: 'UnknownUnit'; readonly unit: string; readonly code: ReasonCode; readonly fields: ReasonFields; readonly message: string }
  | { readonly _tag: 'UnknownEvent'; readonly eventId: string; readonly code: ReasonCode; readonly fields: ReasonFields; readonly message: string }
  | { readonly _tag: 'InvalidFigure'; readonly field: string; readonly reason: string; readonly message: string }
  | { readonly _tag: 'InvalidInput'; readonly field: string; readonly reason: string; readonly message: string }
  | { readonly _tag: 'AlreadyRetracted'; readonly eventId: string; readonly code: ReasonCode; readonly fields: ReasonFields; readonly message: string }
  | { readonly _tag: 'DeadlineNotPassed'; readonly deadline: string; readonly code: ReasonCode; readonly fields: ReasonFields; readonly message: string }
  | {
      readonly _tag: 'TargetRevisionRefused';
      /** Each change refused, with how many reports (not retracted) were recorded under the old target. */
      readonly revisions: readonly { readonly metric: string; readonly change: string; readonly from: string; readonly to: string; readonly reports: number }[];
      readonly code: ReasonCode;
      readonly fields: ReasonFields;
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
  code: 'unit.notResponsible',
  fields: { unit: nameOf(unit), task, units: units.map(nameOf) },
  message: `${nameOf(unit)} is not a responsible unit of task ${task} (responsible: ${units.map(nameOf).join(', ')})`,
});

export const unknownTask = (task: number): LedgerError => ({
  _tag: 'UnknownTask',
  task,
  code: 'task.unknown',
  fields: { task },
  message: `task ${task} is not in the plan`,
});

export const unknownMetric = (metric: string, task?: number): LedgerError => ({
  _tag: 'UnknownMetric',
  metric,
  ...(task === undefined ? { code: 'metric.unknown', fields: { metric } } : { code: 'metric.notOfTask', fields: { task, metric } }),
  message: task === undefined ? `metric ${metric} is not in the plan` : `task ${task} has no metric ${metric}`,
});

/** Why a place cannot take a report: not in the plan, or not one of the metric's places. */
export type PlaceRefusal =
  | { readonly code: 'place.unknown' }
  | { readonly code: 'place.cityOnly' | 'place.rolledUp'; readonly metric: string }
  | { readonly code: 'place.notOfMetric'; readonly metric: string; readonly places: readonly string[] };

const placeWhy = (r: PlaceRefusal): string =>
  r.code === 'place.unknown' ? 'is not a place of the plan'
  : r.code === 'place.cityOnly' ? `cannot report ${r.metric}: it is measured once for the whole city`
  : r.code === 'place.rolledUp' ? `cannot report ${r.metric}: it is reported per district and rolled up to the city`
  : `is not one of the places of ${r.metric} (${'places' in r ? r.places.join(', ') : ''})`;

export const unknownPlace = (place: string, why: PlaceRefusal = { code: 'place.unknown' }): LedgerError => {
  const { code, ...rest } = why;
  return { _tag: 'UnknownPlace', place, code, fields: { place, ...rest }, message: `place ${place} ${placeWhy(why)}` };
};

export const unknownUnit = (unit: string): LedgerError => ({
  _tag: 'UnknownUnit',
  unit,
  code: 'unit.unknown',
  fields: { unit },
  message: `responsible unit ${unit} is not in the plan`,
});

/** An event that is not the report a correction or retraction names: not in the ledger, or of another figure. */
export const unknownEvent = (eventId: string, of?: { readonly metric: string; readonly place: string }): LedgerError => ({
  _tag: 'UnknownEvent',
  eventId,
  ...(of === undefined ? { code: 'event.unknown', fields: { eventId } } : { code: 'event.notReportOf', fields: { eventId, ...of } }),
  message: `event ${eventId} ${of === undefined ? 'is not a progress report of the ledger' : `is not a report of ${of.metric} at ${of.place}`}`,
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
