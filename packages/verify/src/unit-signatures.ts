import type { LogEntry } from './entry';
import { parseVerifierKey, verifyBytes, type VerifierKey } from './keys';
import { keyEventSignedText, progressSignedText } from './signed-text';

/*
 * Signed reports checked in an exported log, given the plan administrator's verifier key that
 * the auditor pinned out of band. The same rules as the ledger's (ledger/src/signing-record.ts,
 * unit-signature.ts), written again here so this package depends on nothing of the ledger; the
 * signed texts are one definition for both (signed-text.ts).
 */

const PROGRESS = new Set(['ProgressReported', 'ProgressCorrected', 'ProgressRetracted']);
const KEY_EVENTS = new Set(['SigningEnabled', 'UnitKeyRegistered', 'UnitKeyRevoked', 'SigningDisabled']);

interface Signature {
  readonly keyId?: unknown;
  readonly unit?: unknown;
  readonly signature?: unknown;
}
interface Meta {
  readonly actor?: { readonly unit?: unknown };
  readonly source?: unknown;
  readonly signature?: Signature;
}

interface UnitKey {
  readonly unit: string;
  readonly key: VerifierKey;
  readonly from: number;
  until: number | null;
}

const signedBy = (key: VerifierKey, content: string, s: Signature | undefined): boolean =>
  s !== undefined && s.keyId === key.keyId.toString('hex') && typeof s.signature === 'string' && verifyBytes(key, content, Buffer.from(s.signature, 'base64'));

/** A checker fed every event of the log in order: a string says why an event fails. */
export const unitSignatureChecker = (admin: VerifierKey) => {
  const keys: UnitKey[] = [];
  let on = false;
  let signed = 0;
  // Where each verified signature, and the content it signs, was first seen: a signature is
  // accepted once (Ed25519 is deterministic and the content has no id nor time, so a copy verifies).
  const used = new Map<string, number>();
  let unsigned = 0;
  const keyEvent = (e: LogEntry, meta: Meta): string | null => {
    const data = e.data as Record<string, unknown>;
    const content = keyEventSignedText(e, e.revision);
    if (e.type === 'SigningEnabled') {
      if (on) return 'signed mode is on already';
      const named = parseVerifierKey(String(data.adminKey));
      if (typeof named === 'string' || !named.keyId.equals(admin.keyId) || !named.publicKey.equals(admin.publicKey))
        return `signed mode names an administrator key other than the pinned one (${admin.keyId.toString('hex')})`;
      on = true;
    } else if (!on) return 'a key event while signed mode is off';
    if (!signedBy(admin, content, meta.signature)) return "the administrator's signature does not verify";
    if (e.type === 'UnitKeyRegistered') {
      const key = parseVerifierKey(String(data.key));
      if (typeof key === 'string' || key.keyId.toString('hex') !== data.keyId) return `its key does not match key id ${String(data.keyId)}`;
      keys.push({ unit: String(data.unit), key, from: e.position, until: null });
    } else if (e.type === 'UnitKeyRevoked') {
      for (const k of keys) if (k.until === null && k.unit === data.unit && k.key.keyId.toString('hex') === data.keyId) k.until = e.position;
    } else if (e.type === 'SigningDisabled') {
      for (const k of keys) if (k.until === null) k.until = e.position;
      on = false;
    }
    return null;
  };
  return {
    add: (e: LogEntry): string | null => {
      const meta = (e.metadata ?? {}) as Meta;
      if (e.stream === 'ledger' && KEY_EVENTS.has(e.type)) return keyEvent(e, meta);
      if (!PROGRESS.has(e.type)) return null;
      const s = meta.signature;
      if (s === undefined) {
        unsigned++;
        return on ? 'recorded in signed mode without a signature' : null;
      }
      const key = keys.find((k) => k.key.keyId.toString('hex') === s.keyId && k.until === null);
      if (!key) return `its key ${String(s.keyId)} was not registered and unrevoked when it was recorded`;
      if (key.unit !== s.unit || key.unit !== meta.actor?.unit) return `its key is ${key.unit}'s, not the acting unit's`;
      const content = progressSignedText({ type: e.type, data: e.data, actor: meta.actor, source: meta.source });
      if (!signedBy(key.key, content, s)) return 'its unit signature does not verify';
      const first = used.get(`s:${String(s.signature)}`) ?? used.get(`c:${content}`);
      if (first !== undefined) return `replayed: its signature was already used at position ${first} (a signature is accepted once)`;
      used.set(`s:${String(s.signature)}`, e.position).set(`c:${content}`, e.position);
      signed++;
      return null;
    },
    summary: (): string => `${signed} signed report${signed === 1 ? '' : 's'}, correction${signed === 1 ? '' : 's'} or retraction${signed === 1 ? '' : 's'} verify against their units' keys; ${unsigned} unsigned (recorded while signed mode was off)`,
  };
};
