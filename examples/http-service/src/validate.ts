import { invalidInput, type LedgerError } from '@minsheng/core';
import { left, right, type Either } from 'fp-ts/Either';
import type { z } from 'zod';

/**
 * Parses a request body or query with a zod schema. The first problem becomes an
 * InvalidInput naming the field, as the ledger's own refusals do.
 */
export const validate = <S extends z.ZodType>(schema: S, input: unknown, what: string): Either<LedgerError, z.output<S>> => {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return right(parsed.data);
  const issue = parsed.error.issues[0]!;
  const field =
    issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.length ? issue.path.map(String).join('.') : what;
  const reason = issue.code === 'unrecognized_keys' ? `is not a field of ${what}` : issue.message;
  return left(invalidInput(field, reason));
};
