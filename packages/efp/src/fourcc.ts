// EFP `code` values are fourccs: c0 << 24 | c1 << 16 | c2 << 8 | c3, so "ANXB" is 0x414E5842
// (on the wire, little-endian: 42 58 4E 41).

/** The u32 of a four-character code: `fourcc('ANXB') === 0x414e5842`. Throws RangeError unless 4 chars of 0..255. */
export function fourcc(code: string): number {
  if (code.length !== 4) throw new RangeError(`fourcc: expected 4 characters, got ${JSON.stringify(code)}`);
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const c = code.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`fourcc: character ${i} of ${JSON.stringify(code)} is not a byte`);
    v = (v << 8) | c;
  }
  return v >>> 0;
}

/** The four characters of a code when all are printable ASCII (`0x414e5842` → `'ANXB'`), else undefined. */
export function fourccToString(code: number): string | undefined {
  if (!Number.isInteger(code) || code < 0 || code > 0xffff_ffff) return undefined;
  let s = '';
  for (let shift = 24; shift >= 0; shift -= 8) {
    const c = (code >>> shift) & 0xff;
    if (c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}
