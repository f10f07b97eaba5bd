import type { PlanInvalid } from '@minsheng/core';
import type { LedgerFailure } from '@minsheng/ledger';
import type { FastifyReply } from 'fastify';

/** What a route can fail with: a ledger failure, a plan that does not parse, or the service's own NotYetProjected. */
export type Failure = LedgerFailure | PlanInvalid | NotYetProjected;

/** The event exists, but the projection worker has not indexed it yet: retry shortly. */
export interface NotYetProjected {
  readonly _tag: 'NotYetProjected';
  readonly eventId: string;
  readonly message: string;
}

/**
 * HTTP status of a failure. A refusal of the caller's input is 4xx; a conflict a retry may
 * resolve is 409; the store or read model failing is 5xx (a broken hash chain, a read model the
 * log lost, and an event written whose projection failed among them: the body of the last names
 * the events written, so a client does not send it again).
 */
export const httpStatus = (f: Failure): number => {
  switch (f._tag) {
    case 'NotResponsible':
    case 'NotReportingUnit':
      return 403;
    case 'UnknownPlan':
    case 'UnknownTask':
    case 'UnknownMetric':
    case 'UnknownPlace':
    case 'UnknownUnit':
    case 'UnknownEvent':
      return 404;
    case 'InvalidFigure':
    case 'InvalidInput':
    case 'PlanInvalid':
      return 400;
    case 'ConcurrencyError':
    case 'AlreadyRetracted':
    case 'TargetRevisionRefused':
    case 'ModeRefused':
    case 'ClockBehindLedger':
      return 409;
    case 'NotYetProjected':
      return 503;
    default:
      return 500;
  }
};

/** `{ error, message }`, plus the field at fault or the plan's problems where there are some. */
export const failureBody = (f: Failure) => ({
  error: f._tag,
  message: f.message,
  ...('field' in f ? { field: f.field } : {}),
  ...(f._tag === 'PlanInvalid' ? { problems: f.problems.map(({ path, reason }) => ({ path, reason })) } : {}),
  ...(f._tag === 'WrittenButNotProjected' ? { written: f.written.map(({ eventId, position }) => ({ eventId, position })) } : {}),
});

export const sendFailure = (reply: FastifyReply, f: Failure): FastifyReply => {
  const status = httpStatus(f);
  if (f._tag === 'NotYetProjected') reply.header('retry-after', '1');
  else if (status >= 500) reply.log.error({ failure: f._tag }, f.message);
  return reply.code(status).send(failureBody(f));
};
