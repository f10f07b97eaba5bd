import type { Database, Statement } from 'better-sqlite3';

/*
 * An append's Merkle nodes, written with multi-row INSERTs. One row a statement costs a call
 * into better-sqlite3, a step and a reset, and a result object, for each row: a node took 2.9 µs
 * of CPU that way and 0.7–1.1 µs in statements of 25–100 rows (measured alone, in a transaction
 * rolled back). Statements are prepared on first use for each row count up to MAX_ROWS and
 * kept, so a batch of 100 events (about 100 nodes) runs two. Event rows stay one a statement:
 * their INSERT is 14 µs a row, nearly all of it SQLite's (the insert trigger, two indexes), and
 * took as long in statements of 64 rows.
 */

/** Rows in one statement at most: 192 bound values. */
const MAX_ROWS = 64;

const NODE_COLUMNS = 3;

/**
 * Writes Merkle nodes given as flat (level, index, hash) triples, in the order they were
 * completed, in statements of up to MAX_ROWS rows.
 */
export const merkleNodeWriter = (db: Database): ((triples: readonly unknown[]) => void) => {
  const prepared: Array<Statement<unknown[]> | undefined> = [];
  const insertNodes = (n: number) =>
    (prepared[n] ??= db.prepare(`INSERT INTO merkle_nodes (level, idx, hash) VALUES ${new Array<string>(n).fill('(?, ?, ?)').join(', ')}`) as Statement<unknown[]>);
  return (triples) => {
    const count = triples.length / NODE_COLUMNS;
    for (let from = 0; from < count; from += MAX_ROWS) {
      const n = Math.min(MAX_ROWS, count - from);
      insertNodes(n).run(from === 0 && n === count ? (triples as unknown[]) : triples.slice(from * NODE_COLUMNS, (from + n) * NODE_COLUMNS));
    }
  };
};
