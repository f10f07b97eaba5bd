import type { SignedAuditTrail } from '@minsheng/ledger';
import { t as msg } from '../language';
import { renderTable, type Column } from './table';

/**
 * Who signed each event of an audit trail and whether the signature verifies against the key
 * registered when the event was recorded. Nothing is printed for a trail with no signature and
 * no event recorded in signed mode: a ledger that never signed shows the audit it always did.
 */
export const signaturesText = (trail: SignedAuditTrail, unitName: (id: string) => string = (id) => id): string[] => {
  if (trail.signatures.every((s) => s.status === 'unsigned')) return [];
  const verified = trail.signatures.filter((s) => s.status === 'verified').length;
  const columns: Column[] = [
    { header: msg('audit.col.pos'), align: 'right' },
    { header: msg('audit.signatures.col.unit') },
    { header: msg('audit.signatures.col.key') },
    { header: msg('audit.signatures.col.check') },
  ];
  return [
    '',
    msg('audit.signatures', { verified, count: trail.signatures.length }),
    ...renderTable(
      columns,
      trail.signatures.map((s) => [`#${s.position}`, s.unit === null ? '' : unitName(s.unit), s.keyId ?? '', msg(`audit.signature.${s.status}`)]),
    ).map((l) => `  ${l}`),
  ];
};
