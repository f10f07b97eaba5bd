export { createEventStoreDbStore, type EventStoreDbStoreOptions } from './store';
export { toEsdbExpectedRevision, fromEsdbExpectedRevision, fromEsdbCurrentRevision } from './revision';
export { mapEsdbError, type EsdbFailure } from './errors';
export { ulidToUuid, uuidToUlid, esdbEventId } from './event-id';
export { toLogEvent, fromLogEvent, LEDGER_FORMAT, type LogMetadata } from './codec';
export { ledgerStreams, DEFAULT_LEDGER, type LedgerStreams } from './names';
