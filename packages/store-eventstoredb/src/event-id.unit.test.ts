import { dirname } from 'node:path';
import { newEventId } from '@minsheng/core';
import { esdbEventId, idLinkId, nameUuid, streamLinkId, ulidToUuid, uuidToUlid } from './event-id';

// The ulid package is core's dependency, not ours: load it from core's folder to compare.
const coreDir = dirname(require.resolve('@minsheng/core'));
const ulid = require(require.resolve('ulid', { paths: [coreDir] })) as { ulidToUUID(id: string): string; uuidToULID(uuid: string): string; ulid(): string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('event ids: ULID ↔ UUID', () => {
  const ids = [
    '00000000000000000000000000',
    '7ZZZZZZZZZZZZZZZZZZZZZZZZZ',
    '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    '01J9ZQ4T3V6W8X0Y2Z4A6B8C0D',
    ...Array.from({ length: 200 }, () => newEventId()),
    ...Array.from({ length: 200 }, () => ulid.ulid()),
  ];

  it('maps every ULID to the UUID the ulid package gives (lowercase, as ESDB returns ids) and back', () => {
    for (const id of ids) {
      const uuid = ulidToUuid(id)!;
      expect(uuid).toMatch(UUID);
      expect(uuid).toBe(ulid.ulidToUUID(id).toLowerCase());
      expect(uuidToUlid(uuid)).toBe(id);
      expect(uuidToUlid(uuid.toUpperCase())).toBe(ulid.uuidToULID(uuid));
    }
  });

  it('keeps the extremes: all zero bits and all 128 bits set', () => {
    expect(ulidToUuid('00000000000000000000000000')).toBe('00000000-0000-0000-0000-000000000000');
    expect(ulidToUuid('7ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff');
    expect(uuidToUlid('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe('7ZZZZZZZZZZZZZZZZZZZZZZZZZ');
  });

  it('reads a lowercase ULID as the same 128 bits', () => {
    expect(ulidToUuid('01arz3ndektsv4rrffq69g5fav')).toBe(ulidToUuid('01ARZ3NDEKTSV4RRFFQ69G5FAV'));
  });

  it.each([[''], ['report-1'], ['8ZZZZZZZZZZZZZZZZZZZZZZZZZ'], ['01ARZ3NDEKTSV4RRFFQ69G5FA'], ['01ARZ3NDEKTSV4RRFFQ69G5FAI']])(
    'is not a ULID: %j',
    (bad) => expect(ulidToUuid(bad)).toBeNull(),
  );

  it('refuses what is not a UUID', () => {
    expect(uuidToUlid('not-a-uuid')).toBeNull();
    expect(uuidToUlid('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeNull();
  });

  it('gives other ids a stable name-based UUID (version 8, RFC variant), and ULIDs their own bits', () => {
    const a = esdbEventId('report-1');
    expect(a).toBe(esdbEventId('report-1'));
    expect(a).not.toBe(esdbEventId('report-2'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(esdbEventId('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe(ulid.ulidToUUID('01ARZ3NDEKTSV4RRFFQ69G5FAV').toLowerCase());
  });

  it('gives each event’s two links their own stable ids', () => {
    const id = newEventId();
    expect(new Set([esdbEventId(id), streamLinkId(id), idLinkId(id)]).size).toBe(3);
    expect(streamLinkId(id)).toBe(streamLinkId(id));
    expect(idLinkId(id)).toBe(nameUuid(`minsheng:id-link:${id}`));
  });
});
