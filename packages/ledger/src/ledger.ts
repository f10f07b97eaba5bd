import { bottomPlaces, isTopPlace, systemClock, type Clock, type Plan, type PlanFrame, type StoredEvent } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import {
  auditTrail,
  catchUpReadModel,
  checkReadModel,
  comparePlans,
  rebuildReadModel,
  takeSnapshot,
  viewByDistrict,
  viewByTask,
  viewByUnit,
  type CatchUpOptions,
  type CatchUpResult,
  type LogState,
  type Moment,
  type PlanComparison,
  type ProjectionModel,
  type ReaderThreads,
  type ReadModelReader,
  type ReadModelWriter,
  type Snapshot,
  type UnitViewRow,
  type View,
} from '@minsheng/projections';
import { isLeft, right } from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { auditEvidence } from './audit-evidence';
import { judgeOwedCompletions, checkCompletion, type CompletionRecorded, type OnMismatch } from './completion';
import { resolvePlaceId, resolvePlan, resolveQueryFrame, resolveQueryFrameAt, resolveUnitId, type LedgerDeps } from './context';
import { checkDeadlines, type DeadlineMissedData } from './deadlines';
import { projectionFailed, queryFailed, writtenButNotProjected, type LedgerFailure } from './failure';
import { importPlan, type ImportOptions, type ImportResult } from './import-plan';
import { correct, report, retract, type CorrectInput, type Recorded, type ReportInput, type RetractInput } from './progress';
import { verifyChain, type VerifyResult } from './verify';
import { aliased, commandInput, type CorrectRequest, type ReportRequest, type RetractRequest } from './names';
import { initLedger, readLedgerSetting, writingDeps, type InitResult, type LedgerSetting } from './mode';
import type { LedgerMode } from '@minsheng/core';
import { readShown, shownEvents, withSignatures, type SignedAuditTrail } from './audit-signatures';
import { auditStreams } from './audit-streams';
import {
  disableSigning,
  enableSigning,
  registerUnitKey,
  revokeUnitKey,
  type DisableSigningInput,
  type EnableSigningInput,
  type KeyEventRecorded,
  type RegisterKeyInput,
  type RevokeKeyInput,
} from './key-events';
import { readSigningRecord, type SigningRecord } from './signing-record';
import { frameKey, keptFrames, keptViews, viewKey } from './kept-views';

export interface LedgerOptions {
  readonly store: EventStore;
  readonly readModel: { readonly reader: ReadModelReader; readonly writer: ReadModelWriter };
  /**
   * Injected time; default the system clock. Queries answer as of this clock on any ledger (a
   * read-only replay). Writes record by it only on a simulated ledger, where it must never read
   * earlier than the latest event (ClockBehindLedger), and without it at the latest event's time;
   * on a production ledger every write records the system clock's time, whatever this clock says.
   * See docs/concepts.md.
   */
  readonly clock?: Clock;
  /**
   * Bring the read model up to date after each command and run the completion policy
   * (embedded use). Turn off when projection workers maintain the read model.
   */
  readonly projectInline?: boolean;
  /**
   * Threads that read the log while a large catch-up or a rebuild writes the read model
   * (for SQLite: `{ opener: sqliteStoreOpener(file) }`). Without them, one thread does both.
   */
  readonly readers?: ReaderThreads;
  /**
   * A user's projections (createSqliteProjection), brought up to date after the ledger index
   * whenever it is (inline); with projectInline off, run them in workers (runWorker) instead.
   */
  readonly projections?: readonly ProjectionModel[];
  /**
   * Keep the streams audits read, checked, between audits (default true): a later audit reads
   * only the log's new events and the events it shows (see audit-streams.ts). False: every
   * audit reads its streams whole, and nothing is held in memory between audits.
   */
  readonly keepAuditStreams?: boolean;
  /**
   * Keep the last views computed (default true, at most 256): the same view asked
   * again while the read model holds the same rows is answered from the one kept, after the
   * freshness check (see kept-views.ts). False: every view is computed, and none is held.
   */
  readonly keepViews?: boolean;
}

