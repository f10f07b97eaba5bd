import { z } from 'zod';

/** Everything the service and the worker read from the environment, checked once at start. */
export interface Config {
  readonly databaseUrl: string;
  readonly host: string;
  readonly port: number;
  /** `in-process`: the server runs a projection worker itself; `separate`: run `node dist/worker.js` beside it. */
  readonly worker: 'in-process' | 'separate';
  /** A worker that stops renewing its lease is replaced after this long. */
  readonly leaseMs: number;
  /** How often a caught-up worker looks for new events. */
  readonly pollMs: number;
}

const Env = z.object({
  DATABASE_URL: z.string({ error: 'is required: a PostgreSQL connection string, e.g. postgres://minsheng@localhost:5432/minsheng' }).min(1),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MINSHENG_WORKER: z.enum(['in-process', 'separate']).default('separate'),
  MINSHENG_LEASE_MS: z.coerce.number().int().positive().default(10_000),
  MINSHENG_POLL_MS: z.coerce.number().int().positive().default(200),
});

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return { databaseUrl: e.DATABASE_URL, host: e.HOST, port: e.PORT, worker: e.MINSHENG_WORKER, leaseMs: e.MINSHENG_LEASE_MS, pollMs: e.MINSHENG_POLL_MS };
};
