import { Either, left, right } from 'fp-ts/Either';
import type { z } from 'zod';
import type { EventEnvelope } from './envelope';
import { MetadataSchema } from './metadata';
import { quickCheck } from './quick-check';

/** An event whose type, version, data or metadata does not match its schema. Nothing is written. */
export interface SchemaViolation {
  readonly _tag: 'SchemaViolation';
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly path: string;
  readonly reason: string;
  readonly message: string;
}

/** Turns the data of version `n` of an event type into version `n + 1`. */
export type Upcaster = (data: unknown) => unknown;

export interface EventTypeDef {
  readonly version: number;
  readonly schema: z.ZodType;
  /** upcasters[n] turns version n into n + 1. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

/**
 * Every store checks events through a registry: new events must be the current
 * version of a known type; stored events are upcast to the current version and
 * checked again on read, so a reader never sees a shape its code does not know.
 */
export interface EventRegistry {
  checkNew(e: EventEnvelope): Either<SchemaViolation, EventEnvelope>;
  upcast(e: EventEnvelope): Either<SchemaViolation, EventEnvelope>;
}

const violation = (e: EventEnvelope, path: string, reason: string): SchemaViolation => ({
  _tag: 'SchemaViolation',
  eventId: e.eventId,
  type: e.type,
  schemaVersion: e.schemaVersion,
  path,
  reason,
  message: `event ${e.eventId} (${e.type} v${e.schemaVersion}): ${path ? `${path}: ` : ''}${reason}`,
});

const firstIssue = (err: z.ZodError, prefix: string) => {
  const i = err.issues[0]!;
  return { path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), reason: i.message };
};

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const makeRegistry = (types: Readonly<Record<string, EventTypeDef>>): EventRegistry => {
  // Quick checks compiled from the same schemas (see quick-check.ts): a yes from them is zod's
  // yes; anything else goes to zod, which decides and names the reason.
  const quickData = new Map(Object.entries(types).map(([type, def]) => [type, quickCheck(def.schema)]));
  const quickMetadata = quickCheck(MetadataSchema);
  const check = (e: EventEnvelope): Either<SchemaViolation, EventEnvelope> => {
    if (typeof e.eventId !== 'string' || !ULID.test(e.eventId)) return left(violation(e, 'eventId', 'must be a ULID'));
    const def = types[e.type];
    if (!def) return left(violation(e, 'type', `unknown event type "${e.type}"`));
    if (quickData.get(e.type)?.(e.data) && quickMetadata?.(e.metadata)) return right(e);
    const data = def.schema.safeParse(e.data);
    if (!data.success) {
      const { path, reason } = firstIssue(data.error, 'data');
      return left(violation(e, path, reason));
    }
    const meta = MetadataSchema.safeParse(e.metadata);
    if (!meta.success) {
      const { path, reason } = firstIssue(meta.error, 'metadata');
      return left(violation(e, path, reason));
    }
    // The event schemas are strict and transform nothing, so a valid input is its own output:
    // keeping it spares a deep copy of every event read.
    return right(e);
  };
  return {
    checkNew(e) {
      const def = types[e.type];
      if (def && e.schemaVersion !== def.version)
        return left(violation(e, 'schemaVersion', `new ${e.type} events must be version ${def.version}`));
      return check(e);
    },
    upcast(e) {
      const def = types[e.type];
      if (!def) return left(violation(e, 'type', `unknown event type "${e.type}"`));
      if (!Number.isInteger(e.schemaVersion) || e.schemaVersion < 1 || e.schemaVersion > def.version)
        return left(violation(e, 'schemaVersion', `no version ${e.schemaVersion} of ${e.type} is known (current ${def.version})`));
      // The current version (nearly every event read) is checked as it is: no copy.
      if (e.schemaVersion === def.version) return check(e);
      let data = e.data;
      for (let v = e.schemaVersion; v < def.version; v++) {
        const up = def.upcasters?.[v];
        if (!up) return left(violation(e, 'schemaVersion', `no upcaster from ${e.type} v${v} to v${v + 1}`));
        data = up(data);
      }
      return check({ ...e, schemaVersion: def.version, data });
    },
  };
};
