import { createHash } from 'node:crypto';

/*
 * ESDB identifies events by UUID; ours are ULIDs. Both are 128 bits, so a ULID maps to
 * exactly one UUID and back (the same mapping as `ulidToUUID` in the ulid package, which
 * is not a dependency of this package; the unit tests compare the two).
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const hexToUuid = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** The UUID (lowercase, as ESDB returns ids) holding the ULID's 128 bits, or null if `id` is not a ULID. */
export const ulidToUuid = (id: string): string | null => {
  if (!ULID.test(id)) return null;
  let n = 0n;
  for (const c of id.toUpperCase()) n = (n << 5n) | BigInt(CROCKFORD.indexOf(c));
  return hexToUuid(n.toString(16).padStart(32, '0'));
};

/** The ULID (uppercase) holding the UUID's 128 bits, or null if `uuid` is not a UUID. */
export const uuidToUlid = (uuid: string): string | null => {
  if (!UUID.test(uuid)) return null;
  let n = BigInt(`0x${uuid.replace(/-/g, '')}`);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
};

/** A name-based UUID (RFC 9562 version 8 over SHA-256): the same name always gives the same id. */
export const nameUuid = (name: string): string => {
  const bytes = createHash('sha256').update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return hexToUuid(bytes.toString('hex'));
};

/**
 * The ESDB id of a ledger event. A ULID (every id the registry accepts) maps bit for bit;
 * any other id (only ever written through a permissive registry) gets a name-based UUID.
 * Deterministic either way, so ESDB's own duplicate check sees a retried event as the same one.
 */
export const esdbEventId = (eventId: string): string => ulidToUuid(eventId) ?? nameUuid(`minsheng:event:${eventId}`);

/** The ESDB ids of the two links to an event: also deterministic, so a repeated link write is a no-op. */
export const streamLinkId = (eventId: string): string => nameUuid(`minsheng:stream-link:${eventId}`);
export const idLinkId = (eventId: string): string => nameUuid(`minsheng:id-link:${eventId}`);
