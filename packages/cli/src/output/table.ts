import { escapeControls } from '@minsheng/core';
import { displayWidth, pad, truncate } from './width';

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
  /** Longer cells are cut to this many columns with "…". */
  readonly max?: number;
}

/**
 * Renders rows under a header, each column as wide as its widest cell in display
 * columns (so Chinese text lines up), separated by two spaces. Lines have no trailing spaces.
 * Control characters in a cell are escaped (a line break shows as \n), before widths are measured.
 */
export const renderTable = (columns: readonly Column[], rows: ReadonlyArray<ReadonlyArray<string | null | undefined>>): string[] => {
  const cells = rows.map((r) => columns.map((c, i) => {
    const text = escapeControls(r[i] ?? '');
    return c.max !== undefined ? truncate(text, c.max) : text;
  }));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i]!))));
  const line = (r: readonly string[]) =>
    r.map((text, i) => pad(text, widths[i]!, columns[i]!.align)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
};
