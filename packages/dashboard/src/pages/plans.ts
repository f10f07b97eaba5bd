import type { PlanFrame } from '@minsheng/core';
import { html } from '../html';
import type { Language, Translate } from '../messages';
import { documentHead, type PageAssets } from './layout';

export interface PlansPageInput {
  readonly lang: Language;
  readonly t: Translate;
  /** The language asked for in the query, kept in the links; null when the server's default applies. */
  readonly langParam: Language | null;
  readonly plans: readonly PlanFrame[];
}

const boardLink = (planId: string, langParam: Language | null): string => {
  const q = new URLSearchParams({ plan: planId });
  if (langParam) q.set('lang', langParam);
  return `/?${q.toString()}`;
};

/** The plans a ledger holds, each linking to its board: where a ledger of several plans starts. */
export const plansPage = (assets: PageAssets, p: PlansPageInput): string => {
  const { t } = p;
  return html`${documentHead(p.lang, `${t('plans.heading')} · ${t('app.title')}`, assets)}
<body>
<header><p class="app">${t('app.title')}</p></header>
<main>
<h1>${t('plans.heading')}</h1>
<p>${t('plans.intro', { count: p.plans.length })}</p>
<table class="plans">
<thead><tr><th scope="col">${t('plans.col.plan')}</th><th scope="col">${t('plans.col.document')}</th><th scope="col">${t('plans.col.period')}</th><th scope="col">${t('plans.col.tasks')}</th></tr></thead>
<tbody>
${p.plans.map(
  (f) => html`<tr data-plan="${f.planId}"><th scope="row"><a href="${boardLink(f.planId, p.langParam)}">${f.title}</a> <code>${f.planId}</code></th>
<td>${f.document}</td><td>${f.periodStart} – ${f.periodEnd}</td><td>${f.tasks.length}</td></tr>`,
)}
</tbody></table>
</main>
</body>
</html>
`.html;
};
