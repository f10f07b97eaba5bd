import { Option, type Command } from 'commander';
import { refusal } from '../failure';
import { t } from '../language';

/*
 * A flag renamed so that a word keeps one meaning across commands (issue 17): `--group-by` is how a
 * view is grouped, `--responsible-unit` a responsible unit, `--measure` a unit of measure. The old
 * flag still works, hidden from --help: it says once on stderr which flag replaces it, and is refused
 * beside the new one when the two values differ. Checked before the action runs, so nothing is opened
 * or written on a refusal.
 */

export interface Renamed {
  /** The new option, as added to the command. */
  readonly option: Option;
  /** The old flag and its argument, e.g. `--by <unit>`. */
  readonly old: string;
  /** Refused when neither flag is given (commander's own check cannot see the alias). */
  readonly required?: boolean;
  /** The old option's argument parser and choices: the new option's. */
  readonly argParser?: (value: string) => string;
  readonly choices?: readonly string[];
}

/** Adds the new option and its hidden deprecated alias to `cmd`, with the check that joins them. */
export const renamedOption = (cmd: Command, r: Renamed): Command => {
  const alias = new Option(r.old).hideHelp();
  if (r.argParser) alias.argParser(r.argParser);
  if (r.choices) alias.choices(r.choices);
  cmd.addOption(r.option).addOption(alias);
  const [name, key, old] = [r.option.long!, r.option.attributeName(), alias.long!];
  cmd.hook('preAction', (_, action) => {
    if (action !== cmd) return;
    const value = cmd.getOptionValue(key) as string | undefined;
    const oldValue = cmd.getOptionValue(alias.attributeName()) as string | undefined;
    if (oldValue !== undefined) {
      if (value !== undefined && value !== oldValue) throw refusal('usage.renamedDiffer', { name, old, value, oldValue });
      process.stderr.write(`minsheng: ${t('usage.renamedDeprecated', { name, old })}\n`);
      if (value === undefined) cmd.setOptionValueWithSource(key, oldValue, 'cli');
    } else if (value === undefined && r.required) {
      throw refusal('commander.missingMandatoryOptionValue', { option: r.option.flags });
    }
  });
  return cmd;
};
