import { rmSync } from 'node:fs';
import { ledgerRegistry } from '@minsheng/core';
import { NO_STREAM, storedTreeView, treeOfEvents } from '@minsheng/event-store';
import { makeTestEvents, ok } from '@minsheng/event-store/testing';
import { freshLedgerFile } from './contract-harness';
import { createSqliteEventStore } from './store';

let dir: string;
let file: string;
beforeEach(() => ({ dir, file } = freshLedgerFile()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/*
 * The store pairs a new leaf with the right edge it wrote last rather than reading the node
 * table each time. Nodes of a rolled-back transaction must not be paired with later: here
 * another connection writes different nodes at their places in between.
 */
describe('the right edge of the Merkle tree kept between appends', () => {
  it('pairs no leaf with a node of a refused batch that another writer then wrote differently', async () => {
    const one = createSqliteEventStore({ file, registry: ledgerRegistry });
    const two = createSqliteEventStore({ file, registry: ledgerRegistry });
    await ok(one.append('progress-a', makeTestEvents(4), NO_STREAM));
    // Writes leaves 4 and 5 and their node, then rolls them back: progress-a exists.
    const refused = await one.appendBatches([
      { stream: 'progress-b', events: makeTestEvents(2), expected: NO_STREAM },
      { stream: 'progress-a', events: makeTestEvents(1), expected: NO_STREAM },
    ])();
    expect(refused._tag).toBe('Left');
    await ok(two.append('progress-c', makeTestEvents(2), NO_STREAM));
    // Leaves 6 and 7 complete the subtree over 4–7, paired with the node over 4–5 two wrote.
    await ok(one.append('progress-d', makeTestEvents(2), NO_STREAM));

    const log = await ok(one.readAll({ raw: true }));
    const stored = storedTreeView(one.tree!, await one.tree!.leafCount());
    expect(stored.size).toBe(8);
    for (let n = 1; n <= 8; n++) expect((await stored.root(n)).toString('hex')).toBe(treeOfEvents(log).root(n).toString('hex'));
    await one.close();
    await two.close();
  });
});
