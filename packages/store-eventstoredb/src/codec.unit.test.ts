import { chainHashV2, ledgerRegistry, type EventEnvelope } from '@minsheng/core';
import { chainRow, decodeRow, encodeEvent, NO_STREAM, type StoredRow } from '@minsheng/event-store';
import { makeTestEvent, makeTestEvents, makeV1Report } from '@minsheng/event-store/testing';
import { fromLinkedEvent, fromLogEvent, LEDGER_FORMAT, linkTarget, linkTo, toLogEvent } from './codec';
import { appendOverTheWire, eventResponse, resolved, storedRecord } from './esdb-wire.fixtures';
import { idLinkId, streamLinkId, ulidToUuid } from './event-id';
import { ledgerStreams } from './names';

const names = ledgerStreams('harbin2024');
const STORED_AT = '2024-07-01T01:30:00.000Z';

const stage = '🏗️ 施工中（二期）𠀀𩸽 👩‍👩‍👧 "quoted" \\ back\nslash \t tab \u0000 nul \ud800 lone \u2028 sep';
const envelopes: EventEnvelope[] = [
  makeTestEvent({ place: '松北区·太阳岛', figure: { kind: 'stage', stage }, actor: { unit: '哈尔滨市住房和城乡建设局', person: '李娜 🧑‍💼' }, note: '见附件𝌆：「冰雪大世界」周边' }),
  makeTestEvent({ figure: { kind: 'ratio', numerator: '3.78', denominator: '1000' } }),
  makeV1Report({ value: '2.55', unit: '万人' }),
];

/** Rows chained as an append would chain them: stream `progress-松北区-🏗️` from revision 4, log from position 11. */
const chained = (events: readonly EventEnvelope[], stream = 'progress-松北区-🏗️', revision = 4, position = 11): StoredRow[] => {
  let prevHash = 'a'.repeat(64);
  return events.map((e, i) => {
    const row = chainRow(prevHash, position + i, stream, revision + i, encodeEvent(e), STORED_AT);
    prevHash = row.hash;
    return row;
  });
};

/** Writes rows through the client's append, stores them as a server would, reads them back through the client. */
const throughTheWire = async (rows: readonly StoredRow[]) => {
  const { messages } = await appendOverTheWire(names.log, rows.map((r) => toLogEvent(r)), NO_STREAM);
  return messages.map((m, i) => storedRecord(names.log, BigInt(rows[i]!.position - 1), m));
};

describe('log events', () => {
  it('are JSON events with our id, type and data, and our envelope in their metadata', () => {
    const [row] = chained([envelopes[0]!]);
    const e = toLogEvent(row!);
    expect(e).toEqual({
      id: ulidToUuid(row!.eventId),
      contentType: 'application/json',
      type: 'ProgressReported',
      data: envelopes[0]!.data,
      metadata: {
        minsheng: LEDGER_FORMAT,
        eventId: row!.eventId,
        stream: 'progress-松北区-🏗️',
        revision: 4,
        schemaVersion: 2,
        metadata: envelopes[0]!.metadata,
        prevHash: 'a'.repeat(64),
        hash: row!.hash,
        storedAt: STORED_AT,
        hashVersion: 2,
        $correlationId: envelopes[0]!.metadata.correlationId,
      },
    });
  });

  it('come back through the client exactly as appended, unicode and all, and their hashes verify', async () => {
    const rows = chained(envelopes);
    const records = await throughTheWire(rows);
    records.forEach((record, i) => {
      const row = fromLogEvent(resolved(eventResponse(record)).event!);
      expect(row).toEqual({ _tag: 'Right', right: expect.objectContaining({ position: 11 + i, stream: 'progress-松北区-🏗️', revision: 4 + i }) });
      const raw = decodeRow((row as { right: StoredRow }).right, ledgerRegistry, true);
      expect(raw).toEqual({
        _tag: 'Right',
        right: {
          ...envelopes[i],
          stream: 'progress-松北区-🏗️',
          revision: 4 + i,
          position: 11 + i,
          prevHash: rows[i]!.prevHash,
          hash: rows[i]!.hash,
          storedAt: STORED_AT,
          hashVersion: 2,
        },
      });
      const e = (raw as { right: Parameters<typeof chainHashV2>[5] & { prevHash: string; hash: string } }).right;
      expect(chainHashV2(e.prevHash, 'progress-松北区-🏗️', 4 + i, 11 + i, STORED_AT, e)).toBe(e.hash);
    });
    const stageRead = decodeRow((fromLogEvent(resolved(eventResponse(records[0])).event!) as { right: StoredRow }).right, ledgerRegistry, false);
    expect((stageRead as { right: { data: { figure: { stage: string } } } }).right.data.figure.stage).toBe(stage);
  });

  it('are upcast on read unless raw', async () => {
    const [record] = await throughTheWire(chained([envelopes[2]!]));
    const row = (fromLogEvent(resolved(eventResponse(record)).event!) as { right: StoredRow }).right;
    expect(decodeRow(row, ledgerRegistry, true)).toMatchObject({ right: { schemaVersion: 1, data: envelopes[2]!.data } });
    expect(decodeRow(row, ledgerRegistry, false)).toMatchObject({ right: { schemaVersion: 2, data: { figure: { kind: 'quantity', value: '2.55', unit: '万人' } } } });
  });

  it('written before hash v2 (no hashVersion in their metadata) read as version 1', async () => {
    const [record] = await throughTheWire(chained([envelopes[1]!]));
    const metadata = JSON.parse(Buffer.from(record.getCustomMetadata_asU8()).toString('utf8')) as Record<string, unknown>;
    expect(metadata['hashVersion']).toBe(2);
    delete metadata['hashVersion'];
    record.setCustomMetadata(Buffer.from(JSON.stringify(metadata), 'utf8'));
    expect(fromLogEvent(resolved(eventResponse(record)).event!)).toMatchObject({ _tag: 'Right', right: { hashVersion: 1, storedAt: STORED_AT } });
  });

  it('stay under the server’s default 1 MiB append limit for the 1,000 events of the contract’s large batch', async () => {
    const { messages } = await appendOverTheWire(names.log, chained(makeTestEvents(1000)).map((r) => toLogEvent(r)), NO_STREAM);
    const bytes = messages.reduce((n, m) => n + m.getData_asU8().length + m.getCustomMetadata_asU8().length, 0);
    expect(bytes).toBeLessThan(1024 * 1024);
  });
});

