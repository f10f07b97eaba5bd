import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { auditRoutes } from './routes/audit';
import { healthRoutes } from './routes/health';
import { planRoutes } from './routes/plans';
import { reportRoutes } from './routes/reports';
import { statusRoutes } from './routes/status';
import type { Opened } from './open';

/** The HTTP routes over an opened ledger. Errors fastify raises itself keep the `{ error, message }` shape. */
export const buildApp = (opened: Opened, options: FastifyServerOptions = {}): FastifyInstance => {
  const app = Fastify(options);
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) req.log.error(err);
    // A body that is not JSON, or too large, is the client's mistake: InvalidInput like any other.
    return reply.code(status).send({ error: status < 500 ? 'InvalidInput' : 'InternalError', message: status < 500 ? err.message : 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'NotFound', message: `no route ${req.method} ${req.url}` }));
  planRoutes(app, opened.ledger);
  reportRoutes(app, opened.ledger, opened.store);
  statusRoutes(app, opened.ledger);
  auditRoutes(app, opened.ledger);
  healthRoutes(app, opened.store, opened.readModel.reader);
  return app;
};
