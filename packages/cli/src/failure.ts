import type { LedgerFailure } from '@minsheng/ledger';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';

/** Exit status: 2 for bad usage or input the ledger refused, 1 for any other failure. */
export type ExitCode = 1 | 2;

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
]);

/** The option a refused field came from: asOf → --as-of; a source's note is given as --source. */
const optionOf = (field: string): string =>
  field === 'note' ? '--source' : `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export const fromLedgerFailure = (f: LedgerFailure): CliFailure => {
  // The figure checks are shared with plan files, where a decimal must be "written as a string"; on a command line it is.
  if (f._tag === 'InvalidFigure' || f._tag === 'InvalidInput')
    return usage(`${optionOf(f.field)}: ${f.reason.replace(' written as a string', '')}`);
  return new CliFailure(f.message.split('\n')[0]!, REFUSALS.has(f._tag) ? 2 : 1);
};

/** Runs a ledger call; its failure becomes the command's. */
export const unwrap = async <A>(te: TaskEither<LedgerFailure, A>): Promise<A> => {
  const r = await te();
  if (isLeft(r)) throw fromLedgerFailure(r.left);
  return r.right;
};
