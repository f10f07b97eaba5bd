import type { Command } from 'commander';
import { unwrap } from '../failure';
import { t } from '../language';
import { printJson, printLines } from '../output/print';
import { nonEmpty } from '../parse';
import { adminSigner, printKeyEvent, verifierKeyText } from './keys';
import { ledgerCommand, runOf } from './shared';

/** `minsheng signing on|off|status`: signed mode, switched only by the plan administrator's signed word. */
export const registerSigning = (program: Command): void => {
  const signing = program.command('signing').description(t('help.cmd.signing'));

  const on = ledgerCommand(signing, 'on', t('help.cmd.signing.on'), { project: false })
    .requiredOption('--admin-key <file>', t('help.signing.admin-key'), nonEmpty)
    .requiredOption('--admin <keyfile>', t('help.signing.admin'), nonEmpty);
  on.action(async () => {
    const o = on.opts<{ adminKey: string; admin: string }>();
    const run = runOf(on);
    const adminKey = verifierKeyText('--admin-key', o.adminKey);
    const admin = adminSigner(o.admin);
    const r = await run.ledger((l) => unwrap(l.ledger.enableSigning({ adminKey, admin })));
    printKeyEvent(run.json, r, t('signing.enabled', { keyId: r.keyId, position: r.position }));
  });

  const off = ledgerCommand(signing, 'off', t('help.cmd.signing.off'), { project: false })
    .option('--reason <text>', t('help.signing.reason'), nonEmpty)
    .requiredOption('--admin <keyfile>', t('help.signing.admin'), nonEmpty);
  off.action(async () => {
    const o = off.opts<{ reason?: string; admin: string }>();
    const run = runOf(off);
    const admin = adminSigner(o.admin);
    const r = await run.ledger((l) => unwrap(l.ledger.disableSigning({ ...(o.reason !== undefined ? { reason: o.reason } : {}), admin })));
    printKeyEvent(run.json, r, t('signing.disabled', { position: r.position }));
  });

  const status = ledgerCommand(signing, 'status', t('help.cmd.signing.status'), { project: false });
  status.action(async () => {
    const run = runOf(status);
    const { record, names } = await run.ledger(
      async (l) => ({
        record: await unwrap(l.ledger.signing()),
        // Units by their names in the plans held (a key event names the unit by id).
        names: new Map((await unwrap(l.ledger.plans())).flatMap((f) => f.responsibleUnits.map((u) => [u.id, u.name] as const))),
      }),
      { reads: true },
    );
    const keys = record.keys.map((k) => ({ unit: k.unit, unitName: names.get(k.unit) ?? k.unit, keyId: k.keyId, name: k.key.name, from: k.from, until: k.until }));
    if (run.json) return printJson({ on: record.on, adminKeyId: record.admin?.keyId ?? null, keys });
    printLines([
      record.on ? t('signing.statusOn', { keyId: record.admin!.keyId }) : t('signing.statusOff'),
      ...keys.map((k) =>
        k.until === null
          ? t('signing.keyActive', { unit: k.unitName, keyId: k.keyId, name: k.name, from: k.from })
          : t('signing.keyEnded', { unit: k.unitName, keyId: k.keyId, name: k.name, from: k.from, until: k.until }),
      ),
    ]);
  });
};
