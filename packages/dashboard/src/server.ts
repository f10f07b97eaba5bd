import type { AuditQuery, StatusQuery } from '@minsheng/ledger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { loadAssets } from './assets';
import { SERVER_CSP } from './csp';
import { esc } from './html';
import { CATALOGUES, isLanguage, translator, type Language } from './messages';
import { BadRequest, momentQuery } from './moment';
import type { PageContext } from './pages/context';
import { cityBoard, placeBoard, unitBoard } from './pages/board';
import { figurePage } from './pages/figure';
import { serverAssets } from './pages/layout';
import { districtMatrix } from './pages/matrix';
import { plansPage } from './pages/plans';
import { unitScoreboard } from './pages/units';
import { queriesOf, QueryRefused, type DashboardSource } from './source';
import type { UnitViewRow, View } from '@minsheng/projections';

export interface DashboardOptions {
  /** The language of the pages unless a request asks for another (?lang=en). Default zh-CN. */
  readonly lang?: Language;
  /** Fastify's logger (default off). */
  readonly logger?: boolean;
  /**
   * The plan shown when a request names none (`?plan=`). Without it, a ledger of one plan shows
   * that plan, and a ledger of several starts at the list of them (/plans).
   */
  readonly plan?: string;
}

type Query = Record<string, string | undefined>;

const statusOf = (e: unknown): number => (e instanceof BadRequest ? 400 : e instanceof QueryRefused ? e.statusCode : 500);
const reasonOf = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0]! : String(e));

/** A parameter under its name or its deprecated alias; both given and different is refused. */
const aliasedParam = (query: Query, name: string, alias: string): string | undefined => {
  const [value, old] = [query[name] || undefined, query[alias] || undefined];
  if (value !== undefined && old !== undefined && value !== old)
    throw new BadRequest(`${name} "${value}" and ${alias} (its deprecated alias) "${old}" differ; give ${name} alone`);
  return value ?? old;
};

const whole = (name: string, text: string | undefined): number => {
  if (text === undefined || !/^[1-9][0-9]*$/.test(text)) throw new BadRequest(`${name} must be a whole number, e.g. 13, not "${text ?? ''}"`);
  return Number(text);
};
const required = (name: string, text: string | undefined): string => {
  if (text === undefined || text.trim() === '') throw new BadRequest(`${name} is required`);
  return text;
};

/**
 * The dashboard: read-only pages and a JSON API over the ledger's queries. Only GET (and HEAD)
 * routes exist; every response carries a strict Content-Security-Policy.
 */
