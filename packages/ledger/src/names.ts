import { invalidInput, type LedgerError } from '@minsheng/core';
import { left, right, type Either } from 'fp-ts/Either';
import type { ActorInput } from './context';
import type { FigureInput } from './figure-input';
import type { CorrectInput, ReportInput, RetractInput } from './progress';

/*
 * The names a ledger call takes. A word keeps one meaning across neighbouring calls:
 * `responsibleUnit` is always a responsible unit (who reports, whose view), `measure` a unit of
 * measure, `groupBy` how a view is grouped. The old names (`by`, `unit`) still work as
 * deprecated aliases; the commands inside the ledger keep them (see ActorInput, FigureInput).
 */

/** Who acts: the responsible unit, by id or name (市住建局 or housing). */
export type Acting =
  | {
      readonly responsibleUnit: string;
      /** @deprecated use responsibleUnit */
      readonly by?: string;
    }
  | {
      /** @deprecated use responsibleUnit (the same value: a responsible unit's id or name) */
      readonly by: string;
      readonly responsibleUnit?: string;
    };

/** The figure's unit of measure (公里); default the target's. */
export interface Measured {
  readonly measure?: string;
  /** @deprecated use measure (the same value: a unit of measure) */
  readonly unit?: string;
}

export type ReportRequest = Omit<ReportInput, keyof ActorInput | keyof FigureInput> & Omit<ActorInput, 'by'> & Omit<FigureInput, 'unit'> & Acting & Measured;
export type CorrectRequest = Omit<CorrectInput, keyof ActorInput | keyof FigureInput> & Omit<ActorInput, 'by'> & Omit<FigureInput, 'unit'> & Acting & Measured;
export type RetractRequest = Omit<RetractInput, keyof ActorInput> & Omit<ActorInput, 'by'> & Acting;

/** A new name and its deprecated alias as one value: the one given, refused when both are given and differ. */
export const aliased = (name: string, value: string | undefined, alias: string, old: string | undefined): Either<LedgerError, string | undefined> =>
  value !== undefined && old !== undefined && value !== old
    ? left(invalidInput(name, `"${value}" and ${alias} (its deprecated alias) "${old}" differ; give ${name} alone`))
    : right(value ?? old);

/** A request in the commands' own names (`by`, `unit`): ReportInput, CorrectInput or RetractInput. */
export const commandInput = <I extends { by: string; unit?: string }>(request: Acting & Measured & Omit<I, 'by' | 'unit'>): Either<LedgerError, I> => {
  const { responsibleUnit, by, measure, unit, ...rest } = request;
  const actor = aliased('responsibleUnit', responsibleUnit, 'by', by);
  if (actor._tag === 'Left') return actor;
  if (actor.right === undefined) return left(invalidInput('responsibleUnit', 'name the responsible unit that acts (its id or name)'));
  const measured = aliased('measure', measure, 'unit', unit);
  if (measured._tag === 'Left') return measured;
  // The rest is I's own fields: only the names above were taken out.
  return right({ ...rest, by: actor.right, ...(measured.right !== undefined ? { unit: measured.right } : {}) } as unknown as I);
};
