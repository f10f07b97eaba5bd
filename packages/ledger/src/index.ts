// The embedding API: createLedger, the names its calls take, and how they fail.
export {
  createLedger,
  SWEEP_FAILING_IN_A_ROW,
  type AuditQuery,
  type CompareQuery,
  type DeadlineCheckOptions,
  type Ledger,
  type LedgerOptions,
  type ReportResult,
  type StatusGrouping,
  type StatusQuery,
  type SweepResult,
  type TaskRef,
} from './ledger';
export * from './names';
export * from './promises';
export * from './opening';
export * from './failure';
export * from './completion-retries';
export { clockBehindLedger, readLedgerSetting } from './mode';
// The types the calls above take and give; the functions behind them (report(deps, …),
// resolvePlan, writingDeps, …) are the ledger's own and stay out.
export type * from './mode';
export type * from './progress';
export type * from './figure-input';
export type * from './context';
export type * from './import-plan';
export type * from './completion';
export type * from './deadlines';
export type * from './verify';
export * from './signing-failure';
export * from './signing-record';
export * from './unit-signature';
export * from './key-events';
export * from './audit-signatures';
