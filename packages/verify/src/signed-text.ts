import { canonicalJson } from './canonical';

/*
 * What a signature covers, as text: the ledger signs and checks these (through @minsheng/core's
 * signed-content.ts) and this package checks an exported log with them, one definition for both.
 * Each kind starts with its own line, so a signature made for one kind can never be taken for
 * another (domain separation), then the canonical JSON of the content.
 */

/** A report, correction or retraction: what its unit asserts, not when the ledger recorded it nor its ids. */
export const progressSignedText = (e: { readonly type: string; readonly data: unknown; readonly actor: unknown; readonly source?: unknown }): string =>
  `minsheng signed progress v1\n${canonicalJson({ type: e.type, data: e.data, actor: e.actor, source: e.source })}`;

/** A key event: its type and data and `sequence`, the revision it takes in the ledger stream. */
export const keyEventSignedText = (e: { readonly type: string; readonly data: unknown }, sequence: number): string =>
  `minsheng signed key event v1\n${canonicalJson({ type: e.type, data: e.data, sequence })}`;
