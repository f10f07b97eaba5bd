import { storeUnavailable } from '@minsheng/event-store';
import { projectionFailed } from '@minsheng/ledger';
import { chooseLanguage } from './language';
import { projectionReason, refusalOf } from './refusals';

/*
 * Why projections or the event store failed, in the reader's language: a worker's error line, a
 * write not projected, a damaged read model. English as written, Chinese with no English word but
 * the projection's name and the system's own codes.
 */
/** What the event store says when its database is down (the system's own error, in whatever language it speaks: here one with no words). */
const DOWN = storeUnavailable(new Error('ECONNREFUSED 127.0.0.1:5432')).message;

/** As projections/src (batch-read.ts, read-model/*.ts, worker.ts, reader-thread*.ts) writes it, and its last part. */
const REASONS: readonly string[] = [
  'ledger-index: applying positions 92..92 failed: SQLITE_CONSTRAINT_TRIGGER',
  'ledger-index: applying an empty batch at position 91 failed: SQLITE_BUSY',
  `ledger-index: reading after position 91 failed: ${DOWN}`,
  `ledger-index: reading the head of the log failed: ${DOWN}`,
  `ledger-index: reading positions 92..2091 failed: ${DOWN}`,
  `ledger-index: reading position 91 failed: ${DOWN}`,
  DOWN,
  `reading after position 40000 failed: ${DOWN}`,
  'reading after position 40000 failed: the reader thread has no open store',
  `a reader thread failed: reading after position 40000 failed: ${DOWN}`,
];

describe('why projections or the event store failed', () => {
  afterAll(() => chooseLanguage('en'));

  it.each(REASONS)('%s: English as written, Chinese with no English word', (reason) => {
    chooseLanguage('en');
    expect(projectionReason(reason)).toBe(reason);
    chooseLanguage('zh-CN');
    const zh = projectionReason(reason);
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(zh.replace(/ledger-index|SQLITE_\w+|ECONNREFUSED/g, '')).not.toMatch(/[A-Za-z]{2,}/);
  });

  it('keeps a system error it does not know as written', () => {
    chooseLanguage('zh-CN');
    expect(projectionReason('SQLITE_BUSY: database is locked')).toBe('SQLITE_BUSY: database is locked');
  });
});

describe('a failure of the read model or the store, as a command says it', () => {
  afterAll(() => chooseLanguage('en'));

  it.each([
    [projectionFailed(new Error('ledger-index: applying positions 92..92 failed: 磁盘已满')), 'ledger-index：应用位置 92..92 失败：磁盘已满'],
    [storeUnavailable(new Error('ECONNREFUSED 127.0.0.1:5432')), '事件存储出错：ECONNREFUSED 127.0.0.1:5432'],
  ])('%j', (failure, zh) => {
    chooseLanguage('en');
    expect(refusalOf(failure)).toBe(failure.message);
    chooseLanguage('zh-CN');
    expect(refusalOf(failure)).toBe(zh);
  });
});
