import type { View, ViewRow } from '@minsheng/projections';
import { html, jsonBlock } from '../html';
import { statusWord } from '../messages';
import { statusColour } from '../status-style';
import type { PageContext } from './context';
import { page, type PageAssets } from './layout';
import { rowsTable, statusCounts } from './rows-table';

/** Data for the status chart dashboard.js draws: labels in the page's language, colours by status. */
const statusChart = (ctx: PageContext, rows: readonly ViewRow[]) =>
  jsonBlock('status-data', {
    title: ctx.t('board.chart'),
    items: statusCounts(rows).map(({ status, count }) => ({ status, label: statusWord(ctx.lang, status), count, colour: statusColour(status) })),
  });

/** The city board: every task and metric of the plan, city-wide. */
export const cityBoard = (ctx: PageContext, assets: PageAssets, view: View): string => {
  const { t } = ctx;
  const tasks = new Set(view.rows.map((r) => r.task)).size;
  return page(ctx, assets, {
    title: t('board.heading', { plan: ctx.frame.title }),
    moment: view,
    path: '/',
    body: html`<p class="summary">${t('board.summary', { tasks, metrics: view.rows.length })}</p>
<figure class="chart"><div id="status-chart" class="chart-box" role="img" aria-label="${t('board.chart')}"></div><figcaption>${t('board.chart')}</figcaption></figure>
${statusChart(ctx, view.rows)}
${rowsTable(ctx, view.rows)}`,
  });
};

/** One place's board: every metric reported for it. */
export const placeBoard = (ctx: PageContext, assets: PageAssets, view: View, place: string): string => {
  const name = view.rows[0]?.placeName ?? place;
  return page(ctx, assets, {
    title: ctx.t('board.place', { place: name }),
    moment: view,
    path: `/place/${encodeURIComponent(place)}`,
    body: html`${statusChart(ctx, view.rows)}
<figure class="chart"><div id="status-chart" class="chart-box" role="img" aria-label="${ctx.t('board.chart')}"></div><figcaption>${ctx.t('board.chart')}</figcaption></figure>
${rowsTable(ctx, view.rows)}`,
  });
};

/** One responsible unit's board: the metrics it leads or shares. */
export const unitBoard = (ctx: PageContext, assets: PageAssets, view: View, unit: string): string => {
  const name = (view.rows[0] as (ViewRow & { responsibleUnit?: string }) | undefined)?.responsibleUnit ?? unit;
  return page(ctx, assets, {
    title: ctx.t('board.unit', { unit: name }),
    moment: view,
    path: `/unit/${encodeURIComponent(unit)}`,
    body: rowsTable(ctx, view.rows, { role: true }),
  });
};
