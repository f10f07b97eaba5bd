import type { Clock, TargetSetData } from '@minsheng/core';
import type { Command } from 'commander';
import { unwrap } from '../failure';
import { withLedger, type OpenLedger, type OpenOptions } from '../open-ledger';
import { clockOf, jsonOption, ledgerLocation, ledgerOptions, wantsJson } from '../options';
import type { FigureContext } from '../output/figures';

/** A subcommand that works on a ledger: --db, --database-url, --now and --json. */
export const ledgerCommand = (parent: Command, nameAndArgs: string, description: string): Command =>
  jsonOption(ledgerOptions(parent.command(nameAndArgs).description(description)));

export interface Run {
  readonly json: boolean;
  readonly clock: Clock;
  /** Opens the ledger, runs `f` on it, closes it. */
  ledger<A>(f: (l: OpenLedger) => Promise<A>, options?: OpenOptions): Promise<A>;
}

/** What a command's action needs from its options; usage errors here stop it before anything opens. */
export const runOf = (cmd: Command): Run => {
  const location = ledgerLocation(cmd);
  const clock = clockOf(cmd);
  return { json: wantsJson(cmd), clock, ledger: (f, options) => withLedger(location, clock, f, options) };
};

/** The plan's frame and the targets in force at `knownAt`, to show figures as the plan writes them. */
export const figureContext = async (l: OpenLedger, knownAt: Date): Promise<FigureContext> => {
  const frame = await unwrap(l.ledger.plan());
  const targets = await l.readModel.reader.targets(frame.planId, knownAt.getTime());
  return { frame, targets: new Map(targets.map((t) => [t.data.metric.id, t.data] as [string, TargetSetData])) };
};
