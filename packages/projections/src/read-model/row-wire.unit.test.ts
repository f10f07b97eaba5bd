import { decodeRows, encodeRows } from './row-wire';
import type { IndexRow } from './index-rows';

const base = { position: 7, event_id: '01HK3QGM004C7A02YE62EDHN59', recorded_at: 1714000000000, hash: 'ab'.repeat(32) };

describe('index rows between threads', () => {
  it('gives back every row as it was, figures and the rest, nulls and Chinese text included', () => {
    const rows: IndexRow[] = [
      { table: 'plans', row: { ...base, position: 1, plan_id: 'harbin-2024', data: '{"title":"哈尔滨"}' } },
      {
        table: 'figures',
        row: { ...base, kind: 'report', report_id: base.event_id, plan_id: 'harbin-2024', task: 13, metric: 't13', place: 'daoli', as_of: '2024-05-01',
          figure: '{"kind":"quantity","unit":"公里","value":"12"}', unit: '市住建局', person: null, source: null, reason: null },
      },
      {
        table: 'figures',
        row: { ...base, position: 9, event_id: '01HK3QGM004C7A02YE62EDHN5A', kind: 'correction', report_id: base.event_id, plan_id: 'harbin-2024', task: 13,
          metric: 't13', place: 'daoli', as_of: '2024-05-02', figure: '{"kind":"flag","value":true}', unit: null, person: '张三',
          source: '{"document":"哈政办发〔2024〕29号"}', reason: '录入时数字颠倒' },
      },
      { table: 'retractions', row: { ...base, position: 10, report_id: base.event_id, reason: '重复上报', unit: 'hrss', person: null } },
    ];
    expect(decodeRows(encodeRows(rows))).toEqual(rows);
  });

  it('sends a text a page repeats once, and a report\'s own id once', () => {
    const figure = (i: number): IndexRow => ({
      table: 'figures',
      row: { ...base, position: i, event_id: `01HK3QGM004C7A02YE62EDHN${10 + i}`, kind: 'report', report_id: `01HK3QGM004C7A02YE62EDHN${10 + i}`,
        plan_id: 'harbin-2024', task: 13, metric: 't13-gas-pipe-renewal', place: '道里区', as_of: '2024-05-01',
        figure: `{"kind":"quantity","unit":"公里","value":"${i}"}`, unit: '市住建局', person: '统计员', source: null, reason: null },
    });
    const rows = [1, 2, 3, 4, 5].map(figure);
    const text = encodeRows(rows);
    for (const repeated of ['harbin-2024', 't13-gas-pipe-renewal', '道里区', '2024-05-01', '市住建局', '统计员'])
      expect(text.split(repeated).length - 1).toBe(1);
    expect(text.split('01HK3QGM004C7A02YE62EDHN11').length - 1).toBe(1);
    expect(decodeRows(text)).toEqual(rows);
  });

  it('keeps an empty text, a text two fields share, and a report id that is not the event\'s own', () => {
    const rows: IndexRow[] = [
      {
        table: 'figures',
        row: { ...base, kind: 'report', report_id: '01HK3QGM004C7A02YE62EDHN99', plan_id: '', task: 1, metric: 'same', place: 'same', as_of: '',
          figure: '{}', unit: '', person: 'same', source: '', reason: '' },
      },
    ];
    expect(decodeRows(encodeRows(rows))).toEqual(rows);
  });

  it('passes an empty page', () => {
    expect(decodeRows(encodeRows([]))).toEqual([]);
  });
});
