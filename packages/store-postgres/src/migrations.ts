import { rowLeaf, treeEdge } from '@minsheng/event-store';
import type { Pool, PoolClient } from 'pg';
import { EVENT_COLUMNS, storedRowOf, type PgArrayRow } from './event-rows';
import { ledgerNames, type LedgerNames } from './names';
import { inTransaction } from './transaction';

/*
 * The ledger's schema, versioned in minsheng_migrations. A migration is only ever added,
 * never edited: databases in the field were built by the old text. All of a migration
 * run is one transaction (PostgreSQL DDL is transactional), so a failed run leaves the
 * database as it was.
 */

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: (n: LedgerNames) => string;
  /** Work in JS after `sql`, in the same transaction (computing what SQL cannot), then `finish`. */
  readonly run?: (client: PoolClient, n: LedgerNames, progress?: MigrationProgress) => Promise<void>;
  readonly finish?: (n: LedgerNames) => string;
}

/** Told of a long migration's work as it goes: the migration, events done, events in all. */
export type MigrationProgress = (p: { readonly version: number; readonly done: number; readonly total: number }) => void;

/** Rows a page of the Merkle backfill reads and updates. */
const TREE_PAGE = 5000;

/**
 * Gives every event its Merkle leaf and the nodes it completes (schema 5), from position 1 up,
 * a page at a time: the leaf is computed from the row's content as its hash covers it (RFC 9162
 * leaf hashing, event-store's rowLeaf), the nodes from the tree's right edge (tree-columns.ts).
 * Before this version the tree was computed from the log on every read, so this is what every
 * proof and checkpoint already committed to. The append-only trigger is set aside for this
 * transaction's UPDATE only (ALTER TABLE holds the table's exclusive lock until COMMIT).
 */
const backfillTree = async (client: PoolClient, n: LedgerNames, progress?: MigrationProgress): Promise<void> => {
  const edge = treeEdge();
  const total = Number((await client.query<{ n: string }>(`SELECT coalesce(max(position), 0) AS n FROM ${n.events}`)).rows[0]!.n);
  await client.query(`ALTER TABLE ${n.events} DISABLE TRIGGER events_append_only`);
  for (let after = 0, index = 0; ; ) {
    const { rows } = (await client.query({
      text: `SELECT ${EVENT_COLUMNS} FROM ${n.events} e WHERE e.position > $1 ORDER BY e.position LIMIT ${TREE_PAGE}`,
      values: [after],
      rowMode: 'array',
    })) as { rows: PgArrayRow[] };
    if (rows.length === 0) break;
    const positions: number[] = [];
    const leaves: Buffer[] = [];
    const nodes: Array<Buffer | null> = [];
    for (const a of rows) {
      const row = storedRowOf(a);
      // Positions are dense (the insert trigger sees to it); a gap would shift every later leaf.
      if (row.position !== index + 1) throw new Error(`migration 5: the log has no event at position ${index + 1} (the next is ${row.position}); repair the log first`);
      const leaf = rowLeaf(row);
      positions.push(row.position);
      leaves.push(leaf);
      nodes.push(edge.nodesOf(index, leaf));
      index += 1;
    }
    await client.query(
      `UPDATE ${n.events} e SET leaf = u.leaf, nodes = u.nodes FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) AS u(position, leaf, nodes)
       WHERE e.position = u.position`,
      [positions, leaves, nodes],
    );
    after = positions[positions.length - 1]!;
    progress?.({ version: 5, done: after, total });
  }
  await client.query(`ALTER TABLE ${n.events} ENABLE TRIGGER events_append_only`);
};

/**
 * The statement-level insert check (schema 3 on): each new row follows the row at the position
 * before it (the genesis hash for position 1), linked to its hash and not an older hash version,
 * and no row already there lies after the first new one. `create` and `settings` open the
 * function; `predecessors` joins each new row `n` to the row before it as `p`: the one thing
 * schema 4 changed.
 */