describe('damaged log events read as CorruptEvent naming the position', () => {
  const damaged = async (damage: (record: { setData(b: Uint8Array): void; setCustomMetadata(b: Uint8Array): void }, metadata: Record<string, unknown>) => void) => {
    const [row] = chained([makeTestEvent()], 'progress-7-daoli', 0, 4);
    const [record] = await throughTheWire([row!]);
    const metadata = JSON.parse(Buffer.from(record.getCustomMetadata_asU8()).toString('utf8'));
    damage(record, metadata);
    return { row: row!, read: fromLogEvent(resolved(eventResponse(record)).event!) };
  };
  const json = (x: unknown) => Buffer.from(JSON.stringify(x), 'utf8');

  it.each([
    ['data that is not JSON', (r: { setData(b: Uint8Array): void }) => r.setData(Buffer.from('{"planId":"harbin-2024-livelihood","task":7,"metric":'))],
    ['metadata that is not JSON', (r: { setCustomMetadata(b: Uint8Array): void }) => r.setCustomMetadata(Buffer.from('{"minsheng":1,'))],
    ['metadata without hashes', (r: { setCustomMetadata(b: Uint8Array): void }, m: Record<string, unknown>) => r.setCustomMetadata(json({ ...m, hash: undefined }))],
    ['metadata of another layout', (r: { setCustomMetadata(b: Uint8Array): void }, m: Record<string, unknown>) => r.setCustomMetadata(json({ ...m, minsheng: 2 }))],
    ['no metadata at all', (r: { setCustomMetadata(b: Uint8Array): void }) => r.setCustomMetadata(new Uint8Array())],
  ])('%s', async (_what, damage) => {
    const { row, read } = await damaged(damage as never);
    expect(read).toMatchObject({ _tag: 'Left', left: { _tag: 'CorruptEvent', position: 4 } });
    // The id is still named when only the data is damaged.
    if (_what === 'data that is not JSON') expect(read).toMatchObject({ left: { eventId: row.eventId } });
  });
});

describe('links', () => {
  const [row] = chained([makeTestEvent()], 'progress-7-daoli', 3, 8);

  const linkedRead = async (linkRevision: bigint) => {
    const [target] = await throughTheWire([row!]);
    const { messages } = await appendOverTheWire(names.stream('progress-7-daoli'), [linkTo(names.log, 8, streamLinkId(row!.eventId))], 2n);
    const link = storedRecord(names.stream('progress-7-daoli'), linkRevision, messages[0]);
    return { target, link };
  };

  it('point at a log position, and resolve to the event they stand for', async () => {
    const { target, link } = await linkedRead(3n);
    const r = resolved(eventResponse(target, link));
    expect(linkTarget(r.link, names.log)).toBe(8);
    expect(linkTarget(r.link, ledgerStreams('another').log)).toBeNull();
    expect(fromLinkedEvent(r, names.log, { stream: 'progress-7-daoli', revision: 3 })).toEqual({ _tag: 'Right', right: row });
    expect(fromLinkedEvent(r, names.log, { eventId: row!.eventId })).toEqual({ _tag: 'Right', right: row });
  });

  it('whose event is gone (the server could not resolve them) are a CorruptEvent at the position they point at', async () => {
    const { link } = await linkedRead(3n);
    expect(fromLinkedEvent(resolved(eventResponse(link)), names.log, { stream: 'progress-7-daoli', revision: 3 })).toMatchObject({
      _tag: 'Left',
      left: { _tag: 'CorruptEvent', position: 8 },
    });
  });

  it('that lead to another event than the one they stand for are a CorruptEvent', async () => {
    const { target, link } = await linkedRead(5n);
    const r = resolved(eventResponse(target, link));
    expect(fromLinkedEvent(r, names.log, { stream: 'progress-7-daoli', revision: 5 })).toMatchObject({ _tag: 'Left', left: { _tag: 'CorruptEvent', position: 8 } });
    expect(fromLinkedEvent(r, names.log, { eventId: makeTestEvent().eventId })).toMatchObject({ _tag: 'Left', left: { _tag: 'CorruptEvent' } });
  });

  it('have ids of their own, so a repeated link write is the same write', async () => {
    const { messages } = await appendOverTheWire(names.id(row!.eventId), [linkTo(names.log, 8, idLinkId(row!.eventId))], NO_STREAM);
    expect(messages[0].getId().getString()).toBe(idLinkId(row!.eventId));
    expect(Buffer.from(messages[0].getData_asU8()).toString('utf8')).toBe(`7@${names.log}`);
    expect(messages[0].getMetadataMap().get('type')).toBe('$>');
  });
});
