import type { View } from '@minsheng/projections';
import { html } from '../html';
import { statusWord } from '../messages';
import { mostUrgent, statusClass } from '../status-style';
import { href, type PageContext } from './context';
import { page, type PageAssets } from './layout';

/** Places × tasks: each cell the status that most needs attention among the task's metrics there. */
export const districtMatrix = (ctx: PageContext, assets: PageAssets, view: View): string => {
  const { t, frame } = ctx;
  const places = frame.places.filter((p) => p.kind !== 'city' && view.rows.some((r) => r.place === p.id));
  const cell = (place: string, task: number) =>
    mostUrgent(view.rows.filter((r) => r.place === place && r.task === task).map((r) => r.status));
  return page(ctx, assets, {
    title: t('matrix.heading'),
    moment: view,
    path: '/matrix',
    body: html`<div class="scroll"><table class="matrix">
<caption>${t('matrix.caption')}</caption>
<thead><tr><th scope="col">${t('col.place')}</th>
${frame.tasks.map((task) => html`<th scope="col" title="${task.title}"><abbr title="${task.title}">${task.number}</abbr></th>`)}
</tr></thead>
<tbody>
${places.map((p) => {
  const link = href(ctx, `/place/${encodeURIComponent(p.id)}`);
  return html`<tr data-place="${p.id}"><th scope="row">${ctx.staticFile ? p.name : html`<a href="${link}">${p.name}</a>`}</th>
${frame.tasks.map((task) => {
  const s = cell(p.id, task.number);
  if (s === null) return html`<td class="cell none" data-task="${task.number}"><span class="sr">${t('matrix.none')}</span></td>`;
  const word = statusWord(ctx.lang, s);
  return html`<td class="cell ${statusClass(s)}" data-task="${task.number}" data-status="${s}">${ctx.staticFile ? word : html`<a href="${link}" title="${p.name} · ${task.number}. ${task.title}">${word}</a>`}</td>`;
})}
</tr>`;
})}
</tbody></table></div>`,
  });
};
