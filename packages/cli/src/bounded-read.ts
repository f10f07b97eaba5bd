import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 1024 * 1024;

/**
 * Reads a file chunk by chunk, handing each to `onChunk`, and stops once more than `limit`
 * bytes have come: 'too large' then, without reading on. A device or a pipe that never ends
 * (/dev/zero) is refused after limit + 1 bytes, in memory of one chunk. Fails as fs does
 * (ENOENT, EISDIR, EACCES) on a file it cannot read.
 */
export const readBounded = (file: string, limit: number, onChunk: (chunk: Buffer) => void): 'read' | 'too large' => {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, Math.min(CHUNK, limit + 1 - total), null);
      if (n === 0) return 'read';
      total += n;
      if (total > limit) return 'too large';
      onChunk(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
};

/** "16 MiB" for a limit in bytes. */
export const sizeText = (bytes: number): string =>
  bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
