import { prose } from './doc-links';

const HAN_OR_CJK_PUNCTUATION = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef“”‘’…—]/u;

/**
 * Lines of a Chinese Markdown text broken between two Chinese characters. Markdown renders such
 * a line break as a space (宾县 becomes 宾 县), so Chinese prose keeps each paragraph on one line.
 * Code blocks, tables and headings are not prose; a list item or a quote starts a new block.
 */
export const brokenChineseLines = (markdown: string): string[] => {
  const lines = prose(markdown).split('\n');
  const startsBlock = (line: string) => line.trim() === '' || /^(\s*[-*]\s|\s*\d+\.\s|#|\||>|```)/.test(line);
  return lines.flatMap((line, i) => {
    const next = lines[i + 1];
    if (next === undefined || startsBlock(next) || line.trim() === '' || /^(#|\|)/.test(line)) return [];
    const end = line.trimEnd().slice(-1);
    const start = next.trimStart().charAt(0);
    return HAN_OR_CJK_PUNCTUATION.test(end) && HAN_OR_CJK_PUNCTUATION.test(start) ? [`${line.trimEnd()}⏎${next.trimStart()}`] : [];
  });
};
