import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on one borrowed connection inside BEGIN ... COMMIT (or ROLLBACK when
 * `commit` says so, or when anything throws). A connection that breaks meanwhile is
 * destroyed, not returned to the pool; its 'error' event is caught here, since pg-pool
 * listens only to idle connections and an unheard 'error' would end the process.
 * `engine` marks failures of pg itself (the store turns them into StoreUnavailable). `begin`
 * may hold more statements; `work` gets what pg answered for them (an array of results when
 * there are several).
 */
export const inTransaction = async <T>(
  pool: Pool,
  begin: string,
  work: (client: PoolClient, begun: unknown) => Promise<T>,
  options: { readonly commit?: (result: T) => boolean; readonly engine?: <R>(p: Promise<R>) => Promise<R> } = {},
): Promise<T> => {
  const { commit = () => true, engine = <R>(p: Promise<R>) => p } = options;
  const client = await engine(pool.connect());
  let broken: Error | undefined;
  const onError = (err: Error) => (broken = err);
  client.on('error', onError);
  try {
    const begun: unknown = await engine(client.query(begin));
    const result = await work(client, begun);
    await engine(client.query(commit(result) ? 'COMMIT' : 'ROLLBACK'));
    return result;
  } catch (err) {
    if (!broken) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    // A broken connection keeps the listener: it is being destroyed and may still report.
    if (!broken) client.off('error', onError);
    client.release(broken ?? false);
  }
};