export const createDashboard = (source: DashboardSource, options: DashboardOptions = {}): FastifyInstance => {
  const q = queriesOf(source);
  const assets = loadAssets();
  const defaultLang = options.lang ?? 'zh-CN';
  const app = Fastify({ logger: options.logger ?? false });

  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', SERVER_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  const langOf = (query: Query): Language => {
    if (query.lang === undefined) return defaultLang;
    if (!isLanguage(query.lang)) throw new BadRequest(`lang "${query.lang}" is not a language of the dashboard: zh-CN or en`);
    return query.lang;
  };

  /** The plan a request asks for, else the server's. */
  const chosenPlan = (query: Query): string | undefined => query.plan || options.plan;
  /** Several plans and none chosen: the request must name one. */
  const severalUnchosen = async (query: Query): Promise<string[] | null> => {
    if (chosenPlan(query) !== undefined) return null;
    const ids = (await q.plans()).map((f) => f.planId);
    return ids.length > 1 ? ids : null;
  };
  /** The plan a request is about, and whether the ledger holds several (one listing of the plans a request). */
  const planOf = async (query: Query) => {
    const ids = (await q.plans()).map((f) => f.planId);
    if (chosenPlan(query) === undefined && ids.length > 1)
      throw new BadRequest(`the ledger holds several plans (${ids.join(', ')}): choose one at /plans, or add ?plan=${ids[0]}`);
    return { frame: await q.plan(chosenPlan(query)), severalPlans: ids.length > 1 };
  };

  /** The plan asked about and the moment, as the ledger's queries take them (planId included). */
  const moment = async (query: Query) => {
    const { frame, severalPlans } = await planOf(query);
    const m = momentQuery({ ...(query.asOf ? { asOf: query.asOf } : {}), ...(query.knownAt ? { knownAt: query.knownAt } : {}) }, frame.timeZone);
    return { frame, severalPlans, moment: { ...m, planId: frame.planId } };
  };

  const context = async (query: Query) => {
    const lang = langOf(query);
    const { frame, severalPlans, moment: m } = await moment(query);
    const ctx: PageContext = {
      frame,
      lang,
      t: translator(lang),
      asked: { ...(query.asOf ? { asOf: query.asOf } : {}), ...(query.knownAt ? { knownAt: query.knownAt } : {}) },
      staticFile: false,
      langParam: query.lang !== undefined ? lang : null,
      planParam: query.plan || null,
      severalPlans,
    };
    return { ctx, moment: m };
  };

  /** A page: its HTML, or a page saying in one line why it cannot be shown. */
  const htmlPage = (render: (query: Query, params: Query) => Promise<string>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const query = req.query as Query;
      reply.type('text/html; charset=utf-8');
      try {
        return await render(query, req.params as Query);
      } catch (e) {
        const lang = isLanguage(query.lang ?? '') ? (query.lang as Language) : defaultLang;
        reply.code(statusOf(e));
        return `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(CATALOGUES[lang]['error.heading'])}</title><link rel="stylesheet" href="/assets/dashboard.css"></head><body><main><h1>${esc(CATALOGUES[lang]['error.heading'])}</h1><p class="error">${esc(reasonOf(e))}</p><p><a href="/">${esc(CATALOGUES[lang]['nav.board'])}</a></p></main></body></html>`;
      }
    };
  const htmlRoute = (path: string, render: (query: Query, params: Query) => Promise<string>) => app.get(path, htmlPage(render));

  /** An API route: JSON, or `{ error }` with a one-line reason. */
  const apiRoute = (path: string, answer: (query: Query) => Promise<unknown>) =>
    app.get(path, async (req, reply) => {
      try {
        return await answer(req.query as Query);
      } catch (e) {
        reply.code(statusOf(e));
        return { error: reasonOf(e) };
      }
    });

  // `groupBy` and `responsibleUnit`, as the ledger names them; `by` and `unit` are their deprecated aliases.
  const statusQuery = async (query: Query): Promise<StatusQuery> => {
    const { moment: m } = await moment(query);
    const unit = aliasedParam(query, 'responsibleUnit', 'unit');
    const groupBy = aliasedParam(query, 'groupBy', 'by') ?? (query.place ? 'district' : unit ? 'unit' : 'task');
    if (groupBy !== 'task' && groupBy !== 'district' && groupBy !== 'unit') throw new BadRequest(`groupBy "${groupBy}" must be task, district or unit`);
    return { groupBy, ...(query.place ? { place: query.place } : {}), ...(unit ? { responsibleUnit: unit } : {}), ...m };
  };
  const auditQuery = async (query: Query): Promise<AuditQuery> => {
    const { moment: m } = await moment(query);
    return {
      task: whole('task', query.task),
      metric: required('metric', query.metric),
      ...(query.place ? { place: query.place } : {}),
      ...(query.history === 'false' ? {} : { history: true }),
      ...m,
    };
  };

  apiRoute('/api/plan', async (query) => (await planOf(query)).frame);
  apiRoute('/api/plans', () => q.plans());
  apiRoute('/api/status', async (query) => q.status(await statusQuery(query)));
  apiRoute('/api/audit', async (query) => q.audit(await auditQuery(query)));
  apiRoute('/api/messages', async (query) => CATALOGUES[langOf(query)]);

  const cityBoardPage = htmlPage(async (query) => {
    const { ctx, moment: m } = await context(query);
    return cityBoard(ctx, serverAssets, (await q.status({ groupBy: 'task', ...m })) as View);
  });
  app.get('/', async (req, reply) => {
    const query = req.query as Query;
    // A ledger of several plans starts at the list of them, unless the request or the server names one.
    if (await severalUnchosen(query).catch(() => null)) return reply.redirect(query.lang ? `/plans?lang=${encodeURIComponent(query.lang)}` : '/plans');
    return cityBoardPage(req, reply);
  });
  htmlRoute('/plans', async (query) => {
    const lang = langOf(query);
    return plansPage(serverAssets, { lang, t: translator(lang), langParam: query.lang !== undefined ? lang : null, plans: await q.plans() });
  });
  htmlRoute('/place/:place', async (query, params) => {
    const { ctx, moment: m } = await context(query);
    return placeBoard(ctx, serverAssets, (await q.status({ groupBy: 'district', place: params.place!, ...m })) as View, params.place!);
  });
  htmlRoute('/matrix', async (query) => {
    const { ctx, moment: m } = await context(query);
    return districtMatrix(ctx, serverAssets, (await q.status({ groupBy: 'district', ...m })) as View);
  });
  htmlRoute('/units', async (query) => {
    const { ctx, moment: m } = await context(query);
    return unitScoreboard(ctx, serverAssets, (await q.status({ groupBy: 'unit', ...m })) as View<UnitViewRow>);
  });
  htmlRoute('/unit/:unit', async (query, params) => {
    const { ctx, moment: m } = await context(query);
    return unitBoard(ctx, serverAssets, (await q.status({ groupBy: 'unit', responsibleUnit: params.unit!, ...m })) as View, params.unit!);
  });
  htmlRoute('/figure', async (query) => {
    const { ctx } = await context(query);
    return figurePage(ctx, serverAssets, await q.audit(await auditQuery(query)));
  });

  const asset = (path: string, type: string, body: () => string) =>
    app.get(path, async (_req, reply) => {
      reply.type(type).header('cache-control', 'no-cache');
      return body();
    });
  asset('/assets/echarts.min.js', 'text/javascript; charset=utf-8', () => assets.echarts);
  asset('/assets/dashboard.js', 'text/javascript; charset=utf-8', () => assets.script);
  asset('/assets/dashboard.css', 'text/css; charset=utf-8', () => assets.style);
  return app;
};