/** How a status view is grouped: by task (the city's, or one district's), per district, per responsible unit. */
export type StatusGrouping = 'task' | 'district' | 'unit';

export interface StatusQuery extends Moment {
  readonly groupBy?: StatusGrouping;
  /** @deprecated use groupBy (the same values) */
  readonly by?: StatusGrouping;
  /** Place id or name, for `groupBy: 'district'`. */
  readonly place?: string;
  /** Responsible unit id or name, for `groupBy: 'unit'`. */
  readonly responsibleUnit?: string;
  /** @deprecated use responsibleUnit (the same value: a responsible unit's id or name) */
  readonly unit?: string;
}

/** A query grouped per responsible unit, under either name of the grouping. */
type ByUnit = { readonly groupBy: 'unit' } | { readonly by: 'unit'; readonly groupBy?: undefined };
/** A query grouped by task or per district, under either name of the grouping. */
type ByPlace = { readonly groupBy: 'task' | 'district' } | { readonly by: 'task' | 'district'; readonly groupBy?: undefined };

export interface AuditQuery extends Moment {
  readonly task: number;
  readonly metric: string;
  /** Place id or name; omitted or the city for the rolled-up figure. */
  readonly place?: string;
  /** Include superseded reports of the metric, not only the events behind the figures in force. */
  readonly history?: boolean;
}

/** Two plans side by side (year over year): the metrics they share, as each plan's city view shows them at `knownAt`. */
export interface CompareQuery {
  /** The earlier plan's id. */
  readonly from: string;
  /** The later plan's id. */
  readonly to: string;
  /**
   * What the ledger had recorded by then (default: now): a Date or an ISO 8601 time with its UTC
   * offset; each plan's figures are effective by that date in its time zone.
   */
  readonly knownAt?: Date | string;
}

export interface ReportResult extends Recorded {
  /** True when this report completed its task (TaskCompleted was recorded). */
  readonly completedTask: boolean;
}

/** A task of a plan. */
export interface TaskRef {
  readonly planId: string;
  readonly task: number;
}

/** What a sweep of every task (applyPoliciesToAll) did. */
export interface SweepResult {
  /** How many tasks it checked. */
  readonly checked: number;
  /** The tasks it recorded complete. */
  readonly completed: readonly TaskRef[];
  /**
   * The checks that failed (`task` null: the plan's own events could not be read, so none of its
   * tasks were checked); the sweep went on with the others.
   */
  readonly failed: readonly { readonly planId: string; readonly task: number | null; readonly failure: LedgerFailure }[];
  /**
   * Why it stopped before the last task: its signal aborted, or SWEEP_FAILING_IN_A_ROW checks
   * failed one after another (the store or read model is likely down: checking on would only
   * wait on it). null: it checked every task.
   */
  readonly stopped: 'aborted' | 'failing' | null;
}

/** Checks failing one after another that end a sweep (see SweepResult.stopped). */
export const SWEEP_FAILING_IN_A_ROW = 3;

export interface DeadlineCheckOptions {
  /**
   * Decide by the ledger's clock, as a query does, and write nothing: what a check at that time
   * would record (a production ledger records deadlines by the system clock only).
   */
  readonly dryRun?: boolean;
}

