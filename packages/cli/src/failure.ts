import { projectionFailed, type LedgerFailure } from '@minsheng/ledger';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { fieldRefusal, refusalOf } from './refusals';
import { t } from './language';
import type { MessageKey, Values } from './messages';

/**
 * Exit status: 2 for bad usage or input the ledger refused; 3 when the ledger fails an integrity
 * check (its hash chain is broken, an event fails its schema, or the read model applied events
 * the log no longer holds): nothing is served or built on it; 4 when the command's events were
 * written but a later step (the read model's update, the completion check) failed; 1 for any
 * other failure. See docs/operations.md.
 */
export type ExitCode = 1 | 2 | 3 | 4;

/** The events are in the log; what failed came after. Running the command again would record them twice. */
export const WRITTEN_NOT_PROJECTED = 4;

/**
 * Why a command stopped. The CLI prints `minsheng: <message>` on stderr, then any
 * `details` lines (a plan's problems), and exits with `exitCode`. Thrown only to reach
 * the one place that prints it; expected failures inside the libraries stay Eithers.
 */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export const usage = (message: string, details: readonly string[] = []): CliFailure => new CliFailure(message, 2, details);
export const failed = (message: string): CliFailure => new CliFailure(message, 1);
export const integrity = (message: string): CliFailure => new CliFailure(message, 3);

/* The CLI's own refusals and failures, said from the catalogue in the reader's language. */
export const refusal = (key: MessageKey, values?: Values, details: readonly string[] = []): CliFailure => usage(t(key, values), details);
export const failure = (key: MessageKey, values?: Values): CliFailure => failed(t(key, values));
export const integrityFailure = (key: MessageKey, values?: Values): CliFailure => integrity(t(key, values));

/** Failures of the ledger's integrity checks: exit 3. */
const INTEGRITY: ReadonlySet<string> = new Set(['BrokenChain', 'ReadModelMismatch', 'SigningRecordDamaged']);

/** Refusals of what the user asked: exit 2. Store and read-model failures: exit 1. */
const REFUSALS: ReadonlySet<string> = new Set([
  'NotResponsible',
  'NotReportingUnit',
  'UnknownPlan',
  'UnknownTask',
  'UnknownMetric',
  'UnknownPlace',
  'UnknownUnit',
  'UnknownEvent',
  'InvalidFigure',
  'InvalidInput',
  'AlreadyRetracted',
  'DeadlineNotPassed',
  'ModeRefused',
  'ClockBehindLedger',
  'TargetRevisionRefused',
  'SignatureRefused',
  'KeyEventRefused',
]);

/** A read model whose tables were dropped or changed by hand: a rebuild from the events mends it. */
const READ_MODEL_DAMAGED = /UNIQUE constraint failed|no such table|no such column|duplicate key value|does not exist/;

/** The flags whose names differ from the ledger's fields (a source's note, the commands' `by` and `unit`). */
const FLAG_OF: Readonly<Record<string, string>> = { note: '--source', by: '--responsible-unit', unit: '--measure' };

/** The option a refused field came from: asOf → --as-of, responsibleUnit → --responsible-unit. */
const optionOf = (field: string): string => FLAG_OF[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export const fromLedgerFailure = (f: LedgerFailure): CliFailure => {
  if (f._tag === 'WrittenButNotProjected') {
    const [first, last] = [f.written[0]!, f.written[f.written.length - 1]!];
    const cause = refusalOf(f.cause);
    return new CliFailure(
      f.written.length === 1
        ? t('failure.writtenOne', { eventId: first.eventId, position: first.position, cause })
        : t('failure.writtenMany', { count: f.written.length, cause }),
      WRITTEN_NOT_PROJECTED,
      [
        ...(f.written.length > 1 ? [t('failure.written.positions', { from: first.position, to: last.position })] : []),
        t('failure.written.doNotRepeat'),
        t('failure.written.next'),
      ],
    );
  }
  // The figure checks are shared with plan files, where a decimal must be "written as a string"; on a command line it is.
  if (f._tag === 'InvalidFigure' || f._tag === 'InvalidInput')
    return usage(fieldRefusal(optionOf(f.field), f.reason.replace(' written as a string', '')));
  const message = refusalOf(f);
  if (f._tag === 'BrokenChain') return integrity(t('integrity.nothingReadPast', { sentence: message }));
  if (f._tag === 'ProjectionFailed' && READ_MODEL_DAMAGED.test(message)) return failure('failure.readModelDamaged', { reason: message });
  return new CliFailure(message, REFUSALS.has(f._tag) ? 2 : INTEGRITY.has(f._tag) ? 3 : 1);
};

/**
 * A projection's exception that is an integrity failure (a broken chain, a read model the log
 * lost), as the command's failure; null for any other (which a worker retries).
 */
export const integrityFailureOf = (e: unknown): CliFailure | null => {
  const f = projectionFailed(e);
  return INTEGRITY.has(f._tag) ? fromLedgerFailure(f) : null;
};

/** Runs a ledger call; its failure becomes the command's. */
export const unwrap = async <A>(te: TaskEither<LedgerFailure, A>): Promise<A> => {
  const r = await te();
  if (isLeft(r)) throw fromLedgerFailure(r.left);
  return r.right;
};
