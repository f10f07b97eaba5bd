import type { PlanInput } from './schema';

/** A small, valid plan of a made-up city: plans are data, nothing in the loader knows Harbin. */
export const validPlan = (): PlanInput => ({
  id: 'sample-2025',
  title: '示例市2025年民生实事工作方案',
  document: '示政办发〔2025〕1号',
  issuedBy: '示例市人民政府办公厅',
  publishedOn: '2025-03-01',
  periodStart: '2025-01-01',
  periodEnd: '2025-12-31',
  timeZone: '+08:00',
  places: [
    { id: 'sample', name: '示例市', kind: 'city' },
    { id: 'east', name: '东区', kind: 'district', parent: 'sample' },
    { id: 'hill', name: '山县', kind: 'county', parent: 'sample' },
  ],
  responsibleUnits: [
    { id: 'hrss', name: '市人社局' },
    { id: 'eco', name: '市生态环境局' },
  ],
  deadlines: [{ id: 'completion', kind: 'completion', due: '2025-12-31', appliesTo: 'all', description: '12月底前全面完成' }],
  tasks: [
    {
      number: 1,
      title: '就业帮扶',
      description: '建成10个就业服务站。',
      responsibleUnits: ['hrss'],
      outdoor: false,
      metrics: [
        { id: 't01-stations', name: '就业服务站', written: '10个', target: { kind: 'atLeast', value: '10', unit: '个' } },
        { id: 't01-people', name: '再就业', written: '1.2万人以上', target: { kind: 'atLeast', value: '1.2', unit: '万人' } },
      ],
    },
    {
      number: 2,
      title: '生态环境',
      description: '开展前期工作;PM2.5浓度不超过35微克/立方米。',
      responsibleUnits: ['eco', 'hrss'],
      outdoor: true,
      metrics: [
        {
          id: 't02-substation',
          name: '变电站前期工作',
          target: { kind: 'milestone', stages: ['选址', '评审'] },
          places: ['hill'],
        },
        { id: 't02-pm25', name: 'PM2.5', target: { kind: 'ceiling', value: '35', unit: '微克/立方米' }, level: 'city' },
      ],
    },
  ],
});

/** A deep copy to break on purpose: loosely typed, as a hand-written file is. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const draft = (): any => JSON.parse(JSON.stringify(validPlan()));

