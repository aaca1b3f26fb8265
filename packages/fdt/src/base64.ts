// Base64 (RFC 4648 §4) for xs:base64Binary attributes: Content-MD5 and
// FEC-OTI-Scheme-Specific-Info. Browser-safe (no Buffer, no atob), strict on decode.

import { isXmlSpace } from './xml-text.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d;

/** Encodes bytes as padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + ALPHABET[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + '==';
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + '=';
  }
  return out;
}

/**
 * Decodes padded base64, skipping XML whitespace (xs:base64Binary allows it). Returns undefined
 * when the text is not canonical base64: a bad character, bad padding, or non-zero pad bits.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  // First pass: validate and count the digits and the padding.
  let digits = 0;
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isXmlSpace(c)) continue;
    if (c === PAD) {
      pad++;
      continue;
    }
    if (pad > 0 || c >= 128 || DECODE[c]! < 0) return undefined;
    digits++;
  }
  const rem = digits % 4;
  if (rem === 1 || pad !== (rem === 0 ? 0 : 4 - rem)) return undefined;
  // Second pass: decode.
  const out = new Uint8Array((digits * 3) >>> 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === PAD) break;
    if (isXmlSpace(c)) continue;
    acc = ((acc << 6) | DECODE[c]!) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // The bits left over under the padding must be zero (canonical encoding).
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
