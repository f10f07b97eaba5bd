import { loadConfig } from './config';
import { createService } from './service';

/** `node dist/server.js`: the HTTP service. DATABASE_URL is required; see README.md for the rest. */
const main = async () => {
  const config = loadConfig();
  const app = await createService(config, { logger: { level: process.env.LOG_LEVEL ?? 'info' } });
  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: closing`);
    await app.close();
    app.log.info('closed: requests finished, worker stopped, store and read model closed');
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
  app.log.info(`projection worker: ${config.worker === 'in-process' ? 'in this process' : 'run `node dist/worker.js` beside it'}`);
};

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
