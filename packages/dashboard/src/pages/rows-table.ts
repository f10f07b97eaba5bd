import type { ViewRow } from '@minsheng/projections';
import { html, type Html } from '../html';
import { statusWord } from '../messages';
import { statusClass } from '../status-style';
import { href, type PageContext } from './context';

const clampPercent = (p: string | null): number => (p === null ? 0 : Math.max(0, Math.min(100, Number(p))));

/** A progress bar: the figure's percent of target, filled in its status's colour, and a line at the scheduled percent. */
export const progressBar = (ctx: PageContext, r: ViewRow): Html => {
  const fill = clampPercent(r.percent);
  const label = `${ctx.t('col.percent')} ${r.percent ?? '—'}%，${ctx.t('col.scheduled')} ${r.scheduled ?? '—'}%`;
  return html`<svg class="bar" viewBox="0 0 100 12" preserveAspectRatio="none" role="img" aria-label="${label}">
<rect class="track" x="0" y="0" width="100" height="12"></rect>
<rect class="fill ${statusClass(r.status)}" data-status="${r.status}" x="0" y="0" width="${fill.toFixed(1)}" height="12"></rect>
${r.scheduled === null ? '' : html`<line class="scheduled" x1="${clampPercent(r.scheduled).toFixed(1)}" x2="${clampPercent(r.scheduled).toFixed(1)}" y1="0" y2="12"></line>`}
</svg>`;
};

export const statusBadge = (ctx: PageContext, status: string): Html =>
  html`<span class="badge ${statusClass(status)}" data-status="${status}">${statusWord(ctx.lang, status)}</span>`;

/** The rows of a view: one line per metric (and place or unit), with its bar, status and a link to its audit timeline. */
export const rowsTable = (ctx: PageContext, rows: readonly ViewRow[], options: { place?: boolean; role?: boolean } = {}): Html => {
  const { t } = ctx;
  return html`<table class="rows">
<thead><tr>
<th scope="col">${t('col.task')}</th><th scope="col">${t('col.taskTitle')}</th><th scope="col">${t('col.metric')}</th>
${options.place ? html`<th scope="col">${t('col.place')}</th>` : ''}
${options.role ? html`<th scope="col">${t('col.role')}</th>` : ''}
<th scope="col">${t('col.target')}</th><th scope="col">${t('col.value')}</th><th scope="col">${t('col.progress')}</th>
<th scope="col">${t('col.percent')}</th><th scope="col">${t('col.scheduled')}</th><th scope="col">${t('col.status')}</th><th scope="col">${t('col.units')}</th>
</tr></thead>
<tbody>
${rows.map((r) => {
  const figure = href(ctx, '/figure', { task: r.task, metric: r.metric, place: r.place });
  const role = (r as ViewRow & { role?: string }).role;
  return html`<tr class="row" data-task="${r.task}" data-metric="${r.metric}" data-place="${r.place}" data-status="${r.status}">
<td>${r.task}</td><td>${r.taskTitle}</td>
<td>${ctx.staticFile ? r.metricName : html`<a href="${figure}">${r.metricName}</a>`}</td>
${options.place ? html`<td>${r.placeName}</td>` : ''}
${options.role ? html`<td>${role === undefined ? '' : t(role === 'lead' ? 'role.lead' : 'role.co-responsible')}</td>` : ''}
<td>${r.target}</td><td class="value">${r.value === null ? '—' : `${r.value}${r.unit && r.kind !== 'share' ? ` ${r.unit}` : ''}`}</td>
<td>${progressBar(ctx, r)}</td>
<td class="percent">${r.percent ?? '—'}</td><td class="scheduled">${r.scheduled ?? '—'}</td>
<td>${statusBadge(ctx, r.status)}</td><td>${r.responsibleUnits.join('、')}</td>
</tr>`;
})}
</tbody>
</table>`;
};

/** How many rows have each status, for the board's chart. */
export const statusCounts = (rows: readonly ViewRow[]): Array<{ status: string; count: number }> => {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].map(([status, count]) => ({ status, count }));
};
