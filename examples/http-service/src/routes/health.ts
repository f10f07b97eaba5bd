import type { EventStore } from '@minsheng/event-store';
import { LEDGER_INDEX, type ReadModelReader } from '@minsheng/projections';
import type { FastifyInstance } from 'fastify';
import { isLeft } from 'fp-ts/Either';

/**
 * GET /health: 200 with the head of the event log and each projection's checkpoint, owner
 * and lag (events recorded but not yet indexed); 503 when the database cannot be reached.
 * `lag` is the ledger index's: 0 means /status and /audit show every recorded event.
 */
export const healthRoutes = (app: FastifyInstance, store: EventStore, reader: ReadModelReader): void => {
  app.get('/health', async (req, reply) => {
    try {
      // Checkpoints first, then the head: read in this order the lag is never negative.
      const projections = await reader.projections();
      const head = await store.headPosition()();
      if (isLeft(head)) throw new Error(head.left.message);
      const checkpoint = projections.find((p) => p.projection === LEDGER_INDEX)?.checkpoint ?? 0;
      return {
        status: 'ok',
        head: head.right,
        lag: head.right - checkpoint,
        projections: projections.map((p) => ({ ...p, lag: Math.max(0, head.right - p.checkpoint) })),
      };
    } catch (err) {
      req.log.error(err);
      return reply.code(503).send({ status: 'unavailable', error: 'StoreUnavailable', message: err instanceof Error ? err.message : String(err) });
    }
  });
};
