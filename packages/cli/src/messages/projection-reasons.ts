/*
 * Why projections or the event store failed, as they write it (projections/src: batch-read.ts,
 * read-model/*.ts, worker.ts, reader-thread*.ts; event-store/src/errors.ts), said again in the
 * reader's language (refusals.ts: projectionReason reads each English text back as a pattern). A
 * worker's error line, a write not projected and a damaged read model name them. The system's
 * error within ({reason} last) stays as written. Spread at the end of both catalogues.
 */
export const projectionReasonsEn = {
  'projection.reason.applying': '{projection}: applying positions {from}..{to} failed: {reason}',
  'projection.reason.applyingEmpty': '{projection}: applying an empty batch at position {position} failed: {reason}',
  'projection.reason.readingAfter': '{projection}: reading after position {position} failed: {reason}',
  'projection.reason.readingHead': '{projection}: reading the head of the log failed: {reason}',
  'projection.reason.readingPositions': '{projection}: reading positions {from}..{to} failed: {reason}',
  'projection.reason.readingPosition': '{projection}: reading position {position} failed: {reason}',
  'projection.reason.store': 'the event store failed: {reason}',
  'projection.reason.readerAfter': 'reading after position {position} failed: {reason}',
  'projection.reason.readerNoStore': 'the reader thread has no open store',
  'projection.reason.readerThread': 'a reader thread failed: {reason}',
} as const;

export const projectionReasonsZh: { readonly [K in keyof typeof projectionReasonsEn]: string } = {
  'projection.reason.applying': '{projection}：应用位置 {from}..{to} 失败：{reason}',
  'projection.reason.applyingEmpty': '{projection}：在位置 {position} 应用空批次失败：{reason}',
  'projection.reason.readingAfter': '{projection}：读取位置 {position} 之后的事件失败：{reason}',
  'projection.reason.readingHead': '{projection}：读取日志头失败：{reason}',
  'projection.reason.readingPositions': '{projection}：读取位置 {from}..{to} 失败：{reason}',
  'projection.reason.readingPosition': '{projection}：读取位置 {position} 失败：{reason}',
  'projection.reason.store': '事件存储出错：{reason}',
  'projection.reason.readerAfter': '读取位置 {position} 之后的事件失败：{reason}',
  'projection.reason.readerNoStore': '读取线程没有打开的存储',
  'projection.reason.readerThread': '读取线程失败：{reason}',
};
