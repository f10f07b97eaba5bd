/**
 * CSV as RFC 4180 writes it and Excel reads it: a field is quoted when it holds a
 * comma, a double quote, CR or LF (quotes inside are doubled); records end in CRLF;
 * the file starts with a UTF-8 byte-order mark, without which Excel reads Chinese text
 * as the system's legacy code page.
 */
export const csvField = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const BOM = '\uFEFF';

export const toCsv = (header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string =>
  BOM + [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
