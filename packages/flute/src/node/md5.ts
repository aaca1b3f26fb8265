/// <reference types="node" />
/**
 * MD5 through node:crypto (OpenSSL) for the receiver's Content-MD5 check. The TypeScript MD5 of the
 * engine costs about as much as the rest of a no-code transfer; OpenSSL's is several times faster.
 */
import { createHash } from 'node:crypto';
import type { IncrementalHash, Md5Hasher } from '../md5.js';

/** An {@link Md5Hasher} on node:crypto: `new FluteReceiver({ md5: nodeMd5() })` (FluteUdpReceiver's default). */
export function nodeMd5(): Md5Hasher {
  return (): IncrementalHash => {
    const hash = createHash('md5');
    return {
      update(data: Uint8Array): void {
        hash.update(data);
      },
      digest(): Uint8Array {
        const b = hash.digest();
        // A plain Uint8Array (not a Buffer view into Node's pool).
        return new Uint8Array(b);
      },
    };
  };
}
