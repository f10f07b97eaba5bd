import { dateIn, type PlanFrame } from '@minsheng/core';
import { knownAtInstant, type KnownFrame, type LogState, type Moment, type UnitViewRow, type View } from '@minsheng/projections';

/**
 * Views kept per ledger between calls: a dashboard redraws the same views again and again, and
 * while the read model holds the same rows the same query has the same answer. The freshness
 * check (and, inline, the catch-up and the completion pass) still runs before every view, so a
 * read model that no longer matches the log is refused whatever is kept; only the snapshot and
 * the view built on it are skipped.
 */
export interface KeptViews {
  /** The view kept under `key`, as of `knownAt` (a view names the moment it was asked at). */
  get(key: string, knownAt: Date): AnyView | undefined;
  /** Keeps the view (frozen) under `key`; returns it. */
  set(key: string, view: AnyView): AnyView;
  /** Drops every view kept. */
  clear(): void;
  /** How many are kept. */
  readonly size: number;
}

type AnyView = View | View<UnitViewRow>;

/** Views kept at most, the least recently used dropped first. */
export const KEPT_VIEWS_MAX = 256;

/** What a view was asked after the ledger resolved its names: the plan, the grouping, the place and unit ids. */
export interface ViewAsked {
  readonly planId: string;
  readonly by: string;
  readonly place: string | undefined;
  readonly unit: string | undefined;
}

/** The read model's rows as the check before this call found them (`mark`: its change mark, null when it keeps none). */
export interface ServedState {
  readonly state: LogState;
  readonly mark: string | null;
}

/**
 * The key a view is kept under, or null when it may not be kept: everything the view depends on.
 * The read model's rows: its checkpoint and the hash of the event it applied there as the freshness
 * check read them, and its change mark (a row changed by hand moves it). The question: plan,
 * grouping, place, unit, and asOf as the snapshot resolves it (a default asOf is knownAt's date in
 * the plan's time zone). And knownAt, in one of two ways. The rows the view reads are those
 * recorded by knownAt; along positions recorded time never goes backwards from hash version 2 on
 * (docs/concepts.md), so no row is recorded later than the event at the checkpoint: from its
 * recorded time on, every knownAt reads the same rows, and they share one key ('latest': a
 * dashboard asking "now" again and again). Before it, or when that event is of hash version 1
 * (whose times were not clamped, so an earlier event may be recorded later), knownAt is in the key
 * to the millisecond. Only a knownAt for which the snapshot takes `known` (the frame the ledger
 * resolved) is kept: the frame is then the one the key's plan had at that moment.
 */
export const viewKey = (served: ServedState | null, asked: ViewAsked, q: Moment, now: Date, known: KnownFrame | undefined): { key: string; knownAt: Date } | null => {
  if (!served || !served.state.at || !known) return null;
  let knownAt: Date;
  try {
    knownAt = knownAtInstant(q.knownAt ?? now);
  } catch {
    return null; // the snapshot says why
  }
  const k = knownAt.getTime();
  if (k < known.record.recordedAt || k > known.readAt) return null;
  const { checkpoint, at } = served.state;
  const horizon = at.hashVersion >= 2 ? Date.parse(at.recordedAt) : Infinity;
  const asOf = q.asOf ?? dateIn(knownAt, known.record.data.timeZone);
  const key = JSON.stringify([checkpoint, at.hash, served.mark, asked.planId, asked.by, asked.place ?? null, asked.unit ?? null, asOf, k >= horizon ? 'latest' : k]);
  return { key, knownAt };
};

/**
 * The key of the read model's rows and the moment's class, for a frame resolved at `now`: null
 * when `now` is before the event at the checkpoint was recorded (or it is of hash version 1), where
 * a later moment might know a later revision. From that time on, every moment knows the same
 * plans and the same frames (see viewKey).
 */
export const frameKey = (served: ServedState | null, planId: string | undefined, now: Date): string | null => {
  if (!served || !served.state.at || served.state.at.hashVersion < 2 || now.getTime() < Date.parse(served.state.at.recordedAt)) return null;
  const { checkpoint, at } = served.state;
  return JSON.stringify([checkpoint, at.hash, served.mark, planId ?? null]);
};

/** Plan frames resolved by the ledger, kept by frameKey (a few: one a plan asked about). */
export const keptFrames = (keep = true, max = 16) => {
  const kept = new Map<string, { readonly frame: PlanFrame; readonly known: KnownFrame }>();
  return {
    /** The frame kept under `key`, as read at `now` (no revision can be later: see frameKey). */
    get: (key: string | null, now: Date) => {
      const found = key === null ? undefined : kept.get(key);
      return found && { frame: found.frame, known: { ...found.known, readAt: now.getTime() } };
    },
    set: (key: string | null, resolved: { readonly frame: PlanFrame; readonly known?: KnownFrame }) => {
      if (!keep || key === null || !resolved.known) return;
      if (kept.size >= max) kept.clear();
      kept.set(key, { frame: resolved.frame, known: resolved.known });
    },
    clear: () => kept.clear(),
  };
};

const deepFreeze = <A>(a: A): A => {
  if (a !== null && typeof a === 'object' && !Object.isFrozen(a)) {
    Object.freeze(a);
    for (const v of Object.values(a)) deepFreeze(v);
  }
  return a;
};

/** `keep` false: nothing is kept (every view is computed; nothing is held between calls). */
export const keptViews = (keep = true, max = KEPT_VIEWS_MAX): KeptViews => {
  const kept = new Map<string, AnyView>();
  return {
    get: (key, knownAt) => {
      const view = kept.get(key);
      if (!view) return undefined;
      // Most recently used last: a Map iterates in insertion order.
      kept.delete(key);
      kept.set(key, view);
      const at = knownAt.toISOString();
      return view.knownAt === at ? view : Object.freeze({ ...view, knownAt: at });
    },
    set: (key, view) => {
      if (!keep) return view;
      const frozen = deepFreeze(view);
      kept.delete(key);
      kept.set(key, frozen);
      while (kept.size > max) kept.delete(kept.keys().next().value!);
      return frozen;
    },
    clear: () => kept.clear(),
    get size() {
      return kept.size;
    },
  };
};
