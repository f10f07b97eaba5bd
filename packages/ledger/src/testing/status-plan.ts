import type { PlanInput } from '@minsheng/core';

/**
 * A small hand-written plan for issue 14's statuses: a share with a baseline and one without, an
 * annual statistic, a 左右 target allocated to two places, an outdoor metric on a construction
 * season, and duties given to one unit of a task (funding, farmland).
 */
export const statusPlan = (): PlanInput => ({
  id: 'sample-2024',
  title: '示例市民生实事工作方案',
  document: '示政办发〔2024〕1号',
  issuedBy: '示例市人民政府办公厅',
  publishedOn: '2024-03-01',
  periodStart: '2024-01-01',
  periodEnd: '2024-12-31',
  timeZone: '+08:00',
  onTrackTolerance: { value: '10', reason: 'assumption: the supervision office allows 10 points behind the schedule' },
  approximateTolerance: { value: '0.05', reason: 'assumption: 左右 has no band in the source; ±5% is the office\'s working band' },
  places: [
    { id: 'city', name: '示例市', kind: 'city' },
    { id: 'east', name: '东区', kind: 'district', parent: 'city' },
    { id: 'west', name: '西区', kind: 'district', parent: 'city' },
    { id: 'north', name: '北县', kind: 'county', parent: 'city' },
  ],
  responsibleUnits: [
    { id: 'civil', name: '市民政局' },
    { id: 'eco', name: '市生态环境局' },
    { id: 'agri', name: '市农业农村局' },
    { id: 'edu', name: '市教育局' },
    { id: 'housing', name: '市住建局' },
    { id: 'finance', name: '市财政局' },
  ],
  deadlines: [
    { id: 'outdoor-completion', kind: 'completion', due: '2024-10-31', appliesTo: 'outdoor', description: '室外施工10月底前完工' },
    { id: 'completion', kind: 'completion', due: '2024-12-31', appliesTo: 'all', description: '12月底前全面完成' },
  ],
  tasks: [
    {
      number: 1,
      title: '扩大老年人助餐服务覆盖面',
      description: '城市社区老年助餐服务覆盖面达到50%以上。',
      responsibleUnits: ['civil'],
      outdoor: false,
      metrics: [
        {
          id: 'meals',
          name: '城市社区老年助餐服务覆盖面',
          target: { kind: 'share', value: '50', unit: '%', numerator: '有助餐的社区', denominator: '社区' },
          baseline: { value: '40', asOf: '2023-12-31' },
          sources: { baseline: 'assumption: for the test' },
        },
        {
          id: 'meals-rural',
          name: '农村老年助餐服务覆盖面',
          target: { kind: 'share', value: '50', unit: '%', numerator: '有助餐的村', denominator: '村' },
        },
      ],
    },
    {
      number: 2,
      title: '持续改善生态环境质量',
      description: 'PM2.5浓度不超过35微克/立方米;耕地管控措施落实到位。',
      responsibleUnits: ['eco', 'agri'],
      outdoor: false,
      metrics: [
        {
          id: 'pm25',
          name: '全市PM2.5浓度',
          target: { kind: 'ceiling', value: '35', unit: '微克/立方米' },
          level: 'city',
          measuredAtPeriodEnd: true,
          responsibleUnits: ['eco'],
        },
        { id: 'farmland', name: '耕地管控措施落实到位', target: { kind: 'yesNo' }, level: 'city', responsibleUnits: ['agri'] },
      ],
    },
    {
      number: 3,
      title: '推动基础教育高质量发展',
      description: '优质幼儿园学位25000个左右。',
      responsibleUnits: ['edu'],
      outdoor: false,
      metrics: [
        {
          id: 'kindergarten-places',
          name: '优质幼儿园学位',
          written: '25000个左右',
          target: { kind: 'approximate', value: '25000', unit: '个' },
          allocation: [
            { place: 'east', value: '15000' },
            { place: 'west', value: '10000' },
          ],
        },
      ],
    },
    {
      number: 4,
      title: '改造老化燃气管道',
      description: '改造老化燃气管道500公里,市财政局按进度拨付资金。',
      responsibleUnits: ['housing', 'finance'],
      outdoor: true,
      metrics: [
        {
          id: 'pipes',
          name: '改造老化燃气管道',
          target: { kind: 'atLeast', value: '500', unit: '公里' },
          schedule: { profile: 'season', start: '2024-04-01', end: '2024-10-31' },
          responsibleUnits: ['housing'],
        },
        { id: 'funding', name: '按进度拨付资金', target: { kind: 'yesNo' }, level: 'city', responsibleUnits: ['finance'] },
      ],
    },
  ],
});
