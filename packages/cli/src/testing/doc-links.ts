import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The repository's docs folder, with its translations (docs/zh/...). */
export const DOCS = resolve(__dirname, '../../../../docs');

/** Every Markdown file under `dir`, translations included, as absolute paths. */
export const markdownFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(path);
    return e.name.endsWith('.md') ? [path] : [];
  });

/** Markdown with its fenced code blocks blanked out: links and headings there are not links or headings. */
export const prose = (markdown: string): string => markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');

/** The anchor GitHub gives a heading: lower case, punctuation dropped (CJK letters kept), spaces to hyphens. */
export const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** The anchors of a Markdown text's headings, a repeated one numbered -1, -2, ... as GitHub does. */
export const anchors = (markdown: string): Set<string> => {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
};

/** The relative link targets of a Markdown text (not http(s), mailto, or inside code). */
export const relativeLinks = (markdown: string): string[] =>
  [...prose(markdown).replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

/**
 * One line per relative link in `file` that leads nowhere: a file that does not exist, or a
 * `#anchor` that no heading of the Markdown file it names has.
 */
export const brokenLinks = (file: string): string[] => {
  const text = readFileSync(file, 'utf8');
  const where = relative(resolve(DOCS, '..'), file);
  return relativeLinks(text).flatMap((target) => {
    const [path, anchor] = target.split('#', 2) as [string, string | undefined];
    const to = path === '' ? file : resolve(dirname(file), decodeURI(path));
    if (!existsSync(to)) return [`${where}: ${target}: no file ${relative(resolve(DOCS, '..'), to)}`];
    if (anchor === undefined || !to.endsWith('.md')) return [];
    const wanted = decodeURIComponent(anchor);
    return anchors(readFileSync(to, 'utf8')).has(wanted) ? [] : [`${where}: ${target}: no heading with the anchor #${wanted}`];
  });
};
