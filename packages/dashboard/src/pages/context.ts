import type { PlanFrame } from '@minsheng/core';
import type { Language, Translate } from '../messages';

/** What every page is drawn with: the plan, the language, the moment asked about, and how links keep them. */
export interface PageContext {
  readonly frame: PlanFrame;
  readonly lang: Language;
  readonly t: Translate;
  /** The moment as asked (empty: now), kept in every link so a click stays in the same moment. */
  readonly asked: { readonly asOf?: string; readonly knownAt?: string };
  /** A static export: no time-travel form, links to pages that are not in the file are left out. */
  readonly staticFile: boolean;
  /** The language asked for in the query, kept in links; null when the server's default applies. */
  readonly langParam: Language | null;
  /** The plan asked for in the query (`?plan=`), kept in links; null when the server's default applies. */
  readonly planParam?: string | null;
  /** The ledger holds several plans: the navigation links to the list of them. */
  readonly severalPlans?: boolean;
}

/** A link to a dashboard page that keeps the moment, language and plan asked about. */
export const href = (ctx: PageContext, path: string, params: Readonly<Record<string, string | number>> = {}): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) q.set(k, String(v));
  if (ctx.asked.asOf) q.set('asOf', ctx.asked.asOf);
  if (ctx.asked.knownAt) q.set('knownAt', ctx.asked.knownAt);
  if (ctx.langParam) q.set('lang', ctx.langParam);
  if (ctx.planParam) q.set('plan', ctx.planParam);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};
