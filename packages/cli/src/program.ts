import { escapeControls } from '@minsheng/core';
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit';
import { registerCorrect } from './commands/correct';
import { registerDeadlines } from './commands/deadlines';
import { registerDemo } from './commands/demo';
import { registerExport } from './commands/export';
import { registerInit } from './commands/init';
import { registerMigrate } from './commands/migrate';
import { registerPlanImport } from './commands/plan-import';
import { registerPlanCheck } from './commands/plan-check';
import { registerPlanCompare } from './commands/plan-compare';
import { registerPlanList } from './commands/plan-list';
import { registerPlanShow } from './commands/plan-show';
import { registerRebuild } from './commands/rebuild';
import { registerReport } from './commands/report';
import { registerRoles } from './commands/roles';
import { registerRetract } from './commands/retract';
import { registerServe } from './commands/serve';
import { registerStatus } from './commands/status';
import { registerVerify } from './commands/verify';
import { registerWorker } from './commands/worker';
import { registerCheckpoint } from './commands/checkpoint';
import { registerKeys } from './commands/keys';
import { registerSigning } from './commands/signing';
import { registerProve } from './commands/prove';
import { CliFailure } from './failure';
import { helpInLanguage } from './help';
import { commanderRefusal } from './refusals';
import { defaultLanguage } from './default-language';
import { chooseLanguage, requestedLanguage, startIn, t } from './language';

const VERSION: string = (require('../package.json') as { version: string }).version;

const oneLine = (text: string): string => escapeControls(text.replace(/^error: /, '').split('\n')[0]!.trim());

export const buildProgram = (): Command => {
  // Set before any subcommand is added: commander copies these settings into each one.
  const program = helpInLanguage(new Command('minsheng'), VERSION)
    .description(t('help.cmd.minsheng'))
    .exitOverride()
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(`minsheng: ${commanderRefusal(oneLine(text))}\n`) })
    // Taken out of argv before parsing (language.ts); listed here for --help.
    .enablePositionalOptions()
    .option('--lang <tag>', t('help.lang'));
  registerInit(program);
  registerMigrate(program);
  const plan = program.command('plan').description(t('help.cmd.plan'));
  registerPlanImport(plan);
  registerPlanShow(plan);
  registerPlanList(plan);
  registerPlanCompare(plan);
  registerPlanCheck(plan);
  registerReport(program);
  registerCorrect(program);
  registerRetract(program);
  registerStatus(program);
  registerAudit(program);
  registerDeadlines(program);
  registerRebuild(program);
  registerWorker(program);
  registerVerify(program);
  registerCheckpoint(program);
  registerProve(program);
  registerKeys(program);
  registerSigning(program);
  registerExport(program);
  registerRoles(program);
  registerServe(program);
  registerDemo(program);
  return program;
};

/** Runs the CLI on `argv` (process.argv form) and returns the exit status. */
export const run = async (argv: readonly string[]): Promise<number> => {
  const requested = requestedLanguage(argv, process.env);
  if (requested.refusal !== null) {
    process.stderr.write(`minsheng: ${escapeControls(requested.refusal)}\n`);
    return 2;
  }
  if (requested.lang !== null) chooseLanguage(requested.lang);
  else startIn(await defaultLanguage(requested.argv, process.env));
  // serve and export take --lang for the dashboard's words too.
  const command = requested.argv.slice(2).find((a) => !a.startsWith('-'));
  const args = requested.flag !== null && (command === 'serve' || command === 'export') ? [...requested.argv, '--lang', requested.flag] : requested.argv;
  try {
    await buildProgram().parseAsync(args);
    return 0;
  } catch (e) {
    // Commander has printed its own one-line message already (or the help).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliFailure) {
      process.stderr.write(`minsheng: ${escapeControls(e.message)}\n${e.details.map((d) => `${escapeControls(d)}\n`).join('')}`);
      return e.exitCode;
    }
    // A bug: still one line, with the stack when asked for.
    process.stderr.write(`minsheng: ${escapeControls(e instanceof Error ? e.message : String(e))}\n`);
    if (process.env.MINSHENG_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
};
