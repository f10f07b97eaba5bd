import type { PlanProblem } from '@minsheng/core';
import { planProblemsEn } from './messages/plan-problems';
import type { MessageKey } from './messages';
import { sayNested, textShapes } from './sentences';

/*
 * Why core's parser refuses a plan file (plan check, plan import), in the reader's language: each
 * reason read back by the English text of its message (messages/plan-problems.ts), a reason within
 * a reason (the JSON syntax error, what was found, the target's words) said again too. The checks
 * of targets and statuses (target-checks.ts, status-checks.ts) and zod's own messages have no
 * message yet: they stay in English, as core wrote them.
 */
const KEYS = Object.keys(planProblemsEn) as MessageKey[];

/** Longer texts first: "at least (a share) {value}" before "at least {value}", which would also match it. */
const PLAN_PROBLEMS = textShapes(KEYS.slice().sort((a, b) => String(planProblemsEn[b as keyof typeof planProblemsEn]).length - String(planProblemsEn[a as keyof typeof planProblemsEn]).length));

/** A plan problem's reason in the reader's language; one no message knows, as core wrote it. */
export const planProblemReason = (reason: string): string => sayNested(PLAN_PROBLEMS, reason) ?? reason;

/** A problem as editors and compilers write one: file:line:column: where in the plan: why. */
export const problemLine = (p: PlanProblem): string =>
  `${p.file}${p.line !== undefined ? `:${p.line}:${p.column}` : ''}: ${p.path}: ${planProblemReason(p.reason)}`;
