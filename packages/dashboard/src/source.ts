import type { PlanFrame } from '@minsheng/core';
import type { AuditQuery, Ledger, LedgerFailure, StatusQuery } from '@minsheng/ledger';
import type { AuditTrail, UnitViewRow, View } from '@minsheng/projections';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';

/** What the dashboard reads: the ledger's queries over its read model (SQLite or PostgreSQL). It never writes. */
export type DashboardSource = Pick<Ledger, 'plan' | 'plans' | 'status' | 'audit'>;

/** A query the ledger answered with a failure: the request's fault (400) or the storage's (500). */
export class QueryRefused extends Error {
  override readonly name = 'QueryRefused';
  constructor(
    readonly failure: LedgerFailure,
    readonly statusCode: number,
  ) {
    super(failure.message.split('\n')[0]);
  }
}

/** Failures of the storage, not of what was asked. */
const SERVER_SIDE = new Set(['ProjectionFailed', 'ReadModelMismatch', 'StoreUnavailable', 'BrokenChain', 'CorruptEvent', 'ConcurrencyError']);

const run = async <A>(te: TaskEither<LedgerFailure, A>): Promise<A> => {
  const r = await te();
  if (isLeft(r)) throw new QueryRefused(r.left, SERVER_SIDE.has(r.left._tag) ? 500 : 400);
  return r.right;
};

export interface Queries {
  plan(planId?: string): Promise<PlanFrame>;
  plans(): Promise<PlanFrame[]>;
  status(q: StatusQuery): Promise<View | View<UnitViewRow>>;
  audit(q: AuditQuery): Promise<AuditTrail>;
}

/**
 * The ledger's queries, one at a time: a query may first bring the read model up to date
 * (inline projection), and two catch-ups at once on one connection would contend for it.
 */
export const queriesOf = (source: DashboardSource): Queries => {
  let last: Promise<unknown> = Promise.resolve();
  const queued = <A>(f: () => Promise<A>): Promise<A> => {
    const next = last.then(f, f);
    last = next.catch(() => undefined);
    return next;
  };
  return {
    plan: (planId) => queued(() => run(source.plan(planId))),
    plans: () => queued(() => run(source.plans())),
    status: (q) => queued(() => run(source.status(q))),
    audit: (q) => queued(() => run(source.audit(q))),
  };
};
