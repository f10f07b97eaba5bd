import { parsePlan } from '@minsheng/core';
import type { Ledger } from '@minsheng/ledger';
import type { FastifyInstance } from 'fastify';
import { isLeft } from 'fp-ts/Either';
import { sendFailure } from '../errors';

/**
 * POST /plans with a plan document (the format of seeds/harbin-2024.json). 201 when events
 * were written, 200 when the same plan was imported before (nothing written), 400 with every
 * problem of a plan that does not parse.
 */
export const planRoutes = (app: FastifyInstance, ledger: Ledger): void => {
  app.post('/plans', async (req, reply) => {
    const plan = parsePlan(req.body, 'request body');
    if (isLeft(plan)) return sendFailure(reply, plan.left);
    const r = await ledger.importPlan(plan.right)();
    if (isLeft(r)) return sendFailure(reply, r.left);
    return reply.code(r.right.written > 0 ? 201 : 200).send(r.right);
  });
};
