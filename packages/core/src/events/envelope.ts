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
 * `prevHash`, the hash of the event before it in the global log.
 */
export interface StoredEvent<D = unknown> extends EventEnvelope<D> {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly prevHash: string;
  readonly hash: string;
}
