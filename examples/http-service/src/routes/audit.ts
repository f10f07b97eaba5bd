import type { Ledger } from '@minsheng/ledger';
import type { FastifyInstance } from 'fastify';
import { isLeft } from 'fp-ts/Either';
import { sendFailure } from '../errors';
import { AuditQuery } from '../schemas';
import { validate } from '../validate';

/**
 * GET /audit?task=&metric=&place=&asOf=&knownAt=&planId=
 * The audit trail of one figure (the city's, or a place's): every event behind it, the
 * lineage of the value, and `replay.matches` — the value recomputed from the events.
 */
export const auditRoutes = (app: FastifyInstance, ledger: Ledger): void => {
  app.get('/audit', async (req, reply) => {
    const query = validate(AuditQuery, req.query, 'the query');
    if (isLeft(query)) return sendFailure(reply, query.left);
    const trail = await ledger.audit(query.right)();
    return isLeft(trail) ? sendFailure(reply, trail.left) : trail.right;
  });
};
