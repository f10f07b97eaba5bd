import { findPlace, isTopPlace, reportingPlaces, unknownMetric, unknownTask } from '@minsheng/core';
import { measureUnit } from '@minsheng/projections';
import type { Command } from 'commander';
import { integrity, unwrap, usage } from '../failure';
import { t } from '../language';
import { auditText } from '../output/audit';
import { signaturesText } from '../output/signatures';
import { verifierKeyText } from './keys';
import { refusalSentence } from '../refusals';
import { printJson, printLines } from '../output/print';
import { nonEmpty, wholeNumber } from '../parse';
import { momentOptions, momentQuery } from './moment';
import type { FigureContext } from '../output/figures';
import { planIdOf, planOption } from './plan-option';
import { figureContext, ledgerCommand, runOf } from './shared';

/**
 * An audit of a place names one the metric is reported for (or the city, whose figure adds
 * them up): any other would read "nothing reported" where nothing can be.
 */
const checkAuditedPlace = (fc: FigureContext, metric: string, place: string): void => {
  const p = findPlace(fc.frame, place);
  if (!p) throw usage(t('refusal.auditPlace', { place }));
  const places = reportingPlaces(fc.frame, fc.targets.get(metric)!.metric);
  if (isTopPlace(fc.frame, p.id) || places.includes(p.id)) return;
  const names = places.map((id) => findPlace(fc.frame, id)?.name ?? id);
  throw usage(t('refusal.auditPlaceNotReported', { place, metric, places: names.join('、') }));
};

export const registerAudit = (program: Command): void => {
  const cmd = momentOptions(
    planOption(ledgerCommand(program, 'audit', t('help.cmd.audit'))
      .requiredOption('--task <n>', t('help.audit.task'), wholeNumber)
      .requiredOption('--metric <id>', t('help.audit.metric'), nonEmpty)
      .option('--place <name>', t('help.audit.place'), nonEmpty)
      .option('--history', t('help.audit.history'))
      .option('--admin-key <file>', t('help.audit.admin-key'), nonEmpty)),
  );
  cmd.action(async () => {
    const o = cmd.opts();
    const run = runOf(cmd);
    const { trail, timeZone, unit, unitName } = await run.ledger(async (l) => {
      const { planId } = planIdOf(cmd);
      const fc = await figureContext(l, run.clock.now(), planId);
      if (!fc.frame.tasks.some((t) => t.number === o.task)) throw usage(refusalSentence('UnknownTask', unknownTask(o.task).message));
      if (fc.targets.get(o.metric)?.task.number !== o.task) throw usage(refusalSentence('UnknownMetric', unknownMetric(o.metric, o.task).message));
      if (o.place !== undefined) checkAuditedPlace(fc, o.metric, o.place);
      const trail = await unwrap(
        l.ledger.audit({
          planId: fc.frame.planId,
          task: o.task,
          metric: o.metric,
          ...(o.place !== undefined ? { place: o.place } : {}),
          ...(o.history ? { history: true } : {}),
          ...momentQuery(o, fc.frame.timeZone),
        }),
      );
      // The signatures are checked against the keys the ledger's record names; that record is
      // only as good as its administrator key, which the auditor pins out of band.
      if (o.adminKey !== undefined) {
        const pinned = verifierKeyText('--admin-key', o.adminKey);
        const record = await unwrap(l.ledger.signing());
        const other = record.periods.find((p) => p.admin.text !== pinned);
        if (other) throw integrity(t('audit.adminKeyDiffers', { keyId: other.admin.keyId, position: other.from }));
        if (!record.periods.length) throw integrity(t('audit.neverSigned'));
      }
      const unitName = (id: string) => fc.frame.responsibleUnits.find((u) => u.id === id)?.name ?? id;
      return { trail, timeZone: fc.frame.timeZone, unit: measureUnit(fc.targets.get(o.metric)!.target), unitName };
    }, { reads: true });
    if (run.json) printJson(trail);
    else printLines([...auditText(trail, { timeZone, unit }), ...signaturesText(trail, unitName)]);
    if (!trail.replay.matches)
      throw integrity(
        t('audit.readModelFault', { count: trail.faults.length, replayed: trail.replay.value ?? t('audit.nothing'), shown: trail.value ?? t('audit.nothing') }),
      );
    const failing = trail.signatures.filter((s) => s.status !== 'verified' && s.status !== 'unsigned').length;
    if (failing) throw integrity(t('audit.signaturesFail', { count: failing }));
  });
};