const checkEventsInsert = (n: LedgerNames, create: string, settings: string, predecessors: string): string => `      ${create} ${n.quotedSchema}.check_events_insert() RETURNS trigger
      LANGUAGE plpgsql ${settings} AS $body$
      DECLARE
        first_new bigint;
        bad bigint;
      BEGIN
        SELECT min(position) INTO first_new FROM new_rows;
        IF first_new IS NULL THEN
          RETURN NULL;
        END IF;
        SELECT n.position INTO bad
${predecessors}          WHERE CASE WHEN n.position = 1 THEN n.prev_hash IS DISTINCT FROM repeat('0', 64)
                ELSE p.position IS NULL OR n.prev_hash IS DISTINCT FROM p.hash OR n.hash_version < p.hash_version END
          ORDER BY n.position LIMIT 1;
        IF bad IS NULL AND (SELECT count(*) FROM ${n.events} WHERE position >= first_new) <> (SELECT count(*) FROM new_rows) THEN
          bad := first_new;
        END IF;
        IF bad IS NOT NULL THEN
          RAISE EXCEPTION 'events are append-only: an insert must add the next event, linked to the last one (position %, head %)',
            bad, (SELECT coalesce(max(e.position), 0) FROM ${n.events} e WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.position = e.position));
        END IF;
        RETURN NULL;
      END
      $body$;
`;

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events log with hash chain, streams revisions, append-only trigger',
    // data and metadata are TEXT holding canonical JSON: the exact bytes the hash covers.
    // JSONB would reorder keys, normalise numbers and refuse \u0000, and the chain would
    // no longer verify. COLLATE "C": ids and stream names compare as bytes, whatever the
    // database's locale.
    sql: (n) => `
      CREATE TABLE ${n.events} (
        position       bigint      NOT NULL,
        stream         text        COLLATE "C" NOT NULL,
        revision       bigint      NOT NULL,
        event_id       text        COLLATE "C" NOT NULL,
        type           text        NOT NULL,
        schema_version integer     NOT NULL,
        data           text        NOT NULL,
        metadata       text        NOT NULL,
        prev_hash      text        NOT NULL,
        hash           text        NOT NULL,
        stored_at      timestamptz NOT NULL,
        CONSTRAINT events_pkey PRIMARY KEY (position),
        CONSTRAINT events_event_id UNIQUE (event_id),
        CONSTRAINT events_stream_revision UNIQUE (stream, revision),
        CONSTRAINT events_position_positive CHECK (position >= 1),
        CONSTRAINT events_revision_not_negative CHECK (revision >= 0),
        CONSTRAINT events_schema_version_positive CHECK (schema_version >= 1)
      );
      CREATE TABLE ${n.streams} (
        stream   text   COLLATE "C" NOT NULL,
        revision bigint NOT NULL,
        CONSTRAINT streams_pkey PRIMARY KEY (stream),
        CONSTRAINT streams_revision_not_negative CHECK (revision >= 0)
      );
      CREATE FUNCTION ${n.quotedSchema}.refuse_event_change() RETURNS trigger
      LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING HINT = 'A correction is a new event. Only a deliberate ALTER TABLE ... DISABLE TRIGGER by the table owner lets a change through.';
      END
      $body$;
      CREATE TRIGGER events_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON ${n.events}
        FOR EACH STATEMENT EXECUTE FUNCTION ${n.quotedSchema}.refuse_event_change();
      REVOKE ALL ON ${n.events}, ${n.streams}, ${n.migrations} FROM PUBLIC;
    `,
  },
  {
    version: 2,
    name: 'hash v2 (position and stored_at) with a hash_version per row; insert trigger checks position and link',
    // Rows already stored keep version 1: their hash covers what it covered when written.
    // The trigger runs per row, so a multi-row INSERT sees the rows it inserted before (the
    // function is VOLATILE): each row must be the next position, link to the head's hash and
    // not go back to an older hash version. It runs as the inserting role, which may read events.
    sql: (n) => `
      ALTER TABLE ${n.events}
        ADD COLUMN hash_version smallint NOT NULL DEFAULT 1,
        ADD CONSTRAINT events_hash_version_known CHECK (hash_version IN (1, 2));
      CREATE FUNCTION ${n.quotedSchema}.check_event_insert() RETURNS trigger
      LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
      DECLARE
        head_position bigint;
        head_hash text;
        head_version smallint;
      BEGIN
        SELECT position, hash, hash_version INTO head_position, head_hash, head_version
          FROM ${n.events} ORDER BY position DESC LIMIT 1;
        IF NOT FOUND THEN
          head_position := 0;
          head_hash := repeat('0', 64);
          head_version := 1;
        END IF;
        IF NEW.position IS DISTINCT FROM head_position + 1 OR NEW.prev_hash IS DISTINCT FROM head_hash
           OR NEW.hash_version < head_version THEN
          RAISE EXCEPTION 'events are append-only: an insert must add the next event, linked to the last one (position %, head %)',
            NEW.position, head_position;
        END IF;
        RETURN NEW;
      END
      $body$;
      CREATE TRIGGER events_insert_at_head
        BEFORE INSERT ON ${n.events}
        FOR EACH ROW EXECUTE FUNCTION ${n.quotedSchema}.check_event_insert();
    `,
  },
  {
    version: 3,
    name: 'insert trigger checks the rows of a statement at once',
    // The same rule as version 2, checked once a statement over the rows it inserted (a
    // transition table) instead of once a row: a batch of 100 paid a function call and a
    // query per row, 4–8 ms of a 10–15 ms INSERT (docs/performance.md). Each new row must
    // follow the row at the position before it (the genesis hash for position 1): linked to
    // its hash, not an older hash version; and no row that was there before may lie after the
    // first new one. A failing statement inserts nothing, as before.
    sql: (n) => `
      DROP TRIGGER events_insert_at_head ON ${n.events};
      DROP FUNCTION ${n.quotedSchema}.check_event_insert();
${checkEventsInsert(n, 'CREATE FUNCTION', 'SET search_path = pg_catalog', `          FROM new_rows n LEFT JOIN ${n.events} p ON p.position = n.position - 1
`)}      CREATE TRIGGER events_insert_at_head
        AFTER INSERT ON ${n.events} REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION ${n.quotedSchema}.check_events_insert();
    `,
  },
  {
    version: 4,
    name: 'insert trigger finds the rows before the new ones by primary key, whatever the statistics',
    // The same rule as version 3. Its join of the new rows to the events before them has no
    // parameter, so PL/pgSQL plans it once a connection and keeps the plan until the table is
    // analyzed: planned while the log was small, it scanned the whole table on every insert
    // (the province bench, 90,000 events in: 980 sequential scans that read 46 million rows,
    // appends down from 6,600 to 2,500 events/s as the log grew, and no autoanalyze yet). Now
    // each new row's predecessor is a primary-key lookup per row (LATERAL … OFFSET 0 keeps the
    // planner from turning it back into a join), and the function runs with sequential scans
    // off, so no plan made on a small table can scan a large one.
    sql: (n) => `
${checkEventsInsert(n, 'CREATE OR REPLACE FUNCTION', 'SET search_path = pg_catalog SET enable_seqscan = off', `          FROM new_rows n LEFT JOIN LATERAL (
            SELECT e.position, e.hash, e.hash_version FROM ${n.events} e WHERE e.position = n.position - 1 OFFSET 0
          ) p ON true
`)}    `,
  },
  {
    version: 5,
    name: 'Merkle leaf and nodes in the event row (leaf, nodes); merkle_sizes records the size the tree reached',
    // The SQLite layout (schema 5 there): a leaf in its event's row, each node from level 1 up a
    // 32-byte slot of the row whose leaf completed it (event-store's tree-columns.ts), written by
    // the append in the same statement as the row. A proof reads a few rows by primary key
    // instead of the whole log. merkle_sizes gets a row an append (the size after it): a log cut
    // at its head, or a row slipped in by hand, no longer matches it, and appends are refused.
    // leaf stays nullable, as in SQLite: a row slipped in by hand has none, and verify
    // --checkpoint names it (the tree never recorded it).
    sql: (n) => `
      ALTER TABLE ${n.events} ADD COLUMN leaf bytea, ADD COLUMN nodes bytea;
      CREATE TABLE ${n.merkleSizes} (
        size bigint NOT NULL,
        CONSTRAINT merkle_sizes_pkey PRIMARY KEY (size),
        CONSTRAINT merkle_sizes_not_negative CHECK (size >= 0)
      );
      CREATE TRIGGER merkle_sizes_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON ${n.merkleSizes}
        FOR EACH STATEMENT EXECUTE FUNCTION ${n.quotedSchema}.refuse_event_change();
      REVOKE ALL ON ${n.merkleSizes} FROM PUBLIC;
    `,
    run: backfillTree,
    finish: (n) => `
      ALTER TABLE ${n.events}
        ADD CONSTRAINT events_leaf_hash CHECK (leaf IS NULL OR length(leaf) = 32),
        ADD CONSTRAINT events_nodes_hashes CHECK (nodes IS NULL OR (length(nodes) > 0 AND length(nodes) % 32 = 0));
      INSERT INTO ${n.merkleSizes} (size) SELECT coalesce(max(position), 0) FROM ${n.events};
      -- Each role that may read or append events may read or record the tree's size: the roles
      -- granted before this version (roles.ts) go on appending without their grants run again.
      DO $grants$
      DECLARE g record;
      BEGIN
        FOR g IN SELECT DISTINCT grantee, privilege_type FROM information_schema.role_table_grants
          WHERE table_schema = '${n.schema}' AND table_name = 'events' AND privilege_type IN ('SELECT', 'INSERT')
            AND grantee NOT IN ('PUBLIC', current_user) LOOP
          EXECUTE format('GRANT %s ON %s TO %I', g.privilege_type, '${n.merkleSizes}', g.grantee);
        END LOOP;
      END
      $grants$;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The database's ledger schema is not the one this build reads and writes. Nothing was changed. */
export class PostgresSchemaError extends Error {
  override readonly name = 'PostgresSchemaError';
  constructor(
    readonly schema: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      found > known
        ? `the ledger in schema "${schema}" has schema version ${found}, written by a newer @minsheng/store-postgres; ` +
            `this build knows versions up to ${known}. Upgrade minsheng before opening this ledger (it was left untouched).`
        : `the ledger in schema "${schema}" has schema version ${found} and this build needs ${known}; ` +
            `run \`minsheng migrate\` (or migrate(pool)) as the schema's owner first.`,
    );
  }
}

