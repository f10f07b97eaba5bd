import type { PlanProblem } from '@minsheng/core';
import { CATALOGUES, type MessageKey } from './messages';
import { planChecksEn } from './messages/plan-checks';
import { planProblemsEn } from './messages/plan-problems';
import { schemaIssuesEn } from './messages/schema-issues';
import { sayNested, textShapes } from './sentences';

/*
 * Why core's parser refuses a plan file (plan check, plan import), in the reader's language: each
 * reason read back by the English text of its message (messages/plan-problems.ts, plan-checks.ts,
 * schema-issues.ts, and the text checks a refused field shares), a reason within a reason (the JSON
 * syntax error, what was found, the target's words, a type zod names) said again too.
 */
const TEXTS: Readonly<Record<string, unknown>> = { ...planProblemsEn, ...planChecksEn, ...schemaIssuesEn };
const KEYS = [...Object.keys(TEXTS), 'refusal.reason.control', 'refusal.reason.tooLong'] as MessageKey[];
const english = (key: MessageKey): string => String(CATALOGUES.en[key]);

/** Longer texts first: "at least (a share) {value}" before "at least {value}", which would also match it. */
const PLAN_PROBLEMS = textShapes(KEYS.slice().sort((a, b) => english(b).length - english(a).length));

/** A plan problem's reason in the reader's language; one no message knows, as core wrote it. */
export const planProblemReason = (reason: string): string => sayNested(PLAN_PROBLEMS, reason) ?? reason;

/** A problem as editors and compilers write one: file:line:column: where in the plan: why. */
export const problemLine = (p: PlanProblem): string =>
  `${p.file}${p.line !== undefined ? `:${p.line}:${p.column}` : ''}: ${p.path}: ${planProblemReason(p.reason)}`;
