import { checkInteger } from './cursor.js';

/**
 * Capability trailer of this package (not part of the reference protocol). Syfala decodes by
 * prefix and ignores trailing bytes, so a UDP-only peer reads a Discovery or Connect carrying
 * this trailer as the plain message; a peer that knows it learns what the sender supports.
 *
 * ```
 *  0    1    2    3         4       5               7
 * +----+----+----+---------+-------+---------------+
 * | 'S'| 'y'| 'X'| version | flags | tcpPort u16LE |
 * +----+----+----+---------+-------+---------------+
 * ```
 * flags bit 0: the sender speaks the TCP control plane. In a client's Discovery tcpPort is 0; in
 * a server's Connect it is the port of the server's TCP control listener (same address as UDP).
 */
export interface Extension {
  /** The sender supports control messages over TCP. */
  readonly tcpControl: boolean;
  /** TCP port of the control listener (server), 0 when none. */
  readonly tcpPort: number;
}

export const EXTENSION_MAGIC = Uint8Array.of(0x53, 0x79, 0x58);
export const EXTENSION_VERSION = 1;
export const EXTENSION_LENGTH = 7;
const FLAG_TCP_CONTROL = 0x01;

/** Encodes the trailer. */
export function encodeExtension(ext: Extension): Uint8Array {
  checkInteger('tcpPort', ext.tcpPort, 0, 0xffff);
  const out = new Uint8Array(EXTENSION_LENGTH);
  out.set(EXTENSION_MAGIC, 0);
  out[3] = EXTENSION_VERSION;
  out[4] = ext.tcpControl ? FLAG_TCP_CONTROL : 0;
  out[5] = ext.tcpPort & 0xff;
  out[6] = ext.tcpPort >>> 8;
  return out;
}

/**
 * Reads the trailer from the bytes after a message, or returns undefined when they are not one
 * (absent, other bytes, or a newer version): trailing bytes are never an error.
 */
export function decodeExtension(rest: Uint8Array): Extension | undefined {
  if (rest.length < EXTENSION_LENGTH) return undefined;
  if (rest[0] !== EXTENSION_MAGIC[0] || rest[1] !== EXTENSION_MAGIC[1] || rest[2] !== EXTENSION_MAGIC[2]) return undefined;
  if (rest[3] !== EXTENSION_VERSION) return undefined;
  const flags = rest[4]!;
  return { tcpControl: (flags & FLAG_TCP_CONTROL) !== 0, tcpPort: rest[5]! | (rest[6]! << 8) };
}

/** `message` followed by the trailer, in one new array. */
export function withExtension(message: Uint8Array, ext: Extension): Uint8Array {
  const out = new Uint8Array(message.length + EXTENSION_LENGTH);
  out.set(message, 0);
  out.set(encodeExtension(ext), message.length);
  return out;
}

/** Largest control frame carried over TCP. */
export const MAX_CONTROL_FRAME = 65_535;

/**
 * TCP control framing: each message is preceded by its length as a u16 little-endian.
 * ```
 * +---------------+-------------------+
 * | length u16 LE | message (length)  |
 * +---------------+-------------------+
 * ```
 */
export function frameControlMessage(message: Uint8Array): Uint8Array {
  if (message.length > MAX_CONTROL_FRAME) throw new RangeError(`control frame of ${message.length} bytes exceeds ${MAX_CONTROL_FRAME}`);
  const out = new Uint8Array(2 + message.length);
  out[0] = message.length & 0xff;
  out[1] = message.length >>> 8;
  out.set(message, 2);
  return out;
}

/**
 * Push decoder for the TCP control stream: `write(chunk)` returns the complete messages so far
 * (copies: they outlive the chunk). Memory is bounded by one frame of at most MAX_CONTROL_FRAME.
 */
export class ControlFrameDecoder {
  private pending = new Uint8Array(0);

  write(chunk: Uint8Array): Uint8Array[] {
    let data: Uint8Array;
    if (this.pending.length === 0) data = chunk;
    else {
      data = new Uint8Array(this.pending.length + chunk.length);
      data.set(this.pending, 0);
      data.set(chunk, this.pending.length);
    }
    const out: Uint8Array[] = [];
    let off = 0;
    while (data.length - off >= 2) {
      const len = data[off]! | (data[off + 1]! << 8);
      if (data.length - off - 2 < len) break;
      out.push(data.slice(off + 2, off + 2 + len));
      off += 2 + len;
    }
    this.pending = data.slice(off);
    return out;
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.pending.length;
  }
}
