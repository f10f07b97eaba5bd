import { FigureSchema, invalidFigure, kindPhrase, type Figure, type LedgerError, type Target } from '@minsheng/core';
import { left, right, type Either } from 'fp-ts/Either';

/** A figure as a person or a form gives it; `figureFrom` shapes it for the target's kind. */
export interface FigureInput {
  readonly figure?: Figure;
  readonly value?: string;
  /** Defaults to the target's unit. */
  readonly unit?: string;
  readonly numerator?: string;
  readonly denominator?: string;
  readonly stage?: string;
}

const YES = new Set(['yes', 'true', '是', 'y']);
const NO = new Set(['no', 'false', '否', 'n']);

export const figureFrom = (target: Target, input: FigureInput): Either<LedgerError, Figure> => {
  let candidate: unknown = input.figure;
  if (candidate === undefined)
    switch (target.kind) {
      case 'atLeast':
      case 'approximate':
      case 'ceiling':
        if (input.value === undefined) return left(invalidFigure('value', `${kindPhrase(target.kind)} target needs a value in ${target.unit}`));
        candidate = { kind: 'quantity', value: input.value, unit: input.unit ?? target.unit };
        break;
      case 'share':
      case 'rate':
        if (input.numerator === undefined || input.denominator === undefined)
          return left(
            invalidFigure(
              input.numerator === undefined ? 'numerator' : 'denominator',
              `${kindPhrase(target.kind)} target needs a numerator (${target.numerator}) and a denominator (${target.denominator})`,
            ),
          );
        candidate = { kind: 'ratio', numerator: input.numerator, denominator: input.denominator };
        break;
      case 'milestone':
        if (input.stage === undefined)
          return left(invalidFigure('stage', `a milestone target needs a stage (${target.stages.join(' → ')})`));
        candidate = { kind: 'stage', stage: input.stage };
        break;
      case 'yesNo': {
        const v = input.value?.trim().toLowerCase();
        if (v === undefined || (!YES.has(v) && !NO.has(v)))
          return left(invalidFigure('value', 'a yes/no target needs the value yes or no'));
        candidate = { kind: 'flag', value: YES.has(v) };
        break;
      }
    }
  const parsed = FigureSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[issue.path.length - 1] ?? 'value');
    const given = (candidate as Record<string, unknown>)[field];
    return left(invalidFigure(field, `${given === undefined ? '' : `"${String(given)}" `}${issue.message}`));
  }
  return right(parsed.data);
};
