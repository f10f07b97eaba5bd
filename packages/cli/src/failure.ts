import { projectionFailed, type LedgerFailure } from '@minsheng/ledger';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';

/**
 * Exit status: 2 for bad usage or input the ledger refused; 3 when the ledger fails an integrity
 * check (its hash chain is broken, an event fails its schema, or the read model applied events
 * the log no longer holds): nothing is served or built on it; 1 for any other failure.
 */
export type ExitCode = 1 | 2 | 3;

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

/** Failures of the ledger's integrity checks: exit 3. */
const INTEGRITY: ReadonlySet<string> = new Set(['BrokenChain', 'ReadModelMismatch']);

/** Refusals of what the user asked: exit 2. Store and read-model failures: exit 1. */
const REFUSALS: ReadonlySet<string> = new Set([
  'NotResponsible',
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

/** The option a refused field came from: asOf → --as-of. */
const optionOf = (field: string): string => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export const fromLedgerFailure = (f: LedgerFailure): CliFailure => {
  // The figure checks are shared with plan files, where a decimal must be "written as a string"; on a command line it is.
  if (f._tag === 'InvalidFigure' || f._tag === 'InvalidInput')
    return usage(`${optionOf(f.field)}: ${f.reason.replace(' written as a string', '')}`);
  if (f._tag === 'BrokenChain') return integrity(`${f.message}; nothing is read past it (run \`minsheng verify\`)`);
  return new CliFailure(f.message.split('\n')[0]!, REFUSALS.has(f._tag) ? 2 : INTEGRITY.has(f._tag) ? 3 : 1);
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
