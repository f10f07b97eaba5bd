import type { UnitViewRow, View } from '@minsheng/projections';
import { html } from '../html';
import { statusWord } from '../messages';
import { attentionRank, statusClass } from '../status-style';
import { href, type PageContext } from './context';
import { page, type PageAssets } from './layout';

/** The responsible units' scoreboard: how many of each unit's metrics stand at each status. */
export const unitScoreboard = (ctx: PageContext, assets: PageAssets, view: View<UnitViewRow>): string => {
  const { t } = ctx;
  const statuses = [...new Set(view.rows.map((r) => r.status))].sort((a, b) => attentionRank(a) - attentionRank(b));
  const units = [...new Set(view.rows.map((r) => r.responsibleUnit))];
  return page(ctx, assets, {
    title: t('units.heading'),
    moment: view,
    path: '/units',
    body: html`<table class="scoreboard">
<thead><tr><th scope="col">${t('col.unit')}</th><th scope="col">${t('col.count')}</th>
${statuses.map((s) => html`<th scope="col"><span class="badge ${statusClass(s)}">${statusWord(ctx.lang, s)}</span></th>`)}
</tr></thead>
<tbody>
${units.map((u) => {
  const rows = view.rows.filter((r) => r.responsibleUnit === u);
  return html`<tr data-unit="${u}"><th scope="row">${ctx.staticFile ? u : html`<a href="${href(ctx, `/unit/${encodeURIComponent(u)}`)}">${u}</a>`}</th>
<td>${rows.length}</td>
${statuses.map((s) => html`<td data-status="${s}">${rows.filter((r) => r.status === s).length}</td>`)}
</tr>`;
})}
</tbody></table>`,
  });
};
