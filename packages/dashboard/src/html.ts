/** HTML built from trusted markup and escaped text: every value from the ledger goes through `esc`. */
export interface Html {
  readonly html: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const raw = (html: string): Html => ({ html });

type Part = Html | string | number | null | undefined | false | readonly Part[];

const render = (part: Part): string => {
  if (part === null || part === undefined || part === false) return '';
  if (typeof part === 'string') return esc(part);
  if (typeof part === 'number') return String(part);
  if (Array.isArray(part)) return part.map(render).join('');
  return (part as Html).html;
};

/** A template tag: interpolated strings are escaped, Html is kept, arrays are joined. */
export const html = (strings: TemplateStringsArray, ...parts: Part[]): Html =>
  raw(strings.reduce((out, s, i) => out + s + (i < parts.length ? render(parts[i]!) : ''), ''));

/**
 * JSON for a `<script type="application/json">` data block: `<` is escaped so no text in the
 * data can close the element. Data blocks are not run, so a strict CSP allows them.
 */
export const jsonBlock = (id: string, data: unknown): Html =>
  raw(`<script type="application/json" id="${esc(id)}">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`);
