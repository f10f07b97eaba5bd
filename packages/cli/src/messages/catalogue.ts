import type { en, MessageKey } from './en';

/** A message with a count: a text per plural category Intl.PluralRules gives; `other` always. */
export type Plural = { readonly other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

/**
 * A catalogue: every key of the English one, a plural where English has one. Checked with
 * `satisfies`, so a key missing from (or added to) either catalogue fails to compile.
 */
export type Catalogue = { readonly [K in MessageKey]: (typeof en)[K] extends string ? string : Plural };
