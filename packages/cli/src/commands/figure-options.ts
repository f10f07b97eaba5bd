import { quote, type Source } from '@minsheng/core';
import type { FigureInput, Measured } from '@minsheng/ledger';
import { Option, type Command } from 'commander';
import { createHash } from 'node:crypto';
import { readBounded, sizeText } from '../bounded-read';
import { refusal } from '../failure';
import { decimal, nonEmpty } from '../parse';
import { t } from '../language';
import { renamedOption } from './renamed-option';

/** The figure: a value (with its unit), a numerator and denominator, or a stage, as the target's kind needs. */
export const figureOptions = (cmd: Command): Command =>
  renamedOption(cmd.addOption(new Option('--value <v>', t('help.figure-options.value')).argParser(nonEmpty)), {
    option: new Option('--measure <u>', t('help.figure-options.unit')).argParser(nonEmpty),
    old: '--unit <u>',
    argParser: nonEmpty,
  })
    .addOption(new Option('--numerator <a>', t('help.figure-options.numerator')).argParser(decimal).conflicts(['value', 'stage']))
    .addOption(new Option('--denominator <b>', t('help.figure-options.denominator')).argParser(decimal).conflicts(['value', 'stage']))
    .addOption(new Option('--stage <s>', t('help.figure-options.stage')).argParser(nonEmpty).conflicts(['value', 'measure', 'unit']));

/** Who reported it, and on what evidence. */
export const actorOptions = (cmd: Command, withSource = true): Command => {
  renamedOption(cmd, {
    option: new Option('--responsible-unit <unit>', t('help.figure-options.by')).argParser(nonEmpty),
    old: '--by <unit>',
    argParser: nonEmpty,
    required: true,
  }).option('--person <name>', t('help.figure-options.person'), nonEmpty);
  if (withSource)
    cmd
      .option('--source <text>', t('help.figure-options.source'), nonEmpty)
      .option('--document <no>', t('help.figure-options.document'), nonEmpty)
      .option('--attachment <file>', t('help.figure-options.attachment'), nonEmpty);
  return cmd;
};

export interface FigureOpts {
  value?: string;
  measure?: string;
  numerator?: string;
  denominator?: string;
  stage?: string;
}

/** The figure in the ledger's names. */
export const figureInput = (o: FigureOpts): Omit<FigureInput, 'unit'> & Measured => ({
  ...(o.value !== undefined ? { value: o.value } : {}),
  ...(o.measure !== undefined ? { measure: o.measure } : {}),
  ...(o.numerator !== undefined ? { numerator: o.numerator } : {}),
  ...(o.denominator !== undefined ? { denominator: o.denominator } : {}),
  ...(o.stage !== undefined ? { stage: o.stage } : {}),
});

/** The largest attachment whose SHA-256 a command records (a scanned document, a spreadsheet). */
export const ATTACHMENT_MAX_BYTES = 64 * 1024 * 1024;

/** The file's SHA-256, read in chunks; a file over ATTACHMENT_MAX_BYTES is refused without being read further. */
const sha256Of = (file: string): string => {
  const hash = createHash('sha256');
  let read: 'read' | 'too large';
  try {
    read = readBounded(file, ATTACHMENT_MAX_BYTES, (c) => hash.update(c));
  } catch (e) {
    throw refusal('usage.attachmentUnreadable', { file, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
  if (read === 'too large')
    throw refusal('usage.attachmentTooLarge', { file: quote(file), size: sizeText(ATTACHMENT_MAX_BYTES) });
  return hash.digest('hex');
};

export interface ActorOpts {
  responsibleUnit: string;
  person?: string;
  source?: string;
  document?: string;
  attachment?: string;
}

export const actorInput = (o: ActorOpts) => {
  const source: Source = {
    ...(o.document !== undefined ? { document: o.document } : {}),
    ...(o.attachment !== undefined ? { attachmentSha256: sha256Of(o.attachment) } : {}),
    ...(o.source !== undefined ? { note: o.source } : {}),
  };
  return {
    responsibleUnit: o.responsibleUnit,
    ...(o.person !== undefined ? { person: o.person } : {}),
    ...(Object.keys(source).length ? { source } : {}),
  };
};
