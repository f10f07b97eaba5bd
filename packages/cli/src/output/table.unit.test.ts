import { renderTable } from './table';
import { displayWidth } from './width';

describe('renderTable', () => {
  it('aligns columns by display width, so Chinese text lines up', () => {
    const lines = renderTable(
      [{ header: 'Place' }, { header: 'Figure', align: 'right' }, { header: 'Status' }],
      [
        ['道里区', '102 公里', 'behind'],
        ['pingfang', '7', 'complete'],
      ],
    );
    expect(lines).toEqual([
      'Place       Figure  Status',
      '--------  --------  --------',
      '道里区    102 公里  behind',
      'pingfang         7  complete',
    ]);
    // Every line's last column starts at the same display column.
    const starts = lines.map((l) => displayWidth(l.slice(0, l.search(/\S+$/))));
    expect(new Set(starts).size).toBe(1);
  });

  it('cuts long cells to the column maximum and drops line breaks and trailing spaces', () => {
    const lines = renderTable([{ header: 'Metric', max: 8 }, { header: 'Note' }], [['城市社区老年助餐服务覆盖面', 'a\nb'], ['x', null]]);
    expect(lines[2]).toBe('城市社…  a b');
    expect(lines[3]).toBe('x');
  });
});
