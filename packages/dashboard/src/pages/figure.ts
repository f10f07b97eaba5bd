import { deadlineInstant } from '@minsheng/core';
import type { AuditTrail, TrailEntry } from '@minsheng/projections';
import { html, jsonBlock } from '../html';
import type { MessageKey } from '../messages';
import { localTime } from '../moment';
import type { PageContext } from './context';
import { page, type PageAssets } from './layout';
import { statusBadge } from './rows-table';

const typeKey = (type: TrailEntry['type']): MessageKey => `type.${type}`;

/** A point of the timeline: a retraction sits at the figure it withdrew. */
const points = (ctx: PageContext, trail: AuditTrail) =>
  trail.entries.map((e) => {
    const withdrawn = trail.entries.find((r) => r.eventId === e.reportId);
    const value = e.value ?? withdrawn?.value ?? null;
    return {
      eventId: e.eventId,
      position: e.position,
      type: e.type,
      typeLabel: ctx.t(typeKey(e.type)),
      recordedAt: e.recordedAt,
      recordedLocal: localTime(e.recordedAt, ctx.frame.timeZone),
      value: value === null ? 0 : Number(value),
      figure: e.figure ?? '—',
      place: e.placeName,
      hash: e.hash,
    };
  });

/** A figure's page: its audit trail as a timeline chart, each point linking to its event and hash, and the events listed. */
export const figurePage = (ctx: PageContext, assets: PageAssets, trail: AuditTrail): string => {
  const { t, frame } = ctx;
  const yes = t('event.yes');
  const no = t('event.no');
  return page(ctx, assets, {
    title: t('figure.heading', { task: trail.task, taskTitle: trail.taskTitle, metric: trail.metricName, place: trail.placeName }),
    moment: trail,
    path: '/figure',
    params: { task: trail.task, metric: trail.metric, place: trail.place },
    body: html`<p class="summary" id="figure-value" data-value="${trail.value ?? ''}">${trail.value === null ? t('figure.none') : t('figure.value', { value: trail.value, percent: trail.percent ?? '—' })}
 · ${t('col.target')} ${trail.target} · ${statusBadge(ctx, trail.status)}</p>
<figure class="chart"><div id="timeline-chart" class="chart-box" role="img" aria-label="${t('figure.chart')}"></div>
<figcaption>${t('figure.chart')}: ${t('figure.chartHelp')}</figcaption></figure>
${jsonBlock('timeline-data', {
  title: t('figure.chart'),
  deadlineLabel: t('type.deadline'),
  typeLabels: { ProgressReported: t('type.ProgressReported'), ProgressCorrected: t('type.ProgressCorrected'), ProgressRetracted: t('type.ProgressRetracted') },
  points: points(ctx, trail),
  deadlines: frame.deadlines.map((d) => ({ id: d.id, due: d.due, at: deadlineInstant(d.due, frame.timeZone).toISOString() })),
})}
<h2>${t('figure.events')}</h2>
<div class="scroll"><table class="events">
<thead><tr>
<th scope="col">${t('event.position')}</th><th scope="col">${t('event.type')}</th><th scope="col">${t('event.place')}</th>
<th scope="col">${t('event.asOf')}</th><th scope="col">${t('event.recordedAt')}</th><th scope="col">${t('event.unit')}</th>
<th scope="col">${t('event.person')}</th><th scope="col">${t('event.figure')}</th><th scope="col">${t('event.source')}</th>
<th scope="col">${t('event.reason')}</th><th scope="col">${t('event.inForce')}</th><th scope="col">${t('event.known')}</th><th scope="col">${t('event.hash')}</th>
</tr></thead>
<tbody>
${trail.entries.map(
  (e) => html`<tr id="event-${e.eventId}" class="event" data-event-id="${e.eventId}" data-position="${e.position}" tabindex="-1">
<td>#${e.position}</td><td>${t(typeKey(e.type))}</td><td>${e.placeName}</td><td>${e.asOf ?? ''}</td>
<td>${localTime(e.recordedAt, frame.timeZone)}</td><td>${e.unit ?? ''}</td><td>${e.person ?? ''}</td><td>${e.figure ?? ''}</td>
<td>${e.source ? [e.source.document, e.source.note].filter(Boolean).join(' ') : ''}</td><td>${e.reason ?? ''}</td>
<td>${e.inForce ? yes : no}</td><td>${e.known ? yes : no}</td><td><code class="hash">${e.hash}</code></td>
</tr>`,
)}
</tbody></table></div>`,
  });
};
