import { canonicalJson as ledgerCanonicalJson, ledgerRegistry } from '@minsheng/core';
import { canonicalJson as verifierCanonicalJson, entryHash, entryLeaf } from '@minsheng/verify';
import { createInMemoryEventStore } from './in-memory';
import { NO_STREAM } from './expected-revision';
import { logEntryOf, rowEntryText } from './log-tree';
import { makeTestEvents, ok } from './testing';

describe('the independent verifier reads events as the ledger writes them', () => {
  it("has the ledger's canonical JSON, on awkward values", () => {
    const awkward = [
      { b: 1, a: [undefined, null, 'x'], 'é': '\u0000\u001f"\\', '\ud83d\ude00': 0.1, z: undefined, n: { y: -0, x: 1e21 } },
      '道里区 \u2028', [], {}, true, 12345678901234567890,
    ];
    for (const v of awkward) expect(verifierCanonicalJson(v)).toBe(ledgerCanonicalJson(v));
  });

  it("recomputes each stored event's hash and leaf from its exported form", async () => {
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    await ok(store.append('progress-a', makeTestEvents(5), NO_STREAM));
    for (const e of await ok(store.readAll({ raw: true }))) {
      const entry = logEntryOf(e);
      expect(entryHash(entry)).toBe(e.hash);
      expect(entryLeaf(entry)).not.toBeNull();
    }
    expect(rowEntryText({ ...logEntryOf((await ok(store.readAll({ raw: true })))[0]!), data: '{}', metadata: '{}', storedAt: 'x', hashVersion: 3 })).toBeNull();
  });
});
