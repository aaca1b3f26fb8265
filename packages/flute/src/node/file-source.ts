/// <reference types="node" />
import { open } from 'node:fs/promises';
import { statSync } from 'node:fs';
import type { ObjectSource, SourceReader } from '../source.js';

/**
 * A source reading a file in chunks (positional reads, no stream buffering): memory does not depend
 * on the file size. The size is taken when the source is created; a file that changes length
 * afterwards fails the transfer.
 */
export function fileSource(path: string): ObjectSource {
  const size = statSync(path).size;
  return {
    size,
    open(): SourceReader {
      const handle = open(path, 'r');
      let position = 0;
      let closed = false;
      return {
        async read(max) {
          const h = await handle;
          if (position >= size) return undefined;
          const buf = new Uint8Array(Math.min(max, size - position, 4 << 20));
          const { bytesRead } = await h.read(buf, 0, buf.length, position);
          if (bytesRead === 0) throw new RangeError(`${path} is shorter than its ${size} bytes`);
          position += bytesRead;
          return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
        },
        async close() {
          if (closed) return;
          closed = true;
          await (await handle).close();
        },
      };
    },
  };
}
