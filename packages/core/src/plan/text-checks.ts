import { LINE_MAX, PARAGRAPH_MAX, textProblem } from '../text';

/** Fields that hold a paragraph; every other text of a plan is one line (a name, a title, an id). */
const PARAGRAPHS: ReadonlySet<string> = new Set(['description']);

/**
 * Every string of a plan document, wherever it sits (ids, names, titles, descriptions,
 * stages, labels): no control characters, at most LINE_MAX characters, or PARAGRAPH_MAX
 * for a description. Views, audits and `plan show` print these texts to auditors.
 */
export const textProblems = (input: unknown): Array<{ path: string; reason: string }> => {
  const problems: Array<{ path: string; reason: string }> = [];
  const walk = (x: unknown, path: string, key: string): void => {
    if (typeof x === 'string') {
      const problem = textProblem(x, PARAGRAPHS.has(key) ? PARAGRAPH_MAX : LINE_MAX);
      if (problem) problems.push({ path: path || '(root)', reason: problem });
    } else if (Array.isArray(x)) x.forEach((e, i) => walk(e, `${path}[${i}]`, key));
    else if (typeof x === 'object' && x !== null)
      for (const [k, v] of Object.entries(x)) walk(v, path ? `${path}.${k}` : k, k);
  };
  walk(input, '', '');
  return problems;
};
