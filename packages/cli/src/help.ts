import { Help, type Command } from 'commander';
import { language, t } from './language';

/*
 * --help in the reader's language. The descriptions come from the catalogue as the program is
 * built; commander's own words (its headings, "default:", the help and version options) are set
 * here. The language is chosen before the program is built (default-language.ts): --help in a
 * folder whose ledger.db holds the Harbin plan is in Chinese, as its other output is.
 */

const HEADINGS: readonly (readonly [string, Parameters<typeof t>[0]])[] = [
  ['Usage:', 'help.heading.usage'],
  ['Arguments:', 'help.heading.arguments'],
  ['Options:', 'help.heading.options'],
  ['Global Options:', 'help.heading.globalOptions'],
  ['Commands:', 'help.heading.commands'],
];

const EXTRA = { default: 'help.default', choices: 'help.choices', env: 'help.env' } as const;

/** The headings of commander's help text from the catalogue. */
const headings = (text: string): string =>
  HEADINGS.reduce((out, [heading, key]) => out.replace(new RegExp(`^${heading}`, 'gm'), t(key)), text);

/** commander ends a description with "(choices: …, default: …, env: …)". */
const extras = (description: string): string =>
  description.replace(/([(]|, )(default|choices|env): /g, (_, before: string, word: keyof typeof EXTRA) => `${before}${t(EXTRA[word])}`);

/**
 * Chinese has no spaces to break a line at: a zero-width space after each character lets commander
 * break there, and makes the character count two, the columns it takes. Not after an opening
 * bracket, nor before a closing one or a comma.
 */
const CJK = /([\u3000-\u303f\u3400-\u9fff\uff00-\uffef])(?<![（〔「『【“])(?![，。；：、）〕」』】”])/g;
const ZERO_WIDTH_SPACE = /\u200b/g;

/** Set before any subcommand is added: commander copies these into each one. */
export const helpInLanguage = (program: Command, version: string): Command =>
  program
    .version(version, '-V, --version', t('help.version'))
    .helpOption('-h, --help', t('help.help'))
    .helpCommand('help [command]', t('help.helpCommand'))
    .configureHelp({
      formatHelp: (cmd, helper) => headings(Help.prototype.formatHelp.call(helper, cmd, helper)),
      optionDescription(this: Help, option) {
        return extras(Help.prototype.optionDescription.call(this, option));
      },
      argumentDescription(this: Help, argument) {
        return extras(Help.prototype.argumentDescription.call(this, argument));
      },
      wrap(this: Help, str, width, indent, minColumnWidth) {
        if (language() === 'en') return Help.prototype.wrap.call(this, str, width, indent, minColumnWidth);
        return Help.prototype.wrap.call(this, str.replace(CJK, '$1\u200b'), width, indent, minColumnWidth).replace(ZERO_WIDTH_SPACE, '');
      },
    });
