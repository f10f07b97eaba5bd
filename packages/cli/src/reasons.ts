import type { ReasonCode, ReasonFields } from '@minsheng/core';
import type { MessageKey } from './messages';
import { sayFields } from './sentences';

/*
 * The ledger's reason codes (core's REASON_CODES) and the catalogue message that says each. A
 * coded error carries the values its message names (`fields`), so it is said in the reader's
 * language from the code, whatever its English sentence. A Record: a code without a message does
 * not compile; reasons.unit.test.ts renders every one in both languages.
 */
export const REASON_KEYS: Readonly<Record<ReasonCode, MessageKey>> = {
  'unit.notResponsible': 'refusal.notResponsible',
  'unit.notLeadSignOff': 'refusal.notLeadSignOff',
  'unit.unknown': 'refusal.unknownUnit',
  'report.notReportingUnit': 'refusal.notReportingUnit',
  'report.notLeadUnit': 'refusal.notLeadUnit',
  'report.retracted': 'refusal.correctRetracted',
  'report.retractedAlready': 'refusal.retractedAlready',
  'plan.several': 'refusal.severalPlans',
  'plan.none': 'refusal.noPlan',
  'plan.unknown': 'refusal.unknownPlan',
  'task.unknown': 'refusal.unknownTask',
  'metric.unknown': 'refusal.unknownMetric',
  'metric.notOfTask': 'refusal.taskHasNoMetric',
  'metric.otherTask': 'refusal.metricOtherTask',
  'place.unknown': 'refusal.unknownPlace',
  'place.cityOnly': 'refusal.placeCityOnly',
  'place.rolledUp': 'refusal.placeRolledUp',
  'place.notOfMetric': 'refusal.placeNotOf',
  'event.unknown': 'refusal.unknownEvent',
  'event.notReportOrCorrection': 'refusal.notReportOrCorrection',
  'event.notReportOf': 'refusal.eventNotReportOf',
  'event.otherPlan': 'refusal.eventOtherPlan',
  'deadline.notPassed': 'refusal.deadlineNotPassed',
  'target.revisionBehind': 'refusal.targetRevision',
  'clock.behindLedger': 'refusal.clockBehind',
  'mode.fixed': 'refusal.modeRefused',
  'readModel.completionNotBacked': 'refusal.completionNotBacked',
  'readModel.aheadOfLog': 'refusal.readModelAhead',
  'readModel.otherEvent': 'refusal.readModelOtherEvent',
  'chain.broken': 'refusal.brokenChain',
  'signature.unsignedLedger': 'refusal.signature.unsignedLedger',
  'signature.missing': 'refusal.signature.missing',
  'signature.unknownKey': 'refusal.signature.unknownKey',
  'signature.revoked': 'refusal.signature.revoked',
  'signature.otherUnit': 'refusal.signature.otherUnit',
  'signature.noUnit': 'refusal.signature.noUnit',
  'signature.notResponsible': 'refusal.signature.notResponsible',
  'signature.bad': 'refusal.signature.bad',
  'signature.replayed': 'refusal.signature.replayed',
  'keyEvent.notAdminKey': 'refusal.keyEvent.notAdminKey',
  'keyEvent.badSignature': 'refusal.keyEvent.badSignature',
  'keyEvent.onAlready': 'refusal.keyEvent.onAlready',
  'keyEvent.badAdminKey': 'refusal.keyEvent.badAdminKey',
  'keyEvent.notSignedMode': 'refusal.keyEvent.notSignedMode',
  'keyEvent.badUnitKey': 'refusal.keyEvent.badUnitKey',
  'keyEvent.registeredAlready': 'refusal.keyEvent.registeredAlready',
  'keyEvent.noSuchKey': 'refusal.keyEvent.noSuchKey',
  'signing.recordDamaged': 'refusal.signingDamaged',
};

/** A coded error's sentence in the reader's language. */
export const reasonSentence = (code: ReasonCode, fields: ReasonFields): string => sayFields(REASON_KEYS[code], fields);
