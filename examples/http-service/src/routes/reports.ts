import type { EventStore } from '@minsheng/event-store';
import type { Ledger, ReportResult } from '@minsheng/ledger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isLeft } from 'fp-ts/Either';
import { sendFailure } from '../errors';
import { CorrectionBody, EventIdParams, ReportBody } from '../schemas';
import { validate } from '../validate';

const FIGURES = new Set(['ProgressReported', 'ProgressCorrected']);

const created = (reply: FastifyReply, r: ReportResult) =>
  reply.code(201).send({ eventId: r.eventId, position: r.position, stream: r.stream, task: r.task });

/**
 * POST /reports records a cumulative figure; POST /reports/:eventId/corrections records a
 * corrected figure for an earlier report. Both answer 201 with the new event's id and global
 * position; a refusal writes nothing and answers with the failure's tag and message.
 */
export const reportRoutes = (app: FastifyInstance, ledger: Ledger, store: EventStore): void => {
  app.post('/reports', async (req, reply) => {
    const body = validate(ReportBody, req.body, 'the report');
    if (isLeft(body)) return sendFailure(reply, body.left);
    const r = await ledger.report(body.right)();
    return isLeft(r) ? sendFailure(reply, r.left) : created(reply, r.right);
  });

  app.post('/reports/:eventId/corrections', async (req, reply) => {
    const params = validate(EventIdParams, req.params, 'the path');
    if (isLeft(params)) return sendFailure(reply, params.left);
    const body = validate(CorrectionBody, req.body, 'the correction');
    if (isLeft(body)) return sendFailure(reply, body.left);
    const { eventId } = params.right;
    const r = await ledger.correct({ ...body.right, eventId })();
    if (isLeft(r)) {
      // The ledger finds the report through the read model. A report the worker has not
      // indexed yet is not unknown: say so, and let the client retry.
      if (r.left._tag === 'UnknownEvent') {
        const stored = await store.readEvent(eventId)();
        if (!isLeft(stored) && stored.right !== null && FIGURES.has(stored.right.type))
          return sendFailure(reply, {
            _tag: 'NotYetProjected',
            eventId,
            message: `report ${eventId} is recorded but the projection worker has not indexed it yet; retry shortly`,
          });
      }
      return sendFailure(reply, r.left);
    }
    return created(reply, r.right);
  });
};
