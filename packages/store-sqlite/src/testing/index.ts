export { corruptStoredEvent, freshLedgerFile } from '../contract-harness';
