import type { ReasonFields } from '@minsheng/core';
import type { LedgerFailure } from '@minsheng/ledger';
import type { MessageKey } from './messages';
import { t } from './language';
import { projectionReasonsEn } from './messages/projection-reasons';
import { reasonSentence } from './reasons';
import { say, sayFields, sayNested, shapes, textShapes, type Shape } from './sentences';

/*
 * The ledger's refusals in the reader's language. An error with a reason code is said from the
 * catalogue by its code and fields (reasons.ts). What has no code is said again from its English
 * sentence by shape (sentences.ts): a refused field's reason (InvalidFigure, InvalidInput: their
 * reasons come from several checks in core and the ledger) and commander's errors. A store's or
 * read model's failure other than a broken chain is said by projections' and the event store's
 * words around it (projectionReason); the system's error it names stays as written.
 */

/**
 * Until commands/audit.ts says its two refusals by code (refusalOf), the sentences of the two
 * errors it builds; nothing else reads them.
 */
const BY_TAG: Readonly<Record<string, readonly Shape[]>> = {
  UnknownTask: shapes([[/^task (?<task>\d+) is not in the plan$/, 'refusal.unknownTask']]),
  UnknownMetric: shapes([[/^task (?<task>\d+) has no metric (?<metric>\S+)$/, 'refusal.taskHasNoMetric']]),
};

