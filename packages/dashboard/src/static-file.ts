import type { StatusQuery } from '@minsheng/ledger';
import type { View } from '@minsheng/projections';
import { cspHash, loadAssets } from './assets';
import { staticCsp } from './csp';
import { raw } from './html';
import { translator, type Language } from './messages';
import { cityBoard } from './pages/board';
import type { PageContext } from './pages/context';
import type { PageAssets } from './pages/layout';
import { queriesOf, type DashboardSource } from './source';

export interface BoardFileInput {
  readonly lang?: Language;
  /** The plan to show; default the only plan (a ledger with several refuses without one). */
  readonly planId?: string;
  /** The effective date (YYYY-MM-DD); default today in the plan's time zone. */
  readonly asOf?: string;
  /** What the ledger had recorded by then (a Date, or a time with its UTC offset); default now. */
  readonly knownAt?: Date | string;
}

/** Text inlined into an element that must not end it early. */
const inlineSafe = (text: string, tag: 'script' | 'style'): string => text.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);

/**
 * The city board as one self-contained HTML file an official can email: ECharts, the script
 * and the stylesheet inlined, allowed by a Content-Security-Policy <meta> that names each
 * inline block by its SHA-256 (no 'unsafe-inline').
 */
export const boardFile = async (source: DashboardSource, input: BoardFileInput = {}): Promise<{ html: string; view: View }> => {
  const q = queriesOf(source);
  const frame = await q.plan(input.planId);
  const lang = input.lang ?? 'zh-CN';
  const query: StatusQuery = { groupBy: 'task', ...(input.planId ? { planId: input.planId } : {}), ...(input.asOf ? { asOf: input.asOf } : {}), ...(input.knownAt ? { knownAt: input.knownAt } : {}) };
  const view = (await q.status(query)) as View;
  const a = loadAssets();
  const scripts = [inlineSafe(a.echarts, 'script'), inlineSafe(a.script, 'script')];
  const style = inlineSafe(a.style, 'style');
  const csp = staticCsp(scripts.map(cspHash), [cspHash(style)]);
  const assets: PageAssets = {
    head: raw(`<meta http-equiv="Content-Security-Policy" content="${csp}">\n<style>${style}</style>`),
    scripts: raw(scripts.map((s) => `<script>${s}</script>`).join('\n')),
  };
  const ctx: PageContext = { frame, lang, t: translator(lang), asked: {}, staticFile: true, langParam: null };
  return { html: cityBoard(ctx, assets, view), view };
};
