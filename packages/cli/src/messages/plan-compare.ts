/* What `minsheng plan compare` prints (commands/plan-compare.ts), in both languages. Spread at the end of both catalogues. */
export const planCompareEn = {
  'planCompare.head': {
    one: '{from} (as of {fromAsOf}) → {to} (as of {toAsOf}): {count} metric in both',
    other: '{from} (as of {fromAsOf}) → {to} (as of {toAsOf}): {count} metrics in both',
  },
  'planCompare.col.metric': 'Metric',
  'planCompare.col.name': 'Name',
  'planCompare.col.target': 'Target {plan}',
  'planCompare.col.figure': 'Figure {plan}',
  'planCompare.col.change': 'Change',
  'planCompare.onlyFrom': { one: 'only in {plan}: {count} metric', other: 'only in {plan}: {count} metrics' },
  'planCompare.onlyTo': 'only in {plan}: {metrics}',
} as const;

export const planCompareZh: { readonly [K in keyof typeof planCompareEn]: (typeof planCompareEn)[K] extends string ? string : { readonly other: string } } = {
  'planCompare.head': { other: '{from}（截至 {fromAsOf}）→ {to}（截至 {toAsOf}）：两者共有 {count} 项指标' },
  'planCompare.col.metric': '指标',
  'planCompare.col.name': '名称',
  'planCompare.col.target': '{plan} 目标',
  'planCompare.col.figure': '{plan} 完成值',
  'planCompare.col.change': '变化',
  'planCompare.onlyFrom': { other: '仅 {plan} 有：{count} 项指标' },
  'planCompare.onlyTo': '仅 {plan} 有：{metrics}',
};
