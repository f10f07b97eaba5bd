import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ledgerRegistry } from '@minsheng/core';
import { NO_STREAM, storedTreeView, treeOfEvents } from '@minsheng/event-store';
import { makeTestEvents, ok } from '@minsheng/event-store/testing';
import { verifyInclusion } from '@minsheng/verify';
import { freshLedgerFile } from './contract-harness';
import { createSqliteEventStore } from './store';

let dir: string;
let file: string;
beforeEach(() => ({ dir, file } = freshLedgerFile()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/* A proof reads all its nodes in one statement; each answer must land at the key it answers. */
describe("the Merkle tree's stored nodes read a proof at a time", () => {
  it('gives every key its own node, in the order asked, and nothing for a key it lacks', async () => {
    const store = createSqliteEventStore({ file, registry: ledgerRegistry });
    await ok(store.append('progress-a', makeTestEvents(13), NO_STREAM));
    const log = await ok(store.readAll({ raw: true }));
    const memory = treeOfEvents(log);
    const keys = [
      { level: 2, index: 1 },
      { level: 0, index: 12 },
      { level: 3, index: 0 },
      { level: 0, index: 13 },
      { level: 0, index: 3 },
    ];
    const found = await store.tree!.nodes(keys);
    expect(found.map((h) => h?.toString('hex'))).toEqual([
      memory.node(2, 1).toString('hex'),
      memory.node(0, 12).toString('hex'),
      memory.node(3, 0).toString('hex'),
      undefined,
      memory.node(0, 3).toString('hex'),
    ]);
    expect(await store.tree!.nodes([])).toEqual([]);
    await store.close();
  });

  it('proves from one read a proof, and names the node a damaged file lacks', async () => {
    const store = createSqliteEventStore({ file, registry: ledgerRegistry });
    await ok(store.append('progress-a', makeTestEvents(21), NO_STREAM));
    const view = storedTreeView(store.tree!, 21);
    const root = await view.root();
    const leaves = treeOfEvents(await ok(store.readAll({ raw: true })));
    for (let i = 0; i < 21; i++) expect(verifyInclusion(i, 21, leaves.node(0, i), await view.inclusion(i), root)).toBe(true);

    // A leaf removed behind the store's back (its trigger dropped first).
    const raw = new Database(file);
    raw.exec('DROP TRIGGER events_no_update');
    raw.prepare('UPDATE events SET leaf = NULL WHERE position = 6').run();
    raw.close();
    await expect(view.inclusion(4)).rejects.toThrow("the store's Merkle tree has no node at level 0, index 5");
    // Proofs that do not need it still hold.
    expect(verifyInclusion(20, 21, leaves.node(0, 20), await view.inclusion(20), root)).toBe(true);
    // And a stored node, which the leaves under it cannot stand in for: position 16 completed
    // levels 1 to 4, and its row is cut to the first three.
    const again = new Database(file);
    again.prepare('UPDATE events SET nodes = substr(nodes, 1, 96) WHERE position = 16').run();
    again.close();
    await expect(view.inclusion(17)).rejects.toThrow("the store's Merkle tree has no node at level 4, index 0");
    await store.close();
  });
});
