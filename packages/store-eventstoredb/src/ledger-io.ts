import {
  BACKWARDS,
  END,
  type EventData,
  type EventStoreDBClient,
  type ReadStreamOptions as EsdbReadOptions,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  checkHead,
  linkOf,
  NO_STREAM,
  storeUnavailable,
  type ChainLink,
  type CorruptEvent,
  type CurrentRevision,
  type ExpectedRevision,
  type LogHead,
  type StoredAt,
  type StoredRow,
} from '@minsheng/event-store';
import type { Either } from 'fp-ts/Either';
import { fromLinkedEvent, fromLogEvent, linkTo } from './codec';
import { isStreamNotFound, isWrongExpectedVersion, mapEsdbError, Refusal } from './errors';
import { idLinkId, streamLinkId } from './event-id';
import type { LedgerStreams } from './names';
import { toEsdbExpectedRevision } from './revision';

/** The last event of the log: where the next append goes, what it chains to and the times it may not go before. */
export interface LogTail extends LogHead {
  readonly stream: string;
  readonly revision: number;
}

/** Appends and lookups in flight at once when a batch needs one call per event. */
const PARALLEL = 32;

const inParallel = async <T>(items: readonly T[], f: (item: T) => Promise<void>): Promise<void> => {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(f));
};

/** A CorruptEvent where an append needs to read: the append cannot go on, so it is StoreUnavailable. */
const orUnavailable = <A>(e: Either<{ readonly message: string }, A>): A => {
  if (e._tag === 'Left') throw new Refusal(storeUnavailable(new Error(e.left.message)));
  return e.right;
};

/**
 * The reads and writes the store is made of, each one or a few client calls. Every client
 * failure leaves here as a Refusal carrying the mapped error. Reads the append decides on
 * ask for the leader, so a follower's lag can never make the append decide on old data.
 */
export const ledgerIo = (client: EventStoreDBClient, names: LedgerStreams) => {
  const read = async (stream: string, options: EsdbReadOptions): Promise<ResolvedEvent[]> => {
    const out: ResolvedEvent[] = [];
    try {
      for await (const e of client.readStream(stream, options)) out.push(e);
    } catch (err) {
      if (isStreamNotFound(err)) return [];
      throw new Refusal(mapEsdbError(err, stream));
    }
    return out;
  };

  /** Appends with an expected revision; 'conflict' when the stream is elsewhere (thrown or, with throwOnAppendFailure=false, returned). */
  const appendChecked = async (stream: string, events: EventData[], expected: ExpectedRevision): Promise<'written' | 'conflict'> => {
    try {
      const r = await client.appendToStream(stream, events, { expectedRevision: toEsdbExpectedRevision(expected) });
      return r.success ? 'written' : 'conflict';
    } catch (err) {
      if (isWrongExpectedVersion(err)) return 'conflict';
      throw new Refusal(mapEsdbError(err, stream, expected));
    }
  };

  const last = (stream: string) => read(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: true });

  const headPosition = async (): Promise<number> => {
    const [tail] = await read(names.log, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return tail?.event ? Number(tail.event.revision) + 1 : 0;
  };

  const logTail = async (): Promise<LogTail | null> => {
    const [tail] = await last(names.log);
    if (!tail?.event) return null;
    const row = orUnavailable(fromLogEvent(tail.event));
    // An append never chains onto a head whose hash does not match its content.
    const broken = checkHead(row);
    if (broken) throw new Refusal(broken);
    const { position, stream, revision, hash, storedAt } = row;
    const recordedAt = ((tail.event.metadata as { metadata?: { recordedAt?: unknown } }).metadata ?? {}).recordedAt;
    return { position, stream, revision, hash, storedAt, recordedAt: typeof recordedAt === 'string' ? recordedAt : null };
  };

  /** The links checked reads need: the log's events at these positions (those that are stored). */
  const linksAt = async (positions: readonly number[]): Promise<Map<number, ChainLink>> => {
    const links = new Map<number, ChainLink>();
    await inParallel(positions, async (position) => {
      const [e] = await read(names.log, { fromRevision: BigInt(position - 1), maxCount: 1 });
      const row = e?.event ? fromLogEvent(e.event) : null;
      if (row?._tag === 'Right' && row.right.position === position) links.set(position, linkOf(row.right));
    });
    return links;
  };

  /** The revision of the stream's last link: the stream's revision once its links are complete. */
  const linkedRevision = async (stream: string, leader = false): Promise<CurrentRevision> => {
    const [tail] = await read(names.stream(stream), { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: leader });
    const link = tail?.link ?? tail?.event;
    return link ? Number(link.revision) : NO_STREAM;
  };

  /** The event an id link leads to, if the id is stored. */
  const byId = async (eventId: string, leader = false): Promise<Either<CorruptEvent, StoredRow> | null> => {
    const [entry] = await read(names.id(eventId), { resolveLinkTos: true, maxCount: 1, requiresLeader: leader });
    return entry ? fromLinkedEvent(entry, names.log, { eventId }) : null;
  };

  const storedAt = async (eventIds: readonly string[]): Promise<Map<string, StoredAt>> => {
    const found = new Map<string, StoredAt>();
    await inParallel(eventIds, async (eventId) => {
      const row = await byId(eventId, true);
      if (!row) return;
      const { stream, revision, position } = orUnavailable(row);
      found.set(eventId, { eventId, stream, revision, position });
    });
    return found;
  };

  /**
   * Indexes events just written to the log: first one id link per event, then the stream's
   * links in one append at the exact revision. So complete stream links mean complete id
   * links, and a second writer repeating this (see settle) finds the work done.
   */
  const link = async (stream: string, first: number, events: readonly { readonly eventId: string; readonly position: number }[]): Promise<void> => {
    await inParallel(events, async ({ eventId, position }) => {
      await appendChecked(names.id(eventId), [linkTo(names.log, position, idLinkId(eventId))], NO_STREAM);
    });
    const links = events.map((e) => linkTo(names.log, e.position, streamLinkId(e.eventId)));
    if ((await appendChecked(names.stream(stream), links, first === 0 ? NO_STREAM : first - 1)) === 'written') return;
    const now = await linkedRevision(stream, true);
    if (now === NO_STREAM || now < first + events.length - 1)
      throw new Refusal(storeUnavailable(new Error(`the links of stream ${stream} end at ${String(now)}, which the log cannot explain`)));
  };

  /**
   * Completes the index for the log's last append if its writer stopped between the log
   * write and its links. Every append runs this before it decides, and only the last append
   * can be unlinked (its successor ran this first), so the index is whole up to the tail.
   */
  const settle = async (tail: LogTail): Promise<void> => {
    const linked = await linkedRevision(tail.stream, true);
    if (linked !== NO_STREAM && linked >= tail.revision) return;
    const first = linked === NO_STREAM ? 0 : linked + 1;
    const count = tail.revision - first + 1;
    const batch = await read(names.log, { direction: BACKWARDS, fromRevision: BigInt(tail.position - 1), maxCount: count, requiresLeader: true });
    const rows = batch.reverse().map((e) => orUnavailable(fromLogEvent(e.event!)));
    if (rows.length !== count || rows.some((r, i) => r.stream !== tail.stream || r.revision !== first + i))
      throw new Refusal(storeUnavailable(new Error(`the links of stream ${tail.stream} are behind the log by more than its last append`)));
    await link(tail.stream, first, rows);
  };

  return {
    read,
    appendChecked,
    headPosition,
    linksAt,
    logTail,
    linkedRevision,
    byId,
    storedAt,
    link,
    settle,
  };
};

export type LedgerIo = ReturnType<typeof ledgerIo>;
