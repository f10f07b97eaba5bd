import { t } from './language';
import { say, shapes, type Shape } from './sentences';

/*
 * The ledger's refusals in the reader's language. A typed error carries its tag and the ids it
 * names (task, place, event), but the rest of what it says (the responsible units, the reason a
 * figure was refused) only in its English sentence: each known sentence is said again from the
 * catalogue (sentences.ts). refusals.unit.test.ts checks the shapes on sentences made by the
 * ledger's own functions.
 */

/** The sentences of each tag, as the ledger writes them (core/src/errors.ts, deciders, ledger/src/context.ts and mode.ts). */
const BY_TAG: Readonly<Record<string, readonly Shape[]>> = {
  NotResponsible: shapes([[/^(?<unit>.+) is not a responsible unit of task (?<task>\d+) \(responsible: (?<units>.*)\)$/, 'refusal.notResponsible']]),
  NotReportingUnit: shapes([
    [/^(?<unit>.+) may not (?<verb>correct|retract) report (?<eventId>\S+): only the unit that reported it \((?<reporter>.+)\) or the lead unit of task (?<task>\d+) \((?<lead>.+)\) may$/, 'refusal.notReportingUnit'],
    [/^(?<unit>.+) may not (?<verb>correct|retract) report (?<eventId>\S+): only the lead unit of task (?<task>\d+) \((?<lead>.+)\) may$/, 'refusal.notLeadUnit'],
  ]),
  UnknownPlan: shapes([
    [/^the ledger holds several plans \((?<plans>.*)\): name one with --plan <id>$/, 'refusal.severalPlans'],
    [/^the ledger has no plan yet; import one first$/, 'refusal.noPlan'],
    [/^plan (?<plan>\S+) is not in the ledger \(plans: (?<plans>.*)\)$/, 'refusal.unknownPlan'],
  ]),
  UnknownTask: shapes([[/^task (?<task>\S+) is not in the plan$/, 'refusal.unknownTask']]),
  UnknownMetric: shapes([
    [/^metric (?<metric>\S+) is not in the plan$/, 'refusal.unknownMetric'],
    [/^task (?<task>\d+) has no metric (?<metric>\S+)$/, 'refusal.taskHasNoMetric'],
  ]),
  UnknownPlace: shapes([
    [/^place (?<place>.+) is not a place of the plan$/, 'refusal.unknownPlace'],
    [/^place (?<place>.+) cannot report (?<metric>\S+): it is measured once for the whole city$/, 'refusal.placeCityOnly'],
    [/^place (?<place>.+) cannot report (?<metric>\S+): it is reported per district and rolled up to the city$/, 'refusal.placeRolledUp'],
    [/^place (?<place>.+) is not one of the places of (?<metric>\S+) \((?<places>.*)\)$/, 'refusal.placeNotOf'],
  ]),
  UnknownUnit: shapes([[/^responsible unit (?<unit>.+) is not in the plan$/, 'refusal.unknownUnit']]),
  UnknownEvent: shapes([
    [/^event (?<eventId>\S+) is not a progress report of the ledger$/, 'refusal.unknownEvent'],
    [/^event (?<eventId>\S+) is not a progress report or correction in the ledger$/, 'refusal.notReportOrCorrection'],
    [/^event (?<eventId>\S+) is not a report of (?<metric>\S+) at (?<place>.+)$/, 'refusal.eventNotReportOf'],
  ]),
  AlreadyRetracted: shapes([
    [/^report (?<eventId>\S+) was retracted; report a new figure instead$/, 'refusal.correctRetracted'],
    [/^report (?<eventId>\S+) is retracted already$/, 'refusal.retractedAlready'],
  ]),
  DeadlineNotPassed: shapes([[/^deadline (?<deadline>.+) \(due (?<due>\S+)\) has not passed at (?<at>\S+)$/, 'refusal.deadlineNotPassed']]),
  ClockBehindLedger: shapes([
    [/^the clock reads (?<at>\S+), before the ledger's latest event \(position (?<position>\d+), recorded at (?<recordedAt>\S+)\); a simulated ledger's clock moves forward only$/, 'refusal.clockBehind'],
  ]),
  ModeRefused: shapes([
    [/^the ledger is a (?<mode>\w+) ledger \((?<count>\d+) events?\); its mode was fixed when it was created and cannot become (?<asked>\w+)$/, 'refusal.modeRefused'],
  ]),
  ReadModelMismatch: shapes([
    [/^the read model does not match the events behind task (?<task>\d+)'s figures \((?<metrics>.*)\): its completion was not recorded; the read model \((?<projection>\S+)\) refuses to serve until rebuilt from the log \(run `minsheng verify`, then `minsheng rebuild`\)$/, 'refusal.completionNotBacked'],
  ]),
};

/** Why a field's value was refused (InvalidFigure, InvalidInput): core/src/text.ts, kinds/schemas.ts, deciders/progress.ts, ledger/src/figure-input.ts. */
const REASONS: readonly Shape[] = shapes([
  [/^"(?<value>.*)" must be a decimal number, e\.g\. "2\.55"$/, 'refusal.reason.decimal'],
  [/^"(?<value>.*)" must not be negative$/, 'refusal.reason.negative'],
  [/^"(?<value>.*)" is not a date written YYYY-MM-DD$/, 'refusal.reason.date'],
  [/^(?<asOf>\S+) is in the future \(today is (?<today>\S+)\)$/, 'refusal.reason.future'],
  [/^(?<asOf>\S+) is before the plan's period starts \((?<start>\S+)\)$/, 'refusal.reason.beforePeriod'],
  [/^(?<asOf>\S+) is past the plan's period \(it ends (?<end>\S+)\) and its grace of (?<days>\d+) days: the last as-of date it accepts is (?<last>\S+)$/, 'refusal.reason.afterPeriod'],
  [/^a correction needs a reason$/, 'refusal.reason.correctionReason'],
  [/^a retraction needs a reason$/, 'refusal.reason.retractionReason'],
  [/^"(?<value>.*)" is empty$/, 'refusal.reason.empty'],
  [/^"(?<value>.*)" holds the control character (?<code>U\+[0-9A-F]+) at character (?<at>\d+); text must be printable and on one line$/, 'refusal.reason.control'],
  [/^"(?<value>.*)" is (?<length>\d+) characters long; at most (?<max>\d+) are allowed$/, 'refusal.reason.tooLong'],
  [/^a yes\/no target needs the value yes or no$/, 'refusal.reason.yesNo'],
  [/^a milestone target needs a stage \((?<stages>.*)\)$/, 'refusal.reason.stage'],
]);

/** Commander's own errors (commander/lib/command.js), after its "error: ". */
const COMMANDER: readonly Shape[] = shapes([
  [/^unknown option '(?<option>.+)'$/, 'commander.unknownOption'],
  [/^unknown command '(?<command>.+)'$/, 'commander.unknownCommand'],
  [/^option '(?<option>.+)' argument missing$/, 'commander.optionMissingArgument'],
  [/^required option '(?<option>.+)' not specified$/, 'commander.missingMandatoryOptionValue'],
  [/^missing required argument '(?<argument>.+)'$/, 'commander.missingArgument'],
  [/^too many arguments(?<forCommand>(?: for '.+')?)\. Expected (?<count>\d+) arguments? but got (?<got>\d+)\.$/, 'commander.excessArguments'],
  [/^option '(?<option>[^']+)' argument '(?<value>.*)' is invalid\. (?<reason>.*)$/, 'commander.invalidArgument'],
  [/^(?<option>.+) cannot be used with (?<other>.+)$/, 'commander.conflictingOption'],
]);

/** A refusal's sentence in the reader's language; one no shape knows, as the ledger wrote it. */
export const refusalSentence = (tag: string, sentence: string): string => say(BY_TAG[tag] ?? [], sentence) ?? sentence;

/** A refused field's value: `--value: "abc" must be a decimal number…`, the reason in the reader's language. */
export const fieldRefusal = (option: string, reason: string): string => t('refusal.field', { option, reason: say(REASONS, reason) ?? reason });

/** Commander's one-line error (unknown option, missing argument…) in the reader's language. */
export const commanderRefusal = (line: string): string => say(COMMANDER, line) ?? line;
