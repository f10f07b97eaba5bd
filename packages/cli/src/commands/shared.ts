import type { Clock, TargetSetData } from '@minsheng/core';
import type { Command } from 'commander';
import { unwrap } from '../failure';
import { withEngine, withLedger, type Engine, type OpenLedger, type OpenOptions } from '../open-ledger';
import { clockOf, jsonOption, ledgerLocation, ledgerOptions, projectOption, projectsInline, wantsJson, type LedgerLocation } from '../options';
import type { FigureContext } from '../output/figures';

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
  const clock = clockOf(cmd);
  const project = projectsInline(cmd);
  return {
    json: wantsJson(cmd),
    clock,
    location,
    project,
    ledger: (f, options) => withLedger(location, clock, f, { project, ...options }),
    engine: (f, options) => withEngine(location, clock, f, options),
  };
};

/** The plan's frame and the targets in force at `knownAt`, to show figures as the plan writes them. */
export const figureContext = async (l: OpenLedger, knownAt: Date): Promise<FigureContext> => {
  const frame = await unwrap(l.ledger.plan());
  const targets = await l.readModel.reader.targets(frame.planId, knownAt.getTime());
  return { frame, targets: new Map(targets.map((t) => [t.data.metric.id, t.data] as [string, TargetSetData])) };
};
