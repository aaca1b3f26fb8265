/**
 * A deliberately tiny WebAssembly binary writer: just the sections, types and instructions the kernel
 * in `kernel.ts` uses, each named after its WAT mnemonic so that the kernel source reads like WAT.
 * Encodings follow the WebAssembly core specification 2.0 §5 (binary format) and the SIMD128
 * proposal's opcode table (prefix 0xFD, LEB128 sub-opcode).
 */

export type Bytes = readonly number[];

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`uleb: ${n}`);
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 for a 32-bit integer. */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`sleb: ${n}`);
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: readonly Bytes[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: Bytes): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Value types. */
export const i32 = 0x7f;
export const v128 = 0x7b;
type ValType = typeof i32 | typeof v128;

const simd = (sub: number): number[] => [0xfd, ...uleb(sub)];
/** memarg: alignment exponent and constant byte offset. */
const memarg = (align: number, offset: number): number[] => [...uleb(align), ...uleb(offset)];

/** Instructions, named as in WAT. Structured ones take their body as a list of instruction byte lists. */
export const op = {
  block: (...body: Bytes[]): number[] => [0x02, 0x40, ...body.flat(), 0x0b],
  loop: (...body: Bytes[]): number[] => [0x03, 0x40, ...body.flat(), 0x0b],
  if: (...body: Bytes[]): number[] => [0x04, 0x40, ...body.flat(), 0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  br_if: (depth: number): number[] => [0x0d, ...uleb(depth)],
  br_table: (depths: readonly number[], fallback: number): number[] => [0x0e, ...vec(depths.map((d) => uleb(d))), ...uleb(fallback)],
  return: [0x0f] as Bytes,
  call: (funcIndex: number): number[] => [0x10, ...uleb(funcIndex)],
  local_get: (i: number): number[] => [0x20, ...uleb(i)],
  local_set: (i: number): number[] => [0x21, ...uleb(i)],
  local_tee: (i: number): number[] => [0x22, ...uleb(i)],
  i32_load: (offset = 0): number[] => [0x28, ...memarg(2, offset)],
  i32_load8_u: (offset = 0): number[] => [0x2d, ...memarg(0, offset)],
  i32_store8: (offset = 0): number[] => [0x3a, ...memarg(0, offset)],
  i32_const: (n: number): number[] => [0x41, ...sleb(n)],
  i32_eqz: [0x45] as Bytes,
  i32_eq: [0x46] as Bytes,
  i32_ne: [0x47] as Bytes,
  i32_lt_u: [0x49] as Bytes,
  i32_gt_u: [0x4b] as Bytes,
  i32_ge_u: [0x4f] as Bytes,
  i32_add: [0x6a] as Bytes,
  i32_sub: [0x6b] as Bytes,
  i32_mul: [0x6c] as Bytes,
  i32_and: [0x71] as Bytes,
  i32_xor: [0x73] as Bytes,
  i32_shl: [0x74] as Bytes,
  i32_shr_u: [0x76] as Bytes,
  // Bulk memory (WebAssembly 2.0): memory index 0.
  memory_copy: [0xfc, ...uleb(10), 0x00, 0x00] as Bytes,
  memory_fill: [0xfc, ...uleb(11), 0x00] as Bytes,
  v128_load: (offset = 0): number[] => [...simd(0x00), ...memarg(0, offset)],
  v128_store: (offset = 0): number[] => [...simd(0x0b), ...memarg(0, offset)],
  v128_const: (bytes16: Bytes): number[] => {
    if (bytes16.length !== 16) throw new RangeError('v128.const needs 16 bytes');
    return [...simd(0x0c), ...bytes16];
  },
  i8x16_swizzle: simd(0x0e) as Bytes,
  v128_and: simd(0x4e) as Bytes,
  v128_xor: simd(0x51) as Bytes,
  i8x16_shr_u: simd(0x6d) as Bytes,
};

export interface FuncDef {
  readonly name: string;
  readonly params: readonly ValType[];
  /** Extra locals, in order after the parameters. */
  readonly locals: readonly ValType[];
  readonly body: readonly Bytes[];
}

/**
 * A module with one memory (exported as "memory", `minPages` initial pages, no maximum) and the given
 * functions, each exported under its name, none returning a value.
 */
export function assembleModule(funcs: readonly FuncDef[], minPages: number): Uint8Array {
  // One function type per distinct parameter list.
  const typeKeys: string[] = [];
  const typeOf = funcs.map((f) => {
    const key = f.params.join(',');
    let idx = typeKeys.indexOf(key);
    if (idx < 0) idx = typeKeys.push(key) - 1;
    return idx;
  });
  const types = typeKeys.map((k) => {
    const params = k === '' ? [] : k.split(',').map(Number);
    return [0x60, ...uleb(params.length), ...params, 0x00];
  });
  const code = funcs.map((f) => {
    // Run-length groups of equal local types.
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    const body = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n!), t!]), ...f.body.flat(), 0x0b];
    return [...uleb(body.length), ...body];
  });
  const exports = [
    [...name('memory'), 0x02, ...uleb(0)],
    ...funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(typeOf.map((t) => uleb(t)))),
    ...section(5, vec([[0x00, ...uleb(minPages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(code)),
  ]);
}
