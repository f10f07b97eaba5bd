import type { Metadata } from './metadata';

/** An event as it is appended: id, type, schema version, data and metadata. */
export interface EventEnvelope<D = unknown> {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: D;
  readonly metadata: Metadata;
}

/**
 * An event as a store returns it. `revision` is the event's 0-based place in its stream;
 * `position` is its 1-based place in the global log, strictly increasing, and the only
 * position type checkpoints use. `hash` covers the event's canonical content and
 * `prevHash`, the hash of the event before it in the global log; from hash version 2 on
 * it also covers `position` and `storedAt` (see hash.ts).
 */
export interface StoredEvent<D = unknown> extends EventEnvelope<D> {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly prevHash: string;
  readonly hash: string;
  /** When the store wrote the event, by its own clock (ISO 8601). Every store returns it; events made by hand may omit it. */
  readonly storedAt?: string;
  /** The hash version the event was stored with; absent means 1 (see hash.ts). */
  readonly hashVersion?: number;
}
