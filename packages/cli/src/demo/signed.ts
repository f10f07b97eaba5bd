import { measureUnit } from '@minsheng/projections';
import type { DemoReport } from './script';
import { keyIdOf, signWith } from '@minsheng/verify';
import { isLeft } from 'fp-ts/Either';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unwrap } from '../failure';
import { t } from '../language';
import type { OpenLedger } from '../open-ledger';
import { auditText } from '../output/audit';
import { signaturesText } from '../output/signatures';
import { refusalOf } from '../refusals';
import type { figureContext } from '../commands/shared';

/** After the year: 市住建局 states 道里区's gas pipes at the year's end, signed, in mid-January, after the annual figures. */
const SIGNED_AT = new Date('2025-01-15T10:00:00+08:00');
const METRIC = 't13-gas-pipe-renewal';
/** PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * A key made from the demo's seed, so a run prints the same key ids and signatures every time:
 * the signer key text `minsheng keys new` would write, and its verifier key.
 */
const demoKey = (name: string, seed: number): { signer: string; verifier: string; keyId: string } => {
  const secret = createHash('sha256').update(`minsheng demo ${seed} ${name}`).digest();
  const publicKey = createPublicKey(createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, secret]), format: 'der', type: 'pkcs8' }));
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const keyId = keyIdOf(name, raw).toString('hex');
  const body = (b: Buffer) => Buffer.concat([Buffer.from([0x01]), b]).toString('base64');
  return { signer: `PRIVATE+KEY+${name}+${keyId}+${body(secret)}`, verifier: `${name}+${keyId}+${body(raw)}`, keyId };
};

/**
 * Signed mode, after the year's unsigned reports: the administrator turns it on and registers
 * 市住建局's key, 市住建局 records a signed report, an unsigned one is refused, and the audit of
 * the signed figure names its signer. The keys are written to a folder beside the ledger.
 */
export const signedEpilogue = async (
  l: OpenLedger,
  clock: { set(at: Date): void },
  file: string,
  seed: number,
  fc: Awaited<ReturnType<typeof figureContext>>,
  last: DemoReport,
): Promise<string[]> => {
  clock.set(SIGNED_AT);
  const dir = `${file.replace(/\.db$/, '')}-keys`;
  mkdirSync(dir, { recursive: true });
  const admin = demoKey('harbin-admin', seed);
  const housing = demoKey('housing-2025', seed);
  for (const [name, k] of [['admin', admin], ['housing', housing]] as const) {
    writeFileSync(join(dir, `${name}.key`), `${k.signer}\n`, { mode: 0o600 });
    writeFileSync(join(dir, `${name}.key.pub`), `${k.verifier}\n`);
  }
  const on = await unwrap(l.ledger.enableSigning({ adminKey: admin.verifier, admin: signWith(admin.signer) }));
  const registered = await unwrap(l.ledger.registerKey({ unit: '市住建局', key: housing.verifier, admin: signWith(admin.signer) }));
  const input: DemoReport = { task: 13, metric: METRIC, place: '道里区', responsibleUnit: 'housing', person: last.person, asOf: '2024-12-31', value: last.value, source: { document: '哈建报〔2025〕1号' } };
  const refused = await l.ledger.report({ ...input, value: String(Number(last.value) + 1) })();
  if (!isLeft(refused)) throw new Error('demo: an unsigned report was accepted in signed mode');
  const signed = await unwrap(l.ledger.report({ ...input, signature: signWith(housing.signer) }));
  const trail = await unwrap(l.ledger.audit({ task: 13, metric: METRIC, place: '道里区', knownAt: SIGNED_AT }));
  const unitName = (id: string) => fc.frame.responsibleUnits.find((u) => u.id === id)?.name ?? id;
  return [
    t('demo.signed.keys', { dir }),
    t('signing.enabled', { keyId: on.keyId, position: on.position }),
    t('keys.registered', { keyId: registered.keyId, unit: '市住建局', position: registered.position }),
    t('demo.signed.refused', { refusal: refusalOf(refused.left) }),
    t('demo.signed.recorded', { position: signed.position, keyId: housing.keyId }),
    '',
    ...auditText(trail, { timeZone: fc.frame.timeZone, ids: false, unit: measureUnit(fc.targets.get(METRIC)!.target) }),
    ...signaturesText(trail, unitName),
  ];
};
