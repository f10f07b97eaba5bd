import { checkLog, isFault, MemoryTree, type Checkpoint, type LogFault } from '@minsheng/verify';
import { iterateAll, StoreFailure } from './catch-up';
import { logEntryOf, memoryTreeView, storedTreeView, type TreeView } from './log-tree';
import type { EventStore } from './port';

/**
 * The log checked against a kept checkpoint, as `minsheng verify --checkpoint` does: the chain
 * walked and the Merkle tree recomputed from the raw events (with @minsheng/verify's own code,
 * trusting nothing stored), each recomputed leaf against the leaf the store kept when it
 * appended (this names the first rewritten event even when every chain hash was recomputed),
 * and the root at the checkpoint's size against the root it signs.
 */
export const checkLogAgainst = async (store: EventStore, checkpoint: Checkpoint | null): Promise<{ tree: MemoryTree; headHash: string } | LogFault> => {
  const entries = [];
  try {
    for await (const e of iterateAll(store, { raw: true, batchSize: 1000 })) entries.push(logEntryOf(e));
  } catch (err) {
    // An event whose stored JSON no longer parses: the first bad position, like any other.
    if (err instanceof StoreFailure && err.error._tag === 'CorruptEvent') return { position: err.error.position, eventId: err.error.eventId, reason: err.error.message };
    throw err;
  }
  const checked = checkLog(entries);
  if (isFault(checked)) return checked;
  const { tree } = checked;
  if (store.tree) {
    const kept = await store.tree.nodes(entries.map((_, i) => ({ level: 0, index: i })));
    for (let i = 0; i < tree.size; i++)
      if (!kept[i] || !kept[i]!.equals(tree.node(0, i)))
        return { position: i + 1, eventId: entries[i]!.eventId, reason: kept[i] ? 'it differs from the event the Merkle tree recorded when it was appended' : 'the Merkle tree never recorded it: it was not appended by the ledger' };
  }
  if (checkpoint) {
    if (tree.size < checkpoint.size)
      return { position: tree.size + 1, eventId: null, reason: `the log ends at ${tree.size} but the checkpoint of ${checkpoint.time} signs ${checkpoint.size} events: events were removed` };
    if (!tree.root(checkpoint.size).equals(checkpoint.root))
      return { position: 1, eventId: null, reason: `the first ${checkpoint.size} events do not have the root the checkpoint of ${checkpoint.time} signs: history was rewritten (the stored tree was rewritten with it, so no single event can be named)` };
  }
  return checked;
};

/** The tree proofs are read from: the store's own when it keeps one, else computed from the log. */
export const logTreeView = async (store: EventStore): Promise<TreeView> => {
  if (store.tree) return storedTreeView(store.tree, await store.tree.leafCount());
  const entries = [];
  for await (const e of iterateAll(store, { raw: true, batchSize: 1000 })) entries.push(logEntryOf(e));
  const checked = checkLog(entries);
  if (isFault(checked)) throw new Error(`event at position ${checked.position} fails verification: ${checked.reason}`);
  return memoryTreeView(checked.tree);
};
