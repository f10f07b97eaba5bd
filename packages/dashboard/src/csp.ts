/**
 * The served pages' Content-Security-Policy: scripts, styles and data only from this server,
 * no inline scripts or styles, no frames, no forms posting elsewhere.
 */
export const SERVER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The static file's policy: only the inline script and style whose hashes are given. */
export const staticCsp = (scriptHashes: readonly string[], styleHashes: readonly string[]): string =>
  [
    "default-src 'none'",
    `script-src ${scriptHashes.join(' ')}`,
    `style-src ${styleHashes.join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
