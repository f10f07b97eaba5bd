import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from './app';
import type { Config } from './config';
import { openLedger } from './open';
import { startWorker } from './worker';

/**
 * Opens the ledger, builds the app and, with `worker: 'in-process'`, runs a projection
 * worker beside it (which also runs the completion policy: see startWorker). `app.close()` is the graceful shutdown: it stops taking requests, lets
 * those in flight finish, stops the worker, then closes the store and the read model.
 */
export const createService = async (config: Pick<Config, 'databaseUrl' | 'worker' | 'leaseMs' | 'pollMs'>, options: FastifyServerOptions = {}): Promise<FastifyInstance> => {
  const opened = await openLedger(config.databaseUrl);
  const app = buildApp(opened, options);
  const worker = config.worker === 'in-process' ? startWorker(opened, { leaseMs: config.leaseMs, pollMs: config.pollMs, log: (m) => app.log.info(m) }) : undefined;
  app.addHook('onClose', async () => {
    await worker?.stop();
    await opened.close();
  });
  return app;
};
