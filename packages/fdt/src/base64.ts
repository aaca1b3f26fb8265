// Base64 (RFC 4648 §4) for xs:base64Binary attributes: Content-MD5 and
// FEC-OTI-Scheme-Specific-Info. Browser-safe (no Buffer, no atob), strict on decode.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

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
  const digits: number[] = [];
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c === 0x3d) {
      pad++;
      continue;
    }
    if (pad > 0) return undefined; // data after padding
    const d = c < 128 ? DECODE[c]! : -1;
    if (d < 0) return undefined;
    digits.push(d);
  }
  if ((digits.length + pad) % 4 !== 0 || pad > 2) return undefined;
  const rem = digits.length % 4;
  if (rem === 1 || (rem === 0 && pad !== 0) || (rem === 2 && pad !== 2) || (rem === 3 && pad !== 1)) return undefined;
  const out = new Uint8Array(Math.floor((digits.length * 6) / 8));
  let o = 0;
  let i = 0;
  for (; i + 3 < digits.length; i += 4) {
    const v = (digits[i]! << 18) | (digits[i + 1]! << 12) | (digits[i + 2]! << 6) | digits[i + 3]!;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  if (rem === 2) {
    if ((digits[i + 1]! & 0x0f) !== 0) return undefined;
    out[o++] = (digits[i]! << 2) | (digits[i + 1]! >>> 4);
  } else if (rem === 3) {
    if ((digits[i + 2]! & 0x03) !== 0) return undefined;
    const v = (digits[i]! << 12) | (digits[i + 1]! << 6) | digits[i + 2]!;
    out[o++] = v >>> 10;
    out[o++] = (v >>> 2) & 0xff;
  }
  return out;
}
