/**
 * How the simulated year goes for each metric of the Harbin 2024 plan. Months are
 * 1–12; a figure is as of the 25th of its month (the 20th in December, ahead of the
 * 25 December report deadline). Whether a target is met is designed here; how the
 * figures spread over places and months comes from the seeded PRNG.
 */
export interface CountDesign {
  readonly kind: 'count';
  /** Final total over target: ≥ 1 meets it (an approximate target within its tolerance). */
  readonly ratio: number;
  /** How many places report (picked by the PRNG from the metric's places), or the places named. */
  readonly places?: number | readonly string[];
  readonly start?: number;
  /** Month by which the final figure is reached. */
  readonly doneBy: number;
  /** Report only when the figure moves (otherwise also at each quarter's end). */
  readonly onlyOnChange?: boolean;
  /** Report every this many months (default 2), and in the month the final figure is reached. */
  readonly every?: number;
  /** Decimals of the reported figure (1 for 公里). */
  readonly decimals?: number;
}

export interface RatioDesign {
  readonly kind: 'ratio';
  /** The place's share (0–1) or rate at the start of the year and at the end. */
  readonly from: number;
  readonly to: number;
  readonly places?: number | readonly string[];
  readonly doneBy: number;
  /** Denominator range per place (shares); rates use the population. */
  readonly denominator?: readonly [number, number];
  /** Report every this many months (default 2), and in the month the final figure is reached. */
  readonly every?: number;
}

export interface StageDesign {
  readonly kind: 'stages';
  /** For each place, the month each stage is reached, in order; a shorter list stops early. */
  readonly months: Readonly<Record<string, readonly number[]>>;
}

export interface YesDesign {
  readonly kind: 'yes';
  /** The month each place (or the city) says yes; a place first reporting "no" has a negative month. */
  readonly months: Readonly<Record<string, number>>;
}

export interface CeilingDesign {
  readonly kind: 'ceiling';
  /** The year-to-date figure reported each month. */
  readonly monthly: readonly string[];
}

export interface NotReported {
  readonly kind: 'none';
}

export type MetricDesign = (CountDesign | RatioDesign | StageDesign | YesDesign | CeilingDesign | NotReported) & {
  /** The responsible unit that reports, when not the task's lead. */
  readonly responsibleUnit?: string;
};

const COUNTIES = ['shangzhi', 'wuchang', 'yilan', 'fangzheng', 'binxian', 'bayan', 'mulan', 'tonghe', 'yanshou'];
const DISTRICTS = ['daoli', 'daowai', 'nangang', 'xiangfang', 'pingfang', 'songbei', 'hulan', 'acheng', 'shuangcheng'];
/** A city share or rate is known only once every place has reported: these metrics are reported everywhere. */
const EVERY_PLACE = [...DISTRICTS, ...COUNTIES];
const all = (month: number, places: readonly string[]) => Object.fromEntries(places.map((p, i) => [p, month + (i % 2)]));

