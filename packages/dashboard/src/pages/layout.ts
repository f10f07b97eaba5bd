import type { ViewMoment } from '@minsheng/projections';
import { html, raw, type Html } from '../html';
import { localTime } from '../moment';
import { href, type PageContext } from './context';

/** The scripts and stylesheet a page loads: URLs on the server; inline (with CSP hashes) in a static file. */
export interface PageAssets {
  readonly head: Html;
  readonly scripts: Html;
}

export const serverAssets: PageAssets = {
  head: raw('<link rel="stylesheet" href="/assets/dashboard.css">'),
  scripts: raw('<script src="/assets/echarts.min.js" defer></script><script src="/assets/dashboard.js" defer></script>'),
};

const momentForm = (ctx: PageContext, moment: ViewMoment, action: string, hidden: Readonly<Record<string, string | number>>): Html => {
  const { t } = ctx;
  return html`<form class="moment" method="get" action="${action}" aria-describedby="moment-help">
  <fieldset><legend>${t('moment.legend')}</legend>
  ${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${String(v)}">`)}
  ${ctx.langParam ? html`<input type="hidden" name="lang" value="${ctx.langParam}">` : ''}
  ${ctx.planParam ? html`<input type="hidden" name="plan" value="${ctx.planParam}">` : ''}
  <label for="asOf">${t('moment.asOf')}</label>
  <input type="date" id="asOf" name="asOf" value="${ctx.asked.asOf ?? moment.asOf}">
  <label for="knownAt">${t('moment.knownAt')}</label>
  <input type="text" id="knownAt" name="knownAt" inputmode="numeric" placeholder="YYYY-MM-DD" value="${ctx.asked.knownAt ?? ''}">
  <button type="submit" id="redraw">${t('moment.apply')}</button>
  </fieldset>
  <p id="moment-help" class="help">${t('moment.help')}</p>
</form>`;
};

export interface PageInput {
  readonly title: string;
  readonly moment: ViewMoment;
  /** This page's path and the parameters that name what it shows (kept by the time-travel form). */
  readonly path: string;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly body: Html;
}

/** A page's doctype, html element and head: every dashboard page starts so. */
export const documentHead = (lang: string, title: string, assets: PageAssets): Html => html`<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
${assets.head}
</head>`;

export const page = (ctx: PageContext, assets: PageAssets, p: PageInput): string => {
  const { t } = ctx;
  const caption = t('moment.caption', { asOf: p.moment.asOf, knownAt: localTime(p.moment.knownAt, ctx.frame.timeZone) });
  const nav = ctx.staticFile
    ? ''
    : html`<nav aria-label="${t('nav.label')}"><ul>
<li><a href="${href(ctx, '/')}">${t('nav.board')}</a></li>
<li><a href="${href(ctx, '/matrix')}">${t('nav.matrix')}</a></li>
<li><a href="${href(ctx, '/units')}">${t('nav.units')}</a></li>
${ctx.severalPlans ? html`<li><a href="${href({ ...ctx, planParam: null }, '/plans')}">${t('nav.plans')}</a></li>` : ''}
</ul></nav>`;
  return html`${documentHead(ctx.lang, `${p.title} · ${t('app.title')}`, assets)}
<body>
<header>
<p class="app">${t('app.title')} · ${ctx.frame.title}</p>
${nav}
</header>
<main>
<h1>${p.title}</h1>
<p class="caption" id="moment-caption" data-as-of="${p.moment.asOf}" data-known-at="${p.moment.knownAt}">${caption}</p>
${ctx.staticFile ? html`<p class="help">${t('static.note', { asOf: p.moment.asOf, knownAt: localTime(p.moment.knownAt, ctx.frame.timeZone) })}</p>` : momentForm(ctx, p.moment, p.path, p.params ?? {})}
${p.body}
</main>
${assets.scripts}
</body>
</html>
`.html;
};
