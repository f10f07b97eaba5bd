import { ledgerRegistry, parsePlanText, systemClock, type Clock } from '@minsheng/core';
import { createLedger, type LedgerFailure } from '@minsheng/ledger';
import { createSqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore, sqliteStoreOpener } from '@minsheng/store-sqlite';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PLAN_FILE = join(__dirname, '..', '..', '..', 'seeds', 'harbin-2024.json');

/** Runs a ledger call this program cannot go on without: a failure (tagged, with a message) stops it. */
const must = async <A>(call: TaskEither<LedgerFailure, A>): Promise<A> => {
  const r = await call();
  if (isLeft(r)) throw new Error(`${r.left._tag}: ${r.left.message}`);
  return r.right;
};

export const main = async (file: string, print: (line: string) => void = console.log, clock: Clock = systemClock): Promise<void> => {
  const store = createSqliteEventStore({ file, registry: ledgerRegistry, clock });
  const readModel = createSqliteReadModel({ file }); // the same file: read-model tables are prefixed rm_
  // Projects inline: a query sees every command before it. A rebuild or a large catch-up reads the
  // log in threads beside this one, each opening the file read-only.
  const ledger = createLedger({ store, readModel, clock, readers: { opener: sqliteStoreOpener(file) } });
  try {
    const plan = parsePlanText(readFileSync(PLAN_FILE, 'utf8'), PLAN_FILE);
    if (isLeft(plan)) throw new Error(plan.left.message);
    const imported = await must(ledger.importPlan(plan.right));
    print(`imported plan ${imported.planId}: ${imported.written} events written`);

    // Places and units by id (daoli, housing) or by the names people use (道里区, 市住建局).
    const gas = { task: 13, metric: 't13-gas-pipe-renewal', asOf: '2024-09-30', responsibleUnit: '市住建局' };
    const daoli = await must(ledger.report({ ...gas, place: '道里区', value: '120', source: { document: '哈住建报〔2024〕88号' } }));
    await must(ledger.report({ ...gas, place: 'nangang', value: '95.5' }));
    const fixed = await must(ledger.correct({ eventId: daoli.eventId, responsibleUnit: 'housing', value: '112', reason: '复核扣除重复计算的8公里' }));
    // A share: communities with meals / all communities. Two districts of eighteen do not meet
    // the city's target, however high their share: a share is met once every place has reported.
    const meals = { task: 10, metric: 't10-elderly-meal-coverage', asOf: '2024-09-30', responsibleUnit: '市民政局' };
    // Task 3: two yes/no duties, each its own unit's (市妇联, 市发改委), and a sum, 20 child-friendly
    // communities reported by either unit; the task is met once all three are.
    const friendly = { task: 3, metric: 't03-child-friendly-communities', asOf: '2024-09-30' };
    const duties = { task: 3, place: 'harbin', asOf: '2024-09-30', value: 'yes' };
    const more = [
      await must(ledger.report({ ...meals, place: 'daoli', numerator: '61', denominator: '112' })),
      await must(ledger.report({ ...meals, place: 'nangang', numerator: '80', denominator: '130' })),
      await must(ledger.report({ ...duties, metric: 't03-child-friendly-concept', responsibleUnit: '市妇联' })),
      await must(ledger.report({ ...duties, metric: 't03-child-friendly-key-projects', responsibleUnit: '市发改委' })),
      await must(ledger.report({ ...friendly, place: '道里区', value: '12', responsibleUnit: '市妇联' })),
      await must(ledger.report({ ...friendly, place: 'nangang', value: '8', responsibleUnit: 'ndrc' })),
    ];
    print(`reported ${daoli.eventId} at position ${daoli.position}; corrected by ${fixed.eventId} at position ${fixed.position}`);
    for (const r of more) if (r.completedTask) print(`task ${r.task} met every target with ${r.eventId}: TaskCompleted recorded`);

    // An expected refusal is a value, not an exception: switch on its tag. Nothing was written.
    const refused = await ledger.report({ ...gas, place: '道里区', value: '5', responsibleUnit: '市教育局' })();
    if (isLeft(refused)) {
      const f = refused.left;
      if (f._tag === 'NotResponsible') print(`refused ${f._tag} (unit ${f.unit}, task ${f.task}): ${f.message}`);
      else print(`refused ${f._tag}: ${f.message}`);
    }

    // Today's view. A view as of 2024-09-30 would show the figures of that day but not the
    // completion: it is dated the day it was recorded (today, on this clock), after that as-of date.
    const view = await must(ledger.status({ groupBy: 'task' }));
    for (const r of view.rows.filter((row) => [friendly.metric, meals.metric, gas.metric].includes(row.metric))) {
      const ratio = r.numerator !== null ? ` (${r.numerator}/${r.denominator})` : '';
      const task = r.completionRecorded ? 'task completed' : 'task open';
      print(
        `${r.placeName} ${r.metric}: ${r.value} ${r.unit}${ratio} from ${r.placesReported} of ${r.placesExpected} places, target ${r.target}, ${r.percent}% → ${r.status}, met: ${r.met}, ${task}`,
      );
    }

    const trail = await must(ledger.audit({ task: 13, metric: gas.metric, asOf: '2024-09-30' }));
    print(`audit ${trail.placeName} ${trail.metric} = ${trail.value} (${trail.rule})`);
    for (const e of trail.entries)
      print(`  #${e.position} ${e.type} ${e.placeName} ${e.figure} by ${e.unit} as of ${e.asOf}, recorded ${e.recordedAt}${e.reason ? `, reason: ${e.reason}` : ''}${e.inForce ? '' : ' (superseded)'}`);
    print(`replay of the events: ${trail.replay.value} (${trail.replay.matches ? 'matches' : 'DOES NOT MATCH'} the shown value)`);
  } finally {
    readModel.close();
    await store.close();
  }
};

if (require.main === module) {
  const file = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), 'minsheng-embed-')), 'ledger.db');
  main(file).then(
    () => console.log(`ledger file: ${file}`),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