/** Why a field's value was refused (InvalidFigure, InvalidInput): core/src/text.ts, kinds/schemas.ts, deciders/progress.ts, ledger/src/figure-input.ts. */
const REASONS: readonly Shape[] = [...shapes([
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
  // core/src/kinds/fit.ts, ledger/src/figure-input.ts: a figure that does not fit its target.
  [/^a share target needs a numerator \((?<numerator>.*)\) and a denominator \((?<denominator>.*)\)$/, 'refusal.reason.shareParts'],
  [/^a rate target needs a numerator \((?<numerator>.*)\) and a denominator \((?<denominator>.*)\)$/, 'refusal.reason.rateParts'],
  [/^stage "(?<stage>.*)" does not exist; stages are (?<stages>.*)$/, 'refusal.reason.noStage'],
  [/^the denominator must be greater than 0$/, 'refusal.reason.denominatorZero'],
  [/^the numerator (?<numerator>\S+) exceeds the denominator (?<denominator>\S+)$/, 'refusal.reason.numeratorExceeds'],
  [/^unit (?<unit>.+) cannot be converted to the target's unit (?<target>.+)$/, 'refusal.reason.unitConvert'],
  [/^"(?<value>.*)" is not a decimal number$/, 'refusal.reason.notDecimal'],
  // projections/src/views/snapshot.ts: a --known-at before the plan was in the ledger.
  [/^(?<knownAt>\S+) is before plan (?<plan>\S+) was recorded$/, 'refusal.reason.beforePlan'],
]),
  // core/src/decimal.ts and kinds/fit.ts: a figure beyond a figure's precision, a count that is not whole (as a plan's target is refused).
  ...textShapes(['planCheck.precisionWhole', 'planCheck.precisionFraction', 'planCheck.wholeNumberBase', 'planCheck.wholeNumber'])];

/** Why an event breaks the log's hash chain (event-store/src/checked-log.ts): a BrokenChain's reason. */
const CHAIN_REASONS: readonly Shape[] = shapes([
  [/^the event before it, at position (?<position>\d+), is missing$/, 'refusal.chain.missingBefore'],
  [/^position (?<position>\d+) does not follow (?<before>\d+)$/, 'refusal.chain.notFollowing'],
  [/^hash version (?<version>.+) is not one this build knows \(1 or 2\)$/, 'refusal.chain.unknownVersion'],
  [/^hash version (?<version>\d+) after version (?<before>\d+): versions never go down along positions$/, 'refusal.chain.versionDown'],
  [/^prev_hash does not match the hash of the event before it$/, 'refusal.chain.prevHash'],
  [/^stored_at "(?<storedAt>.*)" is before the previous event's "(?<before>.*)"$/, 'refusal.chain.storedAt'],
  [/^stored hash does not match the event's content$/, 'refusal.chain.hash'],
  [/^stored hash does not match the event's content; nothing is appended after it$/, 'refusal.chain.hashHead'],
  // core/src/chain-verifier.ts, store-sqlite/src/store.ts, and the checkpoint's audit (event-store/src/log-audit.ts).
  [/^recordedAt "(?<recordedAt>.*)" is before the previous event's "(?<before>.*)"$/, 'refusal.chain.recordedAt'],
  [/^the Merkle tree covers (?<leaves>\d+) events but the log holds (?<held>\d+)$/, 'refusal.chain.treeLonger'],
  [/^it differs from the event the Merkle tree recorded when it was appended$/, 'refusal.chain.treeDiffers'],
  [/^the Merkle tree never recorded it: it was not appended by the ledger$/, 'refusal.chain.treeNever'],
  [/^the log ends at (?<size>\d+) but the checkpoint of (?<time>\S+) signs (?<count>\d+) events: events were removed$/, 'refusal.chain.checkpointLonger'],
  [/^the first (?<count>\d+) events do not have the root the checkpoint of (?<time>\S+) signs: history was rewritten \(the stored tree was rewritten with it, so no single event can be named\)$/, 'refusal.chain.rewritten'],
]);

/** Why a verifier key or a key name is refused (verify/src/keys.ts: parseVerifierKey and checkKeyName, which core's parseUnitVerifierKey calls): a reason in a signing refusal's fields. */
const KEY_REASONS: readonly Shape[] = shapes([
  [/^a verifier key is name\+keyid\+key$/, 'keys.reason.parts'],
  [/^its key is not base64$/, 'keys.reason.base64'],
  [/^it is not an Ed25519 key \(algorithm byte 0x01 and 32 bytes\)$/, 'keys.reason.notEd25519'],
  [/^its key id (?<id>\S*) does not match its key \((?<keyId>[0-9a-f]+)\)$/, 'keys.reason.keyId'],
  [/^a key name may not be empty$/, 'keys.reason.nameEmpty'],
  [/^key name (?<name>".*") may not hold spaces, '\+' or control characters$/, 'keys.reason.nameChars'],
]);

/** Each difference audit finds between the read model and the events (projections/src/audit/trail.ts, a trail's `faults`). */
const FAULTS: readonly Shape[] = shapes([
  [/^#(?<position>\d+): the read model has the figure (?<shown>.+), the event says (?<logged>.+)$/, 'audit.fault.figure'],
  [/^#(?<position>\d+): the read model has (?<field>\w+) (?<shown>.+), the event says (?<logged>.+)$/, 'audit.fault.field'],
  [/^the task's events set no target for (?<metric>\S+) by this moment; the read model has (?<shown>.+)$/, 'audit.fault.noTarget'],
  [/^the read model has the target (?<shown>.+), the task's events set (?<logged>.+)$/, 'audit.fault.target'],
  [/^the read model counts event (?<eventId>\S+) \(position (?<position>\d+)\), which is not in the log's events for this figure$/, 'audit.fault.notInLog'],
  [/^#(?<position>\d+): the read model counts it, but the events do not have it in force at this moment$/, 'audit.fault.notInForce'],
  [/^#(?<position>\d+): the events have it in force for (?<place>.+), but the read model leaves it out$/, 'audit.fault.leftOut'],
  [/^the read model shows (?<shown>.+), the events give (?<replayed>.+)$/, 'audit.fault.value'],
]);

/** A read model that does not come from the log (projections/src/read-model-check.ts), as verify's result gives it: without its code. */
const READ_MODEL: readonly Shape[] = shapes([
  [/^the read model \((?<projection>[^)]+)\) has applied events up to position (?<checkpoint>\d+) but the log ends at (?<head>\d+): events it applied are no longer in the log; it refuses to serve until rebuilt from the log \(run `minsheng verify`, then `minsheng rebuild`\)$/, 'refusal.readModelAhead'],
  [/^the read model \((?<projection>[^)]+)\) applied another event at position (?<checkpoint>\d+) than the log holds there now \(hash (?<applied>\S+) applied, (?<logged>\S+) in the log\): events were removed from the log and others took their positions; it refuses to serve until rebuilt from the log \(run `minsheng verify`, then `minsheng rebuild`\)$/, 'refusal.readModelOtherEvent'],
]);

/** A text that begins with its own words first: "{projection}: …" would take "a reader thread failed" for a projection's name. */
const PROJECTION_REASONS = textShapes(
  (Object.keys(projectionReasonsEn) as (keyof typeof projectionReasonsEn)[])
    .sort((a, b) => Number(projectionReasonsEn[a].startsWith('{')) - Number(projectionReasonsEn[b].startsWith('{'))) as MessageKey[],
);

/** Why projections or the event store failed (a worker's round, a catch-up, reading in threads), in the reader's language; a system's error within as written. */
export const projectionReason = (reason: string): string => sayNested(PROJECTION_REASONS, reason) ?? reason;

/** Why the read model does not come from the log, in the reader's language; one no shape knows, as written. */
export const readModelReason = (reason: string): string => say(READ_MODEL, reason) ?? reason;

/** A difference audit found, in the reader's language; one no shape knows, as written. */
export const auditFault = (fault: string): string => say(FAULTS, fault) ?? fault;

/** Why a key or key name is refused, in the reader's language; a reason no shape knows, as written. */
export const keyReason = (reason: string): string => say(KEY_REASONS, reason) ?? reason;

/** Why an event breaks the chain, in the reader's language; a reason no shape knows, as the store wrote it. */
export const chainReason = (reason: string): string => say(CHAIN_REASONS, reason) ?? reason;

/** Commander's own errors (commander/lib/command.js), after its "error: ". */
const COMMANDER: readonly Shape[] = shapes([
  [/^unknown option '(?<option>.+)'$/, 'commander.unknownOption'],
  [/^unknown command '(?<command>.+)'$/, 'commander.unknownCommand'],
  [/^option '(?<option>.+)' argument missing$/, 'commander.optionMissingArgument'],
  [/^required option '(?<option>.+)' not specified$/, 'commander.missingMandatoryOptionValue'],
  [/^missing required argument '(?<argument>.+)'$/, 'commander.missingArgument'],
  [/^too many arguments(?<forCommand>(?: for '.+')?)\. Expected (?<count>\d+) arguments? but got (?<got>\d+)\.$/, 'commander.excessArguments'],
  [/^option '(?<option>[^']+)' argument '(?<value>.*)' is invalid\. Allowed choices are (?<choices>.*)\.$/, 'commander.invalidChoice'],
  [/^option '(?<option>[^']+)' argument '(?<value>.*)' is invalid\. (?<reason>.*)$/, 'commander.invalidArgument'],
  [/^(?<option>.+) cannot be used with (?<other>.+)$/, 'commander.conflictingOption'],
]);

/** A refusal's sentence by shape (commands/audit.ts); one no shape knows, as the ledger wrote it. */
export const refusalSentence = (tag: string, sentence: string): string => say(BY_TAG[tag] ?? [], sentence) ?? sentence;

type Revision = Extract<LedgerFailure, { _tag: 'TargetRevisionRefused' }>['revisions'][number];
const revisionText = (r: Revision): string =>
  sayFields('refusal.targetRevision.item', { metric: r.metric, change: r.change, from: r.from, to: r.to, count: r.reports });

/** A signing refusal's fields said in the reader's language: a key's reason, and a damaged record's why (its `damage`). */
const signingFields = (fields: ReasonFields): ReasonFields => {
  const said = typeof fields.reason === 'string' ? { ...fields, reason: keyReason(fields.reason) } : fields;
  return typeof said.damage === 'string' ? { ...said, damage: sayFields(`refusal.signingDamage.${said.damage}` as MessageKey, said) } : said;
};

/** A ledger failure's first line in the reader's language: by its code where it has one. */
export const refusalOf = (f: LedgerFailure): string => {
  if (f._tag === 'TargetRevisionRefused') return t('refusal.targetRevision', { revisions: f.revisions.map(revisionText).join(t('note.separator')) });
  if (f._tag === 'InvalidFigure' || f._tag === 'InvalidInput') return fieldRefusal(f.field, f.reason);
  if (f._tag === 'BrokenChain') return reasonSentence(f.code, { ...f.fields, reason: chainReason(f.reason) });
  if (f._tag === 'KeyEventRefused' || f._tag === 'SigningRecordDamaged') return reasonSentence(f.code, signingFields(f.fields));
  if ('code' in f) return reasonSentence(f.code, f.fields);
  if (f._tag === 'ProjectionFailed' || f._tag === 'StoreUnavailable') return projectionReason(f.message.split('\n')[0]!);
  return f.message.split('\n')[0]!;
};

/** A refused field's value: `--value: "abc" must be a decimal number…`, the reason in the reader's language. */
export const fieldRefusal = (option: string, reason: string): string => t('refusal.field', { option, reason: say(REASONS, reason) ?? reason });

/** Commander's one-line error (unknown option, missing argument…) in the reader's language. */
export const commanderRefusal = (line: string): string => say(COMMANDER, line) ?? line;
