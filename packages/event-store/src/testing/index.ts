import type { EventStore } from '../port';
import { appendContract } from './contract-append';
import { chainContract } from './contract-chain';
import { conditionContract } from './contract-condition';
import { checkedReadContract } from './contract-checked';
import { idempotencyContract } from './contract-idempotency';
import { readContract } from './contract-read';
import { filterContract } from './contract-filter';
import { schemaContract } from './contract-schema';
import { subscribeContract } from './contract-subscribe';
import { contractBatches } from './contract-batches';
import { recordedTimeContract } from './contract-time';
import { treeContract } from './contract-tree';
import { contractClock, type ContractOptions, type Kit } from './harness';

export * from './factory';
export * from './tampering';
export {
  contractClock,
  corruptedColumn,
  corruptedField,
  fails,
  ok,
  snapshot,
  waitFor,
  type ContractClock,
  type Corruption,
  type ContractOptions,
  type Kit,
} from './harness';
export { inMemoryHarness, type InMemoryHarness } from './in-memory-hooks';
/** The in-memory store's rows, for tests that damage a log as an intruder with the tables' owner rights would. */
export { inMemoryInternals } from '../in-memory';

/**
 * The one suite every EventStore adapter passes. Call it at the top level of a jest test
 * file: `runEventStoreContract('sqlite', { create, cleanup, seedRaw, corrupt })`.
 * Each test gets a fresh store from `create` and closes it afterwards. Tests that need a
 * hook the adapter does not give are reported as skipped.
 */
export const runEventStoreContract = <H extends { readonly store: EventStore }>(name: string, options: ContractOptions<H>): void => {
  describe(`${name}: EventStore contract`, () => {
    let harness: H | undefined;
    const current = (): H => {
      if (!harness) throw new Error('the contract harness was not created');
      return harness;
    };
    const { seedRaw, corrupt } = options;
    const clock = contractClock();
    const kit: Kit = {
      store: () => current().store,
      clock,
      seedRaw: seedRaw && ((stream, event) => seedRaw(current(), stream, event)),
      corrupt: corrupt && ((position, damage) => corrupt(current(), position, damage)),
      largeBatch: options.largeBatch ?? 5000,
    };

    beforeEach(async () => {
      clock.set(undefined);
      harness = await options.create(clock);
    });
    afterEach(async () => {
      const h = harness;
      harness = undefined;
      if (!h) return;
      await h.store.close();
      await options.cleanup?.(h);
    });

    appendContract(kit);
    conditionContract(kit);
    idempotencyContract(kit);
    readContract(kit);
    filterContract(kit);
    schemaContract(kit);
    chainContract(kit);
    treeContract(kit);
    checkedReadContract(kit);
    recordedTimeContract(kit);
    contractBatches(kit);
    subscribeContract(kit);
  });
};
