import { hash } from 'node:crypto';

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const quote = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/**
 * Canonical JSON exactly as the ledger writes it (a copy of @minsheng/core's canonicalJson, so
 * this package depends on nothing of the ledger; event-store's tests hold the two equal): keys
 * sorted by UTF-16 code unit, no whitespace, undefined members left out.
 */
export const canonicalJson = (v: unknown): string => {
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(v);
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
      const o = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(o).sort()) if (o[k] !== undefined) parts.push(`${quote(k)}:${canonicalJson(o[k])}`);
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${typeof v} is not JSON`);
  }
};

export const sha256Hex = (text: string | Uint8Array): string => hash('sha256', text, 'hex');