export interface MigrationReport {
  readonly schema: string;
  /** The version found before the run (0: no ledger in this schema yet). */
  readonly from: number;
  readonly to: number;
  readonly applied: readonly { readonly version: number; readonly name: string }[];
}

type Queryable = Pick<Pool, 'query'> | PoolClient;

/** The ledger schema version in `schema`, 0 when there is none. Reads only: needs no privilege beyond SELECT. */
export const schemaVersion = async (db: Queryable, schema?: string): Promise<number> => {
  const n = ledgerNames(schema);
  const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [n.migrations]);
  if (!rows[0]!.exists) return 0;
  const found = await db.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${n.migrations}`);
  return found.rows[0]!.version ?? 0;
};

/**
 * Brings the ledger in `schema` (default "minsheng") to the latest version, in one
 * transaction under an advisory lock, so processes opening a fresh database at once
 * create it once. A database already current is only read, so a role without DDL rights
 * can open it. Throws PostgresSchemaError if the database is newer than this build.
 */
export const migrate = async (
  pool: Pool,
  options: {
    readonly schema?: string;
    /** Tests of old databases: stop at this version. */
    readonly target?: number;
    /** Told of a long step's work as it goes (schema 5 gives every event its Merkle leaf: minutes at 10 million). */
    readonly progress?: MigrationProgress;
  } = {},
): Promise<MigrationReport> => {
  const n = ledgerNames(options.schema);
  const target = options.target ?? LATEST_SCHEMA_VERSION;
  const before = await schemaVersion(pool, n.schema);
  if (before > LATEST_SCHEMA_VERSION) throw new PostgresSchemaError(n.schema, before, LATEST_SCHEMA_VERSION);
  if (before >= target) return { schema: n.schema, from: before, to: before, applied: [] };

  return inTransaction(pool, `BEGIN; SELECT pg_advisory_xact_lock(${n.migrateLock})`, async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${n.quotedSchema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${n.migrations} (
      version    integer     NOT NULL PRIMARY KEY,
      name       text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Another process may have migrated while this one waited for the lock.
    const current = await schemaVersion(client, n.schema);
    if (current > LATEST_SCHEMA_VERSION) throw new PostgresSchemaError(n.schema, current, LATEST_SCHEMA_VERSION);
    const applied: { version: number; name: string }[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > target) continue;
      await client.query(m.sql(n));
      if (m.run) await m.run(client, n, options.progress);
      if (m.finish) await client.query(m.finish(n));
      await client.query(`INSERT INTO ${n.migrations} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push({ version: m.version, name: m.name });
    }
    return { schema: n.schema, from: current, to: Math.max(current, target), applied };
  });
};

/** The migrations applied to the ledger in `schema`, oldest first. */
export const appliedMigrations = async (
  pool: Pick<Pool, 'query'>,
  schema?: string,
): Promise<{ version: number; name: string; appliedAt: Date }[]> => {
  const n = ledgerNames(schema);
  const { rows } = await pool.query(`SELECT version, name, applied_at AS "appliedAt" FROM ${n.migrations} ORDER BY version`);
  return rows;
};
