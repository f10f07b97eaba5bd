import type { Clock, TargetSetData } from '@minsheng/core';
import { readLedgerSetting, type LedgerSetting } from '@minsheng/ledger';
import type { EventStore } from '@minsheng/event-store';
import type { Command } from 'commander';
import { refusal, unwrap } from '../failure';
import { withEngine, withLedger, type Engine, type OpenLedger, type OpenOptions } from '../open-ledger';
import { clockOf, fixedNowOf, jsonOption, ledgerLocation, ledgerOptions, projectOption, projectsInline, wantsJson, type FixedNow, type LedgerLocation } from '../options';
import type { FigureContext } from '../output/figures';
import { adoptLocale, t } from '../language';

/**
 * A subcommand that works on a ledger: --db, --database-url, --now, --json and (unless
 * `project` is false: commands that never touch the read model inline) --no-project.
 */
export const ledgerCommand = (parent: Command, nameAndArgs: string, description: string, options: { project?: boolean } = {}): Command => {
  const cmd = jsonOption(ledgerOptions(parent.command(nameAndArgs).description(description)));
  return options.project === false ? cmd : projectOption(cmd);
};

export interface Run {
  readonly json: boolean;
  readonly clock: Clock;
  /** The time --now (or $MINSHENG_NOW) fixed, or null: the system clock. */
  readonly now: FixedNow | null;
  readonly location: LedgerLocation;
  /** False with --no-project (or $MINSHENG_NO_PROJECT=1): the read model is left to workers. */
  readonly project: boolean;
  /** Opens the ledger, runs `f` on it, closes it. */
  ledger<A>(f: (l: OpenLedger) => Promise<A>, options?: OpenOptions): Promise<A>;
  /** Opens the ledger's storage without a read model, runs `f`, closes it. */
  engine<A>(f: (e: Engine) => Promise<A>, options?: OpenOptions): Promise<A>;
}

/** What a command's action needs from its options; usage errors here stop it before anything opens. */
export const runOf = (cmd: Command): Run => {
  const location = ledgerLocation(cmd);
  const now = fixedNowOf(cmd);
  const clock = clockOf(now);
  // Only a command that offers --no-project brings the read model up to date itself; the others never project.
  const project = cmd.options.some((o) => o.long === '--no-project') && projectsInline(cmd);
  return {
    json: wantsJson(cmd),
    clock,
    now,
    location,
    project,
    ledger: (f, options) =>
      withLedger(location, now ? clock : undefined, async (l) => {
        await adoptPlanLocale(l, cmd.opts<{ plan?: string }>().plan, clock.now().getTime());
        return f(l);
      }, { project, ...options }),
    engine: (f, options) => withEngine(location, clock, f, options),
  };
};

/**
 * Speaks the plan's language (language.ts): the --plan's, or the one all the ledger's plans share.
 * Read straight from the read model, so nothing is projected or refused here: a ledger that cannot
 * say leaves the language as it was, and the command meets the problem itself.
 */
const adoptPlanLocale = async (l: OpenLedger, planId: string | undefined, at: number): Promise<void> => {
  try {
    const ids = planId !== undefined ? [planId] : await l.readModel.reader.planIds();
    const locales = new Set<string | undefined>();
    for (const id of ids) locales.add((await l.readModel.reader.frame(id, at))?.data.locale);
    if (locales.size === 1) adoptLocale([...locales][0]);
  } catch {
    // A read model not made yet or damaged: the command itself says so.
  }
};

/** --threads, for a command that may read the log in threads while it writes the read model (`what`). */
export const threadsOption = (cmd: Command, what: string): Command =>
  cmd.option('--threads <n>', t('help.threads', { when: what }));

/**
 * --threads as open options: a usage error for a value that is not a whole number from 0 to 64,
 * and for more than 0 on a PostgreSQL ledger.
 */
export const readerThreadsOf = (text: string | undefined, run: Run): OpenOptions => {
  if (text === undefined) return {};
  const threads = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(threads >= 0 && threads <= 64))
    throw refusal('usage.threads', { text });
  if (threads && run.location.kind === 'postgres')
    throw refusal('usage.threadsPostgres');
  return { readerThreads: threads };
};

/** The plan's frame and the targets in force at `knownAt`, to show figures as the plan writes them. */
export const figureContext = async (l: OpenLedger, knownAt: Date, planId?: string): Promise<FigureContext> => {
  const frame = await unwrap(l.ledger.plan(planId));
  const targets = await l.readModel.reader.targets(frame.planId, knownAt.getTime());
  return { frame, targets: new Map(targets.map((t) => [t.data.metric.id, t.data] as [string, TargetSetData])) };
};

/**
 * Before a command records anything: --now is refused on a production ledger (its recorded time
 * comes from the system clock), and on a simulated one it may not go back before the latest event.
 * `what` names the command in the refusal. Returns the ledger's setting.
 */
export const checkWriteClock = async (run: Run, store: EventStore, what: string): Promise<LedgerSetting> => {
  const setting = await unwrap(readLedgerSetting(store));
  const now = run.now;
  if (now === null) return setting;
  if (setting.mode === 'production')
    throw refusal('usage.nowOnProduction', { option: now.option, text: now.text, command: what });
  const { position, recordedAt } = setting.head;
  if (recordedAt !== null && now.at.getTime() < Date.parse(recordedAt))
    throw refusal('usage.nowBeforeLatest', { option: now.option, text: now.text, position, recordedAt });
  return setting;
};
