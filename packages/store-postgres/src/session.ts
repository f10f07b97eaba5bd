/*
 * The ledger's sessions run without parallel query. Its reads are lookups by key of a few rows
 * (a stream, an event, a page), but the planner judges a stream's size from statistics that a
 * log of many small streams misleads: a stream of 3 events was estimated at 1,556 rows, and
 * the plan gathered from parallel workers whose start took 20–30 ms of a read that took 0.9 ms
 * (audits of a district figure in the province bench: 25–35 ms the first time, 6–8 ms without).
 * Set as a startup option (pg's `options`, libpq's PGOPTIONS): no statement of its own, no round
 * trip.
 */

/** The startup options of a ledger's connection: no parallel query. */
export const LEDGER_SESSION_OPTIONS = '-c max_parallel_workers_per_gather=0';

/** `options` for a pool the ledger opens: the caller's PGOPTIONS, if set, then the ledger's own. */
export const ledgerSessionOptions = (env: NodeJS.ProcessEnv = process.env): string =>
  [env.PGOPTIONS, LEDGER_SESSION_OPTIONS].filter((o) => o !== undefined && o.trim() !== '').join(' ');
