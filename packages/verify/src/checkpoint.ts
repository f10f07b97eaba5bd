import { signBytes, verifyBytes, type SignerKey, type VerifierKey } from './keys';

/**
 * A checkpoint (signed tree head) as a C2SP signed note whose text is a tlog-checkpoint:
 *
 *   <origin>\n<size>\n<base64 root hash>\ntime <ISO 8601 UTC>\n\n— <key name> <base64(key id ‖ signature)>\n
 *
 * The signature covers the text up to and including the line before the blank line.
 */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  /** Root hash, 32 bytes. */
  readonly root: Buffer;
  /** When it was made (ISO 8601, UTC). */
  readonly time: string;
  /**
   * Further lines of the signed text after the time (tlog-checkpoint extension lines), each
   * "name value": a view receipt names the view it signs this way (receipt.ts).
   */
  readonly extensions?: readonly string[];
}

export interface SignedCheckpoint extends Checkpoint {
  /** The names of the keys whose signatures verified. */
  readonly signedBy: readonly string[];
  readonly text: string;
}

const DASH = '\u2014';

export const checkpointBody = (c: Checkpoint): string => {
  const extensions = c.extensions ?? [];
  const bad = extensions.find((l) => l === '' || /[\n\r]/.test(l) || l.startsWith('time '));
  if (bad !== undefined) throw new Error(`a checkpoint's extension is one non-empty line other than its time, not ${JSON.stringify(bad)}`);
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\ntime ${c.time}\n${extensions.map((l) => `${l}\n`).join('')}`;
};

export const signCheckpoint = (c: Checkpoint, key: SignerKey): string => {
  const body = checkpointBody(c);
  const sig = Buffer.concat([key.keyId, signBytes(key, body)]).toString('base64');
  return `${body}\n${DASH} ${key.name} ${sig}\n`;
};

const parseBody = (body: string): Checkpoint | string => {
  const lines = body.split('\n');
  lines.pop(); // the body ends with a line feed
  const [origin, size, root, ...extensions] = lines;
  if (!origin || size === undefined || root === undefined) return 'its text needs an origin, a size and a root hash, one a line';
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size))) return `its size ${JSON.stringify(size)} is not a whole number`;
  const rootBytes = Buffer.from(root, 'base64');
  if (rootBytes.length !== 32 || rootBytes.toString('base64') !== root) return `its root hash ${JSON.stringify(root)} is not 32 bytes of base64`;
  const time = extensions.find((l) => l.startsWith('time '))?.slice(5);
  if (!time || Number.isNaN(Date.parse(time))) return 'it has no "time" line with an ISO 8601 time';
  const others = extensions.filter((l) => !l.startsWith('time '));
  return { origin, size: Number(size), root: rootBytes, time, ...(others.length ? { extensions: others } : {}) };
};

/**
 * Parses a checkpoint and checks its signatures against `keys`: it is accepted when at least
 * one signature line is by a known key and every known key's signature on it verifies.
 * Lines by unknown keys are ignored (a witness may cosign). A string says what is wrong.
 */
export const openCheckpoint = (text: string, keys: readonly VerifierKey[]): SignedCheckpoint | string => {
  const split = text.indexOf('\n\n');
  if (split < 0) return 'it is not a signed note (no blank line before its signatures)';
  const body = text.slice(0, split + 1);
  const sigLines = text.slice(split + 2).split('\n');
  if (sigLines.pop() !== '') return 'its signature lines do not end with a line feed';
  const parsed = parseBody(body);
  if (typeof parsed === 'string') return parsed;
  const signedBy: string[] = [];
  for (const line of sigLines) {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m) return `its signature line ${JSON.stringify(line)} is not "— name base64"`;
    const raw = Buffer.from(m[2]!, 'base64');
    if (raw.length < 5) return `the signature by ${m[1]} is too short`;
    const key = keys.find((k) => k.name === m[1] && k.keyId.equals(raw.subarray(0, 4)));
    if (!key) continue;
    if (!verifyBytes(key, body, raw.subarray(4))) return `the signature by ${key.name} does not verify: the checkpoint was altered or not signed by that key`;
    signedBy.push(key.name);
  }
  if (signedBy.length === 0) return `it has no signature by a key given (${keys.map((k) => k.name).join(', ') || 'none'})`;
  return { ...parsed, signedBy, text };
};
