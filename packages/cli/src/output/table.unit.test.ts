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

  it('cuts long cells to the column maximum and drops trailing spaces', () => {
    const lines = renderTable([{ header: 'Metric', max: 8 }, { header: 'Note' }], [['城市社区老年助餐服务覆盖面', 'a b'], ['x', null]]);
    expect(lines[2]).toBe('城市社…  a b');
    expect(lines[3]).toBe('x');
  });

  it('escapes control characters in cells, before measuring widths: a line break or an ESC cannot reach the terminal', () => {
    const lines = renderTable([{ header: 'Person' }, { header: 'Unit' }], [['a\nb', '住建'], ['\x1b[31m红', 'x']]);
    expect(lines).toEqual(['Person        Unit', '------------  ----', 'a\\nb          住建', '\\u001b[31m红  x']);
  });
});