export const DESIGN: Readonly<Record<string, MetricDesign>> = {
  't01-job-stations': { kind: 'count', ratio: 1.04, places: 8, start: 2, doneBy: 11 },
  't01-employment-safety-net-plan': { kind: 'yes', months: { harbin: 3 } },
  't01-social-bank-outlets': { kind: 'count', ratio: 1.02, places: 8, doneBy: 10 },
  't01-poverty-group-employment': { kind: 'count', ratio: 1.05, places: COUNTIES, doneBy: 9 },
  't01-unemployed-reemployed': { kind: 'count', ratio: 1.03, places: 9, doneBy: 12 },
  't01-hard-to-employ-reemployed': { kind: 'count', ratio: 1.08, places: 8, doneBy: 11 },
  't01-priority-service-mechanism': { kind: 'yes', months: { harbin: 6 } },
  't02-migrant-skills-training': { kind: 'count', ratio: 1.12, places: 8, doneBy: 10 },
  't02-skill-assessment-items': { kind: 'yes', months: { harbin: 5 } },
  't02-training-subsidies-paid': { kind: 'yes', months: { harbin: 12 } },
  't02-winter-wage-campaign': { kind: 'yes', months: { harbin: 2 } },
  't02-safe-pay-action': { kind: 'yes', months: { harbin: 7 } },
  't02-wage-payment-assessment': { kind: 'yes', months: { harbin: 12 } },
  't02-safe-pay-projects': { kind: 'count', ratio: 1, places: 4, start: 4, doneBy: 9, onlyOnChange: true },
  't02-wage-platform-coverage': { kind: 'ratio', from: 0.55, to: 0.86, places: EVERY_PLACE, doneBy: 11, denominator: [30, 90] },
  't03-child-friendly-communities': { kind: 'count', ratio: 1.1, places: 6, start: 3, doneBy: 9, onlyOnChange: true },
  't03-child-friendly-concept': { kind: 'yes', months: { harbin: 6 } },
  't03-child-friendly-key-projects': { kind: 'yes', months: { harbin: 11 } },
  't04-quality-kindergartens': { kind: 'count', ratio: 1, places: 10, doneBy: 12 },
  // Above its 左右 band (±5%): the year shows an approximate target over-delivered, "exceeded".
  't04-quality-kindergarten-places': { kind: 'count', ratio: 1.08, places: 9, doneBy: 12 },
  't04-kindergarten-pilot-areas': { kind: 'yes', months: { daoli: 9, nangang: 9, pingfang: 10, songbei: -10, shangzhi: 11, binxian: 11 } },
  't04-compulsory-education-places': { kind: 'count', ratio: 1.02, places: 10, start: 3, doneBy: 9 },
  't04-school-construction': { kind: 'yes', months: all(8, EVERY_PLACE) },
  't04-high-school-demo-zone': { kind: 'yes', months: { harbin: 12 } },
  't04-high-school-demo-schools': { kind: 'count', ratio: 1, places: 7, start: 4, doneBy: 11, onlyOnChange: true },
  't04-high-school-demo-subjects': { kind: 'count', ratio: 1.04, places: 7, start: 4, doneBy: 11, onlyOnChange: true },
  't04-high-school-research-projects': { kind: 'count', ratio: 1, places: ['harbin'], start: 3, doneBy: 10 },
  't05-county-integrated-training': { kind: 'yes', months: { binxian: 6, wuchang: 8, tonghe: 10 } },
  't05-integration-pilot-schools': { kind: 'count', ratio: 1.2, places: 4, start: 5, doneBy: 9, onlyOnChange: true },
  't05-through-training': { kind: 'yes', months: { harbin: 9 } },
  't05-exam-enrolment-reform': { kind: 'yes', months: { harbin: 7 } },
  't06-county-medical-alliances': {
    kind: 'stages',
    months: {
      hulan: [6, 10], acheng: [6, 11], shuangcheng: [7, 11], shangzhi: [7, 10], wuchang: [6, 12],
      yilan: [8, 12], fangzheng: [7, 11], binxian: [6, 10], bayan: [8, 12], mulan: [8, 12],
      tonghe: [9], yanshou: [9],
    },
  },
  't07-partner-hospitals': { kind: 'count', ratio: 1, places: ['harbin'], start: 3, doneBy: 3, onlyOnChange: true },
  't07-county-pairing': { kind: 'yes', months: all(4, COUNTIES) },
  't07-county-treatable-diseases': { kind: 'count', ratio: 1.08, places: ['harbin'], doneBy: 11, onlyOnChange: true },
  't08-respiratory-centre': { kind: 'yes', months: { harbin: 11 } },
  't08-children-centre': { kind: 'yes', months: { harbin: 11 } },
  't08-tcm-oncology-centre': { kind: 'yes', months: { harbin: 12 } },
  't08-respiratory-centre-funding': { kind: 'yes', months: { harbin: 12 } },
  't09-elderly-home-adaptations': { kind: 'count', ratio: 1.03, places: 9, start: 2, doneBy: 11 },
  't10-elderly-meal-coverage': { kind: 'ratio', from: 0.3, to: 0.47, places: EVERY_PLACE, doneBy: 12, denominator: [60, 240], every: 3 },
  't10-meal-standard-operation': { kind: 'yes', months: all(9, EVERY_PLACE) },
  't10-meal-network-extension': { kind: 'yes', months: { harbin: 11 } },
  't11-childcare-places-per-1000': { kind: 'ratio', from: 3.2, to: 3.7, places: EVERY_PLACE, doneBy: 12, every: 3 },
  't11-public-childcare-institutions': { kind: 'yes', months: { harbin: 10 } },
  't11-employer-childcare': { kind: 'yes', months: { harbin: 8 } },
  't11-kindergarten-nursery-classes': { kind: 'yes', months: { harbin: 9 } },
  't11-family-childcare-points': { kind: 'yes', months: { harbin: 12 } },
  't12-mulan-220kv-substation': { kind: 'stages', months: { mulan: [3, 6, 9, 11] }, responsibleUnit: 'state-grid' },
  't12-mulan-substation-planning': { kind: 'yes', months: { mulan: 3 } },
  't13-gas-pipe-renewal': { kind: 'count', ratio: 1.06, places: DISTRICTS, start: 4, doneBy: 10, decimals: 1 },
  't13-national-support-sought': { kind: 'yes', months: { harbin: 5 } },
  't13-high-rise-gas-opening': { kind: 'yes', months: { harbin: 10 } },
  't14-fitness-paths': { kind: 'count', ratio: 1.05, places: 10, start: 4, doneBy: 9, onlyOnChange: true },
  't14-multi-sport-courts': { kind: 'count', ratio: 1, places: 6, start: 5, doneBy: 10, onlyOnChange: true },
  't14-showcase-fitness-venue': { kind: 'yes', months: { harbin: 9 } },
  't14-sports-area-per-capita': { kind: 'ratio', from: 2.41, to: 2.57, places: EVERY_PLACE, doneBy: 10, every: 3 },
  't14-sports-parks': { kind: 'yes', months: { harbin: 9 } },
  't14-venue-utilisation': { kind: 'yes', months: { harbin: 10 } },
  't15-rural-5g-stations': { kind: 'count', ratio: 1.02, places: COUNTIES, start: 4, doneBy: 11 },
  't15-village-5g-coverage': { kind: 'ratio', from: 0.93, to: 1, places: EVERY_PLACE, doneBy: 12, denominator: [80, 260], every: 3 },
  't16-new-energy-buses': { kind: 'ratio', from: 0.93, to: 0.976, places: ['harbin'], doneBy: 11, denominator: [6800, 6800] },
  't16-clean-ship-infrastructure': { kind: 'none' },
  't16-old-vehicles-retired': { kind: 'yes', months: { harbin: 11 } },
  't16-new-energy-ships': { kind: 'yes', months: { harbin: 10 } },
  't17-drinking-water-sources': { kind: 'yes', months: all(11, EVERY_PLACE) },
  't17-pm25': { kind: 'ceiling', monthly: ['58', '52.4', '45.1', '41', '37.2', '34', '31.5', '30', '29.8', '31', '33.5', '34.6'] },
  't17-farmland-controls': { kind: 'yes', months: { harbin: 12 } },
  't17-contaminated-land-access': { kind: 'yes', months: { harbin: 11 } },
  't17-water-source-campaign': { kind: 'yes', months: all(8, EVERY_PLACE) },
  't17-urban-village-renovation': { kind: 'yes', months: { harbin: 12 } },
  't17-loose-coal-control': { kind: 'yes', months: { harbin: 11 } },
  't17-heavy-pollution-response': { kind: 'yes', months: { harbin: 10 } },
  't18-heating-hazards-fixed': { kind: 'yes', months: all(9, [...DISTRICTS, ...COUNTIES]) },
  't18-old-heating-pipes': { kind: 'count', ratio: 1.03, places: DISTRICTS, start: 5, doneBy: 10, decimals: 1 },
  't18-smart-heating-area': { kind: 'count', ratio: 0.96, places: DISTRICTS, start: 5, doneBy: 12, decimals: 1 },
  't19-rural-roads': { kind: 'count', ratio: 1.05, places: 8, start: 5, doneBy: 9, decimals: 1 },
  't19-dangerous-bridges': { kind: 'count', ratio: 0.9, places: ['bayan', 'mulan', 'tonghe'], start: 5, doneBy: 10, onlyOnChange: true },
  't19-mechanism-government-responsibility': { kind: 'yes', months: { harbin: 6 } },
  't19-mechanism-diverse-financing': { kind: 'yes', months: { harbin: 7 } },
  't19-mechanism-construction-management': { kind: 'yes', months: { harbin: 8 } },
  't19-mechanism-build-maintain-manage-operate': { kind: 'yes', months: { harbin: 9 } },
  't19-mechanism-evaluation-demonstration': { kind: 'yes', months: { harbin: 10 } },
  't20-hd-video-fronts': { kind: 'ratio', from: 0.85, to: 1, places: EVERY_PLACE, doneBy: 11, denominator: [300, 1200], every: 3 },
  't20-perception-risk-rings': { kind: 'yes', months: { harbin: 8 } },
  't20-key-site-video-devices': { kind: 'yes', months: { harbin: 9 } },
  't20-front-end-layout': { kind: 'yes', months: { harbin: 10 } },
  't20-coverage-gaps-closed': { kind: 'yes', months: { harbin: 11 } },
  't20-smart-front-end-share': { kind: 'yes', months: { harbin: 12 } },
};