export interface Ledger {
  /**
   * Records the ledger's creation (LedgerCreated, its first event) in this mode. Nothing is
   * written when it has that mode already; a mode other than the one it has is refused (ModeRefused).
   */
  init(mode: LedgerMode): TE.TaskEither<LedgerFailure, InitResult>;
  /** The ledger's mode and the head of its log. */
  setting(): TE.TaskEither<LedgerFailure, LedgerSetting>;
  /**
   * Records the plan, or the targets that changed since it was last imported; `options` names the
   * revising document and why (kept with every TargetSet it writes, shown in the audit trail).
   */
  importPlan(plan: Plan, options?: ImportOptions): TE.TaskEither<LedgerFailure, ImportResult>;
  /** Records a figure; `responsibleUnit` reports it (`by` is its deprecated alias, `unit` that of `measure`). */
  report(input: ReportRequest): TE.TaskEither<LedgerFailure, ReportResult>;
  correct(input: CorrectRequest): TE.TaskEither<LedgerFailure, ReportResult>;
  retract(input: RetractRequest): TE.TaskEither<LedgerFailure, ReportResult>;
  checkDeadlines(planId?: string, options?: DeadlineCheckOptions): TE.TaskEither<LedgerFailure, DeadlineMissedData[]>;
  plan(planId?: string): TE.TaskEither<LedgerFailure, PlanFrame>;
  /** Every plan the read model holds, by id, as each stands now (its latest revision). */
  plans(): TE.TaskEither<LedgerFailure, PlanFrame[]>;
  /** The responsible-unit view: its rows are unit rows, with no narrowing needed. */
  status(query: StatusQuery & ByUnit): TE.TaskEither<LedgerFailure, View<UnitViewRow>>;
  /** The city view by task, or one district's. */
  status(query: StatusQuery & ByPlace): TE.TaskEither<LedgerFailure, View>;
  /** Without `groupBy`: per district when `place` is given, else per unit when `responsibleUnit` is, else by task. */
  status(query?: StatusQuery): TE.TaskEither<LedgerFailure, View | View<UnitViewRow>>;
  /** The figure's trail, each event with who signed it and whether the signature verifies (signatures). */
  audit(query: AuditQuery): TE.TaskEither<LedgerFailure, SignedAuditTrail>;
  /** Year over year: the metrics two plans share, each plan's figure and the change. */
  compare(query: CompareQuery): TE.TaskEither<LedgerFailure, PlanComparison>;
  project(onProgress?: (checkpoint: number, head: number) => void): TE.TaskEither<LedgerFailure, CatchUpResult>;
  /**
   * Runs the completion policy for the tasks these (projected) events report on. Inline
   * projection does this after every command; a projection worker calls it with each batch
   * it commits (runWorker's onApplied). Returns the tasks completed by this call.
   */
  applyPolicies(events: readonly StoredEvent[]): TE.TaskEither<LedgerFailure, number[]>;
  /**
   * Runs the completion policy for every task of every plan in the read model: a projection
   * worker's sweep (runWorker's onCaughtUp), for what no per-batch check saw: the events of a
   * catch-up in threads, of a batch whose worker died before checking it, and of a batch whose
   * check kept failing. isTransient tells a failure worth trying again for. Needs the read
   * model up to date, as applyPolicies does. A task (or a plan) whose check fails is listed and
   * the others are still checked (a task another process completed first is no failure); only
   * the read model failing to list the plans is a Left. Stops between tasks once `signal`
   * aborts, or once several checks in a row have failed (SweepResult.stopped).
   */
  applyPoliciesToAll(signal?: AbortSignal): TE.TaskEither<LedgerFailure, SweepResult>;
  rebuild(onProgress?: (checkpoint: number, head: number) => void): TE.TaskEither<LedgerFailure, CatchUpResult>;
  verify(onProgress?: (checked: number, head: number) => void): TE.TaskEither<LedgerFailure, VerifyResult>;
  /** Signed mode as the ledger stream records it, every key event's administrator signature checked. */
  signing(): TE.TaskEither<LedgerFailure, SigningRecord>;
  /** Turns signed mode on, naming the administrator's key (it signs this event too). */
  enableSigning(input: EnableSigningInput): TE.TaskEither<LedgerFailure, KeyEventRecorded>;
  /** Registers a responsible unit's verifier key, signed by the administrator. */
  registerKey(input: RegisterKeyInput): TE.TaskEither<LedgerFailure, KeyEventRecorded>;
  /** Revokes a unit's key, signed by the administrator; what it signed before still verifies. */
  revokeKey(input: RevokeKeyInput): TE.TaskEither<LedgerFailure, KeyEventRecorded>;
  /** Turns signed mode off, signed by the administrator. */
  disableSigning(input: DisableSigningInput): TE.TaskEither<LedgerFailure, KeyEventRecorded>;
}

