import { quote, type Source } from '@minsheng/core';
import type { FigureInput } from '@minsheng/ledger';
import { Option, type Command } from 'commander';
import { createHash } from 'node:crypto';
import { readBounded, sizeText } from '../bounded-read';
import { usage } from '../failure';
import { decimal, nonEmpty } from '../parse';

/** The figure: a value (with its unit), a numerator and denominator, or a stage, as the target's kind needs. */
export const figureOptions = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--value <v>', 'the cumulative figure (counts, quantities, ceilings), or yes/no').argParser(nonEmpty))
    .addOption(new Option('--unit <u>', "its unit, e.g. 万人 (default: the target's unit)").argParser(nonEmpty))
    .addOption(new Option('--numerator <a>', 'for a share or rate: the numerator').argParser(decimal).conflicts(['value', 'stage']))
    .addOption(new Option('--denominator <b>', 'for a share or rate: the denominator').argParser(decimal).conflicts(['value', 'stage']))
    .addOption(new Option('--stage <s>', 'for a milestone: the stage reached').argParser(nonEmpty).conflicts(['value', 'unit']));

/** Who reported it, and on what evidence. */
export const actorOptions = (cmd: Command, withSource = true): Command => {
  cmd
    .requiredOption('--by <unit>', 'the responsible unit acting, by id or name (市住建局)', nonEmpty)
    .option('--person <name>', 'the person in the unit', nonEmpty);
  if (withSource)
    cmd
      .option('--source <text>', 'a note on where the figure comes from', nonEmpty)
      .option('--document <no>', 'the document the figure was reported in, e.g. 哈住建报〔2024〕88号', nonEmpty)
      .option('--attachment <file>', 'a file the figure rests on; its SHA-256 is recorded', nonEmpty);
  return cmd;
};

export interface FigureOpts {
  value?: string;
  unit?: string;
  numerator?: string;
  denominator?: string;
  stage?: string;
}

export const figureInput = (o: FigureOpts): FigureInput => ({
  ...(o.value !== undefined ? { value: o.value } : {}),
  ...(o.unit !== undefined ? { unit: o.unit } : {}),
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
    throw usage(`--attachment: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (read === 'too large')
    throw usage(`--attachment: ${quote(file)} is larger than ${sizeText(ATTACHMENT_MAX_BYTES)}, the limit for an attachment; nothing was recorded`);
  return hash.digest('hex');
};

export interface ActorOpts {
  by: string;
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
    by: o.by,
    ...(o.person !== undefined ? { person: o.person } : {}),
    ...(Object.keys(source).length ? { source } : {}),
  };
};