/** Resident population per place (people), the denominator of per-capita rates. */
export const POPULATION: Readonly<Record<string, number>> = {
  daoli: 950_000, daowai: 780_000, nangang: 1_180_000, xiangfang: 860_000, pingfang: 230_000, songbei: 400_000,
  hulan: 600_000, acheng: 550_000, shuangcheng: 700_000, shangzhi: 500_000, wuchang: 780_000, yilan: 300_000,
  fangzheng: 180_000, binxian: 520_000, bayan: 550_000, mulan: 230_000, tonghe: 190_000, yanshou: 230_000,
};

/** How often a figure is reported when its design does not say. */
export const DEFAULT_EVERY = 2;

/** A person in each responsible unit who files its reports. */
export const PEOPLE: Readonly<Record<string, string>> = {
  hrss: '王磊', 'womens-federation': '刘芳', ndrc: '陈静', education: '赵敏', health: '孙丽', finance: '周强',
  'civil-affairs': '吴霞', 'state-grid': '郑浩', housing: '张伟', sport: '冯涛', 'industry-it': '何斌',
  transport: '高峰', police: '林海', 'eco-env': '李娜', 'natural-resources': '马骏', agriculture: '黄和', forestry: '杨林',
};

/** The short name in each unit's report numbers: 哈住建报〔2024〕12号. */
export const DOCUMENT_PREFIX: Readonly<Record<string, string>> = {
  hrss: '哈人社报', 'womens-federation': '哈妇联报', ndrc: '哈发改报', education: '哈教报', health: '哈卫健报',
  finance: '哈财报', 'civil-affairs': '哈民政报', 'state-grid': '国网哈供电报', housing: '哈住建报', sport: '哈体报',
  'industry-it': '哈工信报', transport: '哈交报', police: '哈公报', 'eco-env': '哈环报', 'natural-resources': '哈资规报',
  agriculture: '哈农报', forestry: '哈林草报',
};
