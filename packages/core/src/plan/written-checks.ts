import { dec, isDecimalString } from '../decimal';
import { toBase } from '../units';

/**
 * A target's `written` words checked against its number and kind: the plan's own text and the
 * figure the ledger judges by must say the same thing. Comparator words: 以上, 不低于, 不少于,
 * 达到, 至少 → at least; 左右, 约 → approximate; 不超过, 以下, 不高于, 以内 → a ceiling. The first
 * number of the words, times 10⁴ when 万 follows it, is the target's value in its base unit.
 */
const AT_LEAST = ['以上', '不低于', '不少于', '达到', '至少'];
const ABOUT = ['左右', '约'];
const CEILING = ['不超过', '以下', '不高于', '以内'];

const KIND_WORDS: Readonly<Record<string, string>> = {
  atLeast: 'at least',
  share: 'at least (a share)',
  rate: 'at least (a rate)',
  approximate: 'approximate',
  ceiling: 'a ceiling',
};

const said = (written: string, words: readonly string[]): string | undefined => words.find((w) => written.includes(w));

const targetWords = (t: Record<string, unknown>): string => {
  const unit = t.kind === 'share' ? '%' : typeof t.unit === 'string' ? t.unit : '';
  return `${KIND_WORDS[String(t.kind)] ?? String(t.kind)} ${String(t.value)}${unit === '%' ? '%' : ` ${unit}`}`;
};

/** Why the words do not match the target, naming both; null when they match (or say no number). */
export const writtenProblem = (written: string, target: Record<string, unknown>): string | null => {
  const kind = String(target.kind);
  if (!(kind in KIND_WORDS)) return null;
  const both = `the words "${written}" do not match the target (${targetWords(target)})`;
  const atLeast = said(written, AT_LEAST);
  const about = said(written, ABOUT);
  const ceiling = said(written, CEILING);
  if (ceiling !== undefined && kind !== 'ceiling') return `${both}: "${ceiling}" is a ceiling; make the kind "ceiling", or the words`;
  if (about !== undefined && kind !== 'approximate') return `${both}: "${about}" is approximate; make the kind "approximate" with a tolerance, or the words`;
  if (atLeast !== undefined && (kind === 'ceiling' || kind === 'approximate'))
    return `${both}: "${atLeast}" means at least; make the kind "atLeast" (or "share", "rate"), or the words`;

  const m = /(\d+(?:\.\d+)?)\s*(万)?/.exec(written);
  const value = typeof target.value === 'string' && isDecimalString(target.value) ? target.value : undefined;
  if (!m || value === undefined) return null;
  const words = dec(m[1]!).times(m[2] ? 10000 : 1);
  const unit = kind === 'share' ? '%' : typeof target.unit === 'string' ? target.unit : '';
  const number = kind === 'share' || kind === 'rate' ? dec(value) : toBase(dec(value), unit);
  if (words.eq(number)) return null;
  return `${both}: the words say ${m[0].trim()}, the target's value is ${value}${unit === '%' ? '%' : ` ${unit}`}`;
};
