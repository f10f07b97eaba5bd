export { buildProgram, run } from './program';
export { CliFailure, type ExitCode } from './failure';
export { ledgerLocation, type LedgerLocation } from './options';
export { openLedger, withLedger, type OpenLedger, type OpenOptions } from './open-ledger';