/**
 * What serving a query found: the log's head at the freshness check (the kept audit streams are
 * brought up to it), and what the check read when the read model's rows are still the ones it
 * read (null: the catch-up after it applied events, or completions were recorded).
 */
interface Served {
  readonly head: number;
  readonly checked: { readonly state: LogState; readonly mark: string | null } | null;
}

export const createLedger = (options: LedgerOptions): Ledger => {
  const deps: LedgerDeps = { store: options.store, readModel: options.readModel, clock: options.clock ?? systemClock };
  const inline = options.projectInline ?? true;
  const catchUpOptions = (onProgress?: (c: number, h: number) => void): CatchUpOptions => ({
    ...(onProgress ? { onProgress } : {}),
    ...(options.readers ? { readers: options.readers } : {}),
  });
  const keptStreams = auditStreams(deps.store, options.keepAuditStreams ?? true);
  const keepViews = options.keepViews ?? true;
  const views = keptViews(keepViews);
  const frames = keptFrames(keepViews);
  /** The plan's frame at `now`: the one kept while the read model holds the same rows, else resolved (and kept). */
  const frameAt = (served: Served, planId: string | undefined, now: Date) => {
    const key = keepViews ? frameKey(served.checked, planId, now) : null;
    const found = frames.get(key, now);
    if (found) return TE.right(found);
    return pipe(
      resolveQueryFrameAt(deps, planId, now.getTime()),
      TE.map((resolved) => (frames.set(key, resolved), resolved)),
    );
  };
  /**
   * The trail of a figure from the events behind it (the kept streams, checked), every event it
   * shows read again by id, checked: the audit replays the events, not the read model's rows.
   */
  const auditFromEvents = (frame: PlanFrame, place: string | undefined, snap: Snapshot, q: AuditQuery, head: number | undefined) => {
    const city = place === undefined || isTopPlace(frame, place);
    const places = city ? bottomPlaces(frame).map((p) => p.id) : [place];
    const shown = q.history ? 'all' : (snap.metrics.find((m) => m.target.metric.id === q.metric)?.versions ?? []);
    return pipe(
      auditEvidence((streams) => keptStreams.read(streams, head), frame, q.task, q.metric, places, Date.parse(snap.moment.knownAt), snap.moment.asOf, shown),
      TE.bindTo('read'),
      TE.bindW('trail', ({ read }) => TE.fromEither(auditTrail(snap, read.evidence, q.task, q.metric, place, { history: q.history ?? false }))),
      TE.bindW('shown', ({ read, trail }) => readShown(deps, shownEvents(trail, read.taskEvents))),
    );
  };
  const project = (onProgress?: (c: number, h: number) => void, onChecked?: (state: LogState) => void): TE.TaskEither<LedgerFailure, CatchUpResult> =>
    pipe(
      catchUpReadModel(deps.store, deps.readModel, { ...catchUpOptions(onProgress), ...(onChecked ? { onChecked } : {}) }),
      // The same runner, one projection after another: each commits its own checkpoint.
      TE.chainFirstW(() => TE.sequenceSeqArray((options.projections ?? []).map((p) => catchUpReadModel(deps.store, p)))),
    );
  /**
   * The log's head, the read model's checkpoint and its change mark when a pass of the completion
   * policy over every plan last found nothing owed. While all three stay the same, the read model
   * holds the same rows and the same pass would find nothing again (it judges at PRESENT, not by
   * the clock): the next settle skips it. A view then costs the catch-up's few reads instead of
   * the policy's (four queries and a round of figures a plan). A row changed by hand moves the
   * mark, so a read model that would show a completion the events never earned is still refused.
   */
  let nothingOwedAt: string | null = null;
  /**
   * The catch-up and the state key (null: the read model keeps no mark), the mark read beside the
   * catch-up, not after it (one round trip fewer before a view). A mark read earlier can only be
   * older: a write after it moves the mark the next settle reads, so no pass is skipped that a
   * mark read later would have run; a catch-up that applied events costs one pass more, once.
   */
  const projectWithKey = (): TE.TaskEither<LedgerFailure, { key: string | null; served: Served }> => {
    const { reader } = deps.readModel;
    let checked: LogState | null = null;
    return pipe(
      TE.Do,
      TE.apS(
        'index',
        project(undefined, (state) => {
          checked = state;
        }),
      ),
      TE.apS('mark', reader.changeMark ? TE.tryCatch(() => reader.changeMark!(), projectionFailed) : TE.right(null)),
      TE.map(({ index, mark }) => ({
        key: mark === null ? null : `${index.head} ${index.checkpoint} ${mark}`,
        // Events applied after the check: the rows are no longer those the check read.
        served: { head: index.head, checked: checked && index.applied === 0 ? { state: checked, mark } : null },
      })),
    );
  };
  /**
   * Brings the read model up to date and records every completion owed (inline projection; a
   * worker does both otherwise): whatever the command, a completion that a process killed between
   * its report and the check never made is recorded first, dated by that report. `tasks` limits
   * the check to those task numbers (after an append: the command's first settle checked the rest).
   */
  const settle = (tasks?: readonly number[], onMismatch: OnMismatch = 'refuse'): TE.TaskEither<LedgerFailure, CompletionRecorded[]> =>
    !inline
      ? TE.right([])
      : pipe(
          settleServed(tasks, onMismatch),
          TE.map(({ recorded }) => recorded),
        );
  /** settle (inline), saying what the check before it read (see Served). */
  const settleServed = (tasks: readonly number[] | undefined, onMismatch: OnMismatch): TE.TaskEither<LedgerFailure, { recorded: CompletionRecorded[]; served: Served }> =>
    pipe(
      projectWithKey(),
      TE.chainW(({ key, served }) =>
        pipe(
          key !== null && key === nothingOwedAt
            ? TE.right([])
            : pipe(
                TE.tryCatch(() => deps.readModel.reader.planIds(), projectionFailed),
                // Owed completions are recorded as any write is (writingDeps): by the system clock on a
                // production ledger, at the head's time on a simulated one; they are dated by their cause.
                // The mode is read only when a completion is owed, not on every command.
                TE.chainW((planIds) =>
                  TE.sequenceSeqArray(planIds.map((id) => judgeOwedCompletions(deps, id, tasks, () => writingDeps(deps), onMismatch))),
                ),
                TE.map((passes) => {
                  if (tasks === undefined && passes.every((p) => p.owed === 0)) nothingOwedAt = key;
                  return passes.flatMap((p) => p.recorded);
                }),
              ),
          // Completions recorded: projected again, the rows are no longer those the check read.
          TE.chainW((recorded) =>
            recorded.length
              ? pipe(
                  project(),
                  TE.map((index) => ({ recorded, served: { head: index.head, checked: null } })),
                )
              : TE.right({ recorded, served }),
          ),
        ),
      ),
    );
  /** Once the event is in the log, a failure of what follows must say so (WrittenButNotProjected), so nobody records it again. */
  const afterProgress = (r: Recorded): TE.TaskEither<LedgerFailure, ReportResult> =>
    pipe(
      settle([r.task]),
      TE.map((recorded) => ({ ...r, completedTask: recorded.some((c) => c.cause.eventId === r.eventId) })),
      TE.mapLeft(writtenButNotProjected([{ eventId: r.eventId, position: r.position }])),
    );
  /** The task, if completed by this check: another process completing it first is not a failure (it is completed once). */
  const completeIfMet = (w: LedgerDeps, frame: PlanFrame, task: number): TE.TaskEither<LedgerFailure, number[]> =>
    pipe(
      checkCompletion(w, frame, task),
      TE.map((done) => (done ? [task] : [])),
    );
  /**
   * Before a view is served: the read model brought up to date (inline), or else checked against
   * the log, so a read model that applied events the log no longer holds never serves.
   */
  const serve = (onMismatch: OnMismatch = 'refuse'): TE.TaskEither<LedgerFailure, Served> =>
    inline
      ? pipe(
          settleServed(undefined, onMismatch),
          TE.map(({ served }) => served),
        )
      : TE.tryCatch(async () => {
          const { reader } = deps.readModel;
          // The mark beside the check, not after it (kept views are keyed by it): no round trip more.
          const [state, mark] = await Promise.all([checkReadModel(deps.store, reader), keepViews && reader.changeMark ? reader.changeMark() : null]);
          return { head: state.head, checked: { state, mark } };
        }, projectionFailed);
  const query = <A>(f: () => Promise<A>): TE.TaskEither<LedgerFailure, A> => TE.tryCatch(f, queryFailed);

  /** Runs a write with the deps its ledger's mode allows (see writingDeps). */
  const writing = <A>(f: (w: LedgerDeps) => TE.TaskEither<LedgerFailure, A>): TE.TaskEither<LedgerFailure, A> =>
    pipe(writingDeps(deps, options.clock), TE.chainW(f));

  return {
    init: (mode) => initLedger(deps, mode),
    setting: () => readLedgerSetting(deps.store),
    importPlan: (plan, importOptions) =>
      pipe(
        settle(),
        TE.chainW(() => writing((w) => importPlan(w, plan, importOptions))),
        TE.chainFirstW((r) => pipe(settle(), TE.mapLeft(writtenButNotProjected(r.events)))),
        TE.map(({ planId, written }) => ({ planId, written })),
      ),
    // The names are checked before anything is read: a request naming two different units writes nothing.
    report: (request) =>
      pipe(
        TE.fromEither(commandInput<ReportInput>(request)),
        TE.chainFirstW(() => settle()),
        TE.chainW((input) => writing((w) => pipe(report(w, input), TE.chainW(afterProgress)))),
      ),
    correct: (request) =>
      pipe(
        TE.fromEither(commandInput<CorrectInput>(request)),
        TE.chainFirstW(() => settle()),
        TE.chainW((input) => writing((w) => pipe(correct(w, input), TE.chainW(afterProgress)))),
      ),
    retract: (request) =>
      pipe(
        TE.fromEither(commandInput<RetractInput>(request)),
        TE.chainFirstW(() => settle()),
        TE.chainW((input) => writing((w) => pipe(retract(w, input), TE.chainW(afterProgress)))),
      ),
    checkDeadlines: (planId, options = {}) =>
      options.dryRun
        ? pipe(
            settle(),
            TE.chainW(() => resolvePlan(deps, planId)),
            TE.chainW((frame) => checkDeadlines(deps, frame, { write: false })),
          )
        : pipe(
            settle(),
            TE.chainW(() => writing((w) => pipe(resolvePlan(w, planId), TE.chainW((frame) => checkDeadlines(w, frame))))),
            TE.chainFirstW(() => settle()),
          ),
    // Naming the plan is no view: a completion the events do not back is left unrecorded here, and refused by the view that follows.
    plan: (planId) => pipe(settle(undefined, 'skip'), TE.chainW(() => resolvePlan(deps, planId))),
    plans: () =>
      pipe(
        serve(),
        TE.chainW(() =>
          query(async () => {
            const { reader } = deps.readModel;
            const at = deps.clock.now().getTime();
            const frames: PlanFrame[] = [];
            for (const id of await reader.planIds()) {
              const frame = await reader.frame(id, at);
              if (frame) frames.push(frame.data);
            }
            return frames;
          }),
        ),
      ),
    // One implementation behind the overloads above: `groupBy` picks the view, and so its rows.
    status: ((q: StatusQuery = {}) =>
      pipe(
        TE.fromEither(aliased('groupBy', q.groupBy, 'by', q.by)),
        TE.bindTo('groupBy'),
        TE.bindW('unitName', () => TE.fromEither(aliased('responsibleUnit', q.responsibleUnit, 'unit', q.unit))),
        TE.bindW('served', () => serve()),
        // One moment for the whole call: the snapshot takes the frame resolved here (see resolveQueryFrameAt).
        TE.bindW('now', () => TE.rightIO(() => deps.clock.now())),
        TE.bindW('resolved', ({ now, served }) => frameAt(served, q.planId, now)),
        TE.bindW('place', ({ resolved }) => (q.place === undefined ? TE.right(undefined) : resolvePlaceId(resolved.frame, q.place))),
        TE.bindW('unit', ({ resolved, unitName }) => (unitName === undefined ? TE.right(undefined) : resolveUnitId(resolved.frame, unitName))),
        TE.chainW(({ resolved: { frame, known }, now, place, unit, groupBy, served }) => {
          const by = groupBy ?? (place !== undefined ? 'district' : unit !== undefined ? 'unit' : 'task');
          const kept = keepViews ? viewKey(served.checked, { planId: frame.planId, by, place, unit }, q, now, known) : null;
          const found = kept && views.get(kept.key, kept.knownAt);
          if (found) return TE.right(found);
          return pipe(
            takeSnapshot(deps.readModel.reader, { ...q, planId: frame.planId }, now, known ? { frame: known } : {}),
            TE.map((snap) => {
              const view = by === 'district' ? viewByDistrict(snap, place) : by === 'unit' ? viewByUnit(snap, unit) : viewByTask(snap);
              return kept ? views.set(kept.key, view) : view;
            }),
          );
        }),
      )) as Ledger['status'],
    audit: (q) =>
      pipe(
        // A completion the events do not back is not recorded, and the audit goes on: its trail names the rows at fault.
        serve('skip'),
        TE.bindTo('served'),
        TE.bindW('now', () => TE.rightIO(() => deps.clock.now())),
        TE.bindW('resolved', ({ now, served }) => frameAt(served, q.planId, now)),
        TE.bindW('place', ({ resolved }) => (q.place === undefined ? TE.right(undefined) : resolvePlaceId(resolved.frame, q.place))),
        TE.bindW('snap', ({ resolved: { frame, known }, now }) =>
          takeSnapshot(deps.readModel.reader, { ...q, planId: frame.planId }, now, { metrics: [q.metric], ...(known ? { frame: known } : {}) }),
        ),
        TE.chainW(({ resolved: { frame }, place, snap, served }) => {
          // The kept streams are brought up to the head the check read, not read again. The read
          // model may have moved past it since (another process's catch-up), so a trail whose
          // replay does not match is made again with the head read after the snapshot, as before:
          // a fault it names is then the read model's, not this shortcut's.
          const attempt = (head: number | undefined) => auditFromEvents(frame, place, snap, q, head);
          const whole = () => (keptStreams.forget(), attempt(undefined));
          // Shown events whose rows changed since the kept streams were read: the streams are read whole again.
          return pipe(
            attempt(served.head),
            TE.chainW((found) => (found.shown.stale || found.trail.replay.matches ? TE.right(found) : attempt(undefined))),
            TE.chainW((found) => (found.shown.stale ? whole() : TE.right(found))),
          );

        }),
        TE.chainEitherKW(({ trail, shown, read }) => withSignatures(trail, read.ledgerEvents, shown.events, read.streamOf)),
      ),
    compare: (q) =>
      pipe(
        serve(),
        TE.chainW(() => resolveQueryFrame(deps, q.from)),
        TE.chainW(() => resolveQueryFrame(deps, q.to)),
        TE.chainW(() => {
          const now = deps.clock.now();
          const at = (planId: string) => ({ planId, ...(q.knownAt !== undefined ? { knownAt: q.knownAt } : {}) });
          return pipe(
            takeSnapshot(deps.readModel.reader, at(q.from), now),
            TE.bindTo('from'),
            TE.bindW('to', () => takeSnapshot(deps.readModel.reader, at(q.to), now)),
            TE.map(({ from, to }) => comparePlans(viewByTask(from), viewByTask(to))),
          );
        }),
      ),
    project,
    applyPolicies: (events) => {
      const tasks = new Map<string, Set<number>>();
      for (const e of events)
        if (e.type === 'ProgressReported' || e.type === 'ProgressCorrected' || e.type === 'ProgressRetracted') {
          const d = e.data as { planId: string; task: number };
          tasks.set(d.planId, (tasks.get(d.planId) ?? new Set()).add(d.task));
        }
      if (!tasks.size) return TE.right([]);
      return writing((w) => {
        const checks = [...tasks].flatMap(([planId, numbers]) =>
          [...numbers].map((task) => pipe(resolvePlan(w, planId), TE.chainW((frame) => completeIfMet(w, frame, task)))),
        );
        return pipe(TE.sequenceSeqArray(checks), TE.map((xs) => xs.flat()));
      });
    },
    applyPoliciesToAll: (signal) => async () => {
      const planIds = await TE.tryCatch(() => deps.readModel.reader.planIds(), queryFailed)();
      if (isLeft(planIds)) return planIds;
      const w = await writingDeps(deps, options.clock)();
      if (isLeft(w)) return w;
      let checked = 0;
      let inARow = 0;
      const completed: TaskRef[] = [];
      const failed: SweepResult['failed'][number][] = [];
      // Why to stop before the next check, if it must.
      let stopped: SweepResult['stopped'] = null;
      const mustStop = (): boolean => {
        stopped = signal?.aborted ? 'aborted' : inARow >= SWEEP_FAILING_IN_A_ROW ? 'failing' : null;
        return stopped !== null;
      };
      const failing = (planId: string, task: number | null, failure: LedgerFailure) => {
        failed.push({ planId, task, failure });
        inARow++;
      };
      plans: for (const planId of planIds.right) {
        if (mustStop()) break;
        const frame = await resolvePlan(deps, planId)();
        if (isLeft(frame)) {
          failing(planId, null, frame.left);
          continue;
        }
        for (const { number: task } of frame.right.tasks) {
          if (mustStop()) break plans;
          // Each check reads the clock when its turn comes.
          const r = await completeIfMet(w.right, frame.right, task)();
          checked++;
          if (isLeft(r)) failing(planId, task, r.left);
          else {
            inARow = 0;
            if (r.right.length) completed.push({ planId, task });
          }
        }
      }
      return right({ checked, completed, failed, stopped });
    },
    // No completion check: a rebuild runs as a role that writes the read model only (docs/postgres.md).
    rebuild: (onProgress) => {
      // A rebuild rewrites every row through this ledger's own connection, which moves no mark:
      // forget the idle state when it starts and again when it ends.
      const forget = <A>(a: A): A => {
        nothingOwedAt = null;
        // The same checkpoint, hash and mark (this connection's writes move no mark) over rows rewritten.
        views.clear();
        frames.clear();
        return a;
      };
      return pipe(
        TE.rightIO(() => forget(undefined)),
        TE.chainW(() => rebuildReadModel(deps.store, deps.readModel, catchUpOptions(onProgress))),
        TE.map(forget),
      );
    },
    verify: (onProgress) =>
      TE.tryCatch(() => verifyChain(deps.store, { ...(onProgress ? { onProgress } : {}), readModel: deps.readModel.reader }), projectionFailed),
    signing: () => readSigningRecord(deps.store),
    enableSigning: (input) => writing((w) => enableSigning(w, input)),
    registerKey: (input) => pipe(settle(), TE.chainW(() => writing((w) => registerUnitKey(w, input)))),
    revokeKey: (input) => pipe(settle(), TE.chainW(() => writing((w) => revokeUnitKey(w, input)))),
    disableSigning: (input) => writing((w) => disableSigning(w, input)),
  };
};
