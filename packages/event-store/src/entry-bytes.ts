import type { CanonicalEvent } from '@minsheng/core';

/*
 * The bytes an append hashes for each event, written piece by piece into one scratch buffer:
 * 0x00 (the Merkle leaf's prefix), then the entry text `${prevHash}\n${canonicalContentV2(...)}`
 * (core's hash.ts) in UTF-8. Building the text as one string and encoding it cost about 4 µs an
 * event (the joined string is flattened, then encoded, then dropped); this about 1.5 µs and no
 * garbage. The pieces meet at ASCII characters, so encoding them apart gives the bytes that
 * encoding the whole text gives (stored-row.unit.test.ts compares the two on awkward events).
 */

let scratch = Buffer.allocUnsafe(1 << 16);

/** UTF-8 takes at most 3 bytes a UTF-16 unit. */
const ensure = (units: number): void => {
  if (units * 3 + 1 > scratch.length) scratch = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(units * 3 + 1)));
};

/**
 * 0x00 ‖ the entry's UTF-8 bytes: a view of a buffer the next call overwrites, so hash it
 * before anything else writes an entry.
 */
export const prefixedEntry = (prevHash: string, stream: string, revision: number, position: number, storedAt: string, e: CanonicalEvent): Buffer => {
  const eventId = JSON.stringify(e.eventId);
  const streamText = JSON.stringify(stream);
  const type = JSON.stringify(e.type);
  const tail = `,"position":${position},"revision":${revision},"schemaVersion":${e.schemaVersion},"storedAt":${JSON.stringify(storedAt)},"stream":${streamText},"type":${type}}`;
  ensure(prevHash.length + e.data.length + e.metadata.length + eventId.length + tail.length + 40);
  const b = scratch;
  b[0] = 0;
  let at = 1;
  at += b.write(prevHash, at, 'utf8');
  at += b.write('\n{"data":', at, 'utf8');
  at += b.write(e.data, at, 'utf8');
  at += b.write(',"eventId":', at, 'utf8');
  at += b.write(eventId, at, 'utf8');
  at += b.write(',"metadata":', at, 'utf8');
  at += b.write(e.metadata, at, 'utf8');
  at += b.write(tail, at, 'utf8');
  return b.subarray(0, at);
};
