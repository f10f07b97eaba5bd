import type { Ledger } from '@minsheng/ledger';
import type { FastifyInstance } from 'fastify';
import { isLeft } from 'fp-ts/Either';
import { sendFailure } from '../errors';
import { StatusQuery } from '../schemas';
import { validate } from '../validate';

/**
 * GET /status?groupBy=task|district|unit&place=&responsibleUnit=&asOf=&knownAt=&planId=
 * (`by` and `unit` are deprecated aliases of groupBy and responsibleUnit.)
 * The view as of an effective date (asOf) and as the ledger knew it at a time (knownAt).
 * It reads the read model, so it shows what the projection worker has indexed (see /health).
 */
export const statusRoutes = (app: FastifyInstance, ledger: Ledger): void => {
  app.get('/status', async (req, reply) => {
    const query = validate(StatusQuery, req.query, 'the query');
    if (isLeft(query)) return sendFailure(reply, query.left);
    const view = await ledger.status(query.right)();
    return isLeft(view) ? sendFailure(reply, view.left) : view.right;
  });
};
