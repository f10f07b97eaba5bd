/**
 * Stream boundaries. A plan's frame is one stream; each task's targets, completion and
 * missed deadlines are one stream; and progress has one stream per (metric, place), so
 * districts reporting at the same time never contend for one stream's revision.
 */
/** The ledger's own stream: its LedgerCreated event. */
export const LEDGER_STREAM = 'ledger';
export const planStream = (planId: string): string => `plan-${planId}`;
export const taskStream = (planId: string, task: number): string => `task-${planId}-${task}`;
export const progressStream = (planId: string, metric: string, place: string): string =>
  `progress-${planId}-${metric}-${place}`;

export type StreamCategory = 'plan' | 'task' | 'progress';
export const streamCategory = (stream: string): StreamCategory | undefined => {
  const c = stream.slice(0, stream.indexOf('-'));
  return c === 'plan' || c === 'task' || c === 'progress' ? c : undefined;
};
