import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createFecKernel,
  gf256Mul,
  KERNEL_OP_COPY,
  KERNEL_OP_MUL,
  KERNEL_OP_MUL_ADD,
  KERNEL_OP_SCALE,
  KERNEL_OP_XOR,
  KERNEL_OP_ZERO,
  MAX_SLAB_SIZE,
  type FecKernel,
} from '@proto/fec-kernel';

const BACKENDS = ['wasm-simd', 'js'] as const;

/** Reference semantics, one byte at a time with gf256Mul. */
const reference = {
  xor(m: Uint8Array, dst: number, src: number, len: number): void {
    for (let i = 0; i < len; i++) m[dst + i]! ^= m[src + i]!;
  },
  mulAdd(m: Uint8Array, dst: number, src: number, len: number, c: number): void {
    for (let i = 0; i < len; i++) m[dst + i]! ^= gf256Mul(c, m[src + i]!);
  },
  mul(m: Uint8Array, dst: number, src: number, len: number, c: number): void {
    for (let i = 0; i < len; i++) m[dst + i] = gf256Mul(c, m[src + i]!);
  },
};

function referenceMatrix(coeffs: Uint8Array, rows: number, cols: number, inputs: readonly Uint8Array[], len: number): Uint8Array[] {
  return Array.from({ length: rows }, (_, r) => {
    const out = new Uint8Array(len);
    for (let c = 0; c < cols; c++) for (let i = 0; i < len; i++) out[i]! ^= gf256Mul(coeffs[r * cols + c]!, inputs[c]![i]!);
    return out;
  });
}

type Op =
  | { kind: 'xor'; dst: number; src: number; len: number }
  | { kind: 'mulAdd' | 'mul'; dst: number; src: number; len: number; c: number }
  | { kind: 'scale'; dst: number; len: number; c: number };

const SLAB = 600;

/** Operations on a 600-byte slab: disjoint or identical ranges, lengths across the 64/16/1-byte loops. */
const opArb: fc.Arbitrary<Op> = fc
  .record({
    kind: fc.constantFrom('xor', 'mulAdd', 'mul', 'scale'),
    len: fc.integer({ min: 0, max: 280 }),
    a: fc.nat(),
    b: fc.nat(),
    same: fc.boolean(),
    c: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ kind, len, a, b, same, c }): Op => {
    const dst = a % (SLAB - 2 * len + 1);
    const src = same ? dst : dst + len + (b % (SLAB - dst - 2 * len + 1));
    if (kind === 'xor') return { kind, dst, src, len };
    if (kind === 'scale') return { kind, dst, len, c };
    return { kind, dst, src, len, c };
  });

function apply(k: FecKernel, op: Op): void {
  if (op.kind === 'xor') k.xor(op.dst, op.src, op.len);
  else if (op.kind === 'scale') k.scale(op.dst, op.len, op.c);
  else k[op.kind](op.dst, op.src, op.len, op.c);
}

function applyReference(m: Uint8Array, op: Op): void {
  if (op.kind === 'xor') reference.xor(m, op.dst, op.src, op.len);
  else if (op.kind === 'scale') reference.mul(m, op.dst, op.dst, op.len, op.c);
  else reference[op.kind](m, op.dst, op.src, op.len, op.c);
}

describe('createFecKernel', () => {
  it('runs WebAssembly SIMD by default in Node and the fallback on request', () => {
    expect(createFecKernel().backend).toBe('wasm-simd');
    expect(createFecKernel({ backend: 'js' }).backend).toBe('js');
    expect(createFecKernel({ slabSize: 100 }).slabSize).toBe(100);
  });
});

describe('slab operations: both backends equal the byte-wise reference', () => {
  it('for random operation sequences', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: SLAB, maxLength: SLAB }), fc.array(opArb, { maxLength: 12 }), (initial, ops) => {
        const model = initial.slice();
        const kernels = BACKENDS.map((backend) => createFecKernel({ backend, slabSize: SLAB }));
        for (const k of kernels) k.slab().set(initial);
        for (const op of ops) {
          applyReference(model, op);
          for (const k of kernels) apply(k, op);
        }
        for (const k of kernels) expect(k.slab()).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  it('at every length 0..200 and misaligned offsets', () => {
    const initial = Uint8Array.from({ length: 512 }, (_, i) => (i * 151 + 7) & 255);
    for (let len = 0; len <= 200; len++) {
      for (const [dst, src] of [[0, 256], [3, 301], [1, 258], [255, 1]] as const) {
        const model = initial.slice();
        reference.mulAdd(model, dst, src, len, 0xb7);
        reference.xor(model, src, dst, len);
        for (const backend of BACKENDS) {
          const k = createFecKernel({ backend, slabSize: 512 });
          k.slab().set(initial);
          k.mulAdd(dst, src, len, 0xb7);
          k.xor(src, dst, len);
          expect(k.slab(), `${backend} len ${len} dst ${dst} src ${src}`).toEqual(model);
        }
      }
    }
  });
});

describe('every width of the fallback: alignments and the constants with short cuts', () => {
  // The fallback runs 64-bit lanes when dst and src share an 8-byte alignment (XOR, and constant 2),
  // 32-bit words when they share a 4-byte one, bytes otherwise; constants 0 and 1 take short cuts.
  it('equals the reference for each operation, constant, length and relative alignment', () => {
    const initial = Uint8Array.from({ length: 1024 }, (_, i) => (i * 151 + 7) ^ (i >>> 3));
    const lengths = [0, 1, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 257];
    // Offsets of src relative to dst of 0, 4 and 1..3 modulo 8, with the heads of either.
    const pairs = [[0, 512], [5, 517], [8, 524], [3, 515], [1, 514], [2, 517], [6, 519], [519, 6]] as const;
    const kernels = BACKENDS.map((backend) => createFecKernel({ backend, slabSize: 1024 }));
    for (const c of [0, 1, 2, 3, 0x80, 0xb7]) {
      for (const len of lengths) {
        for (const [dst, src] of pairs) {
          const model = initial.slice();
          reference.mulAdd(model, dst, src, len, c);
          reference.mul(model, src, dst, len, c);
          reference.xor(model, dst, src, len);
          reference.mul(model, dst, dst, len, c);
          for (const k of kernels) {
            k.slab().set(initial);
            k.mulAdd(dst, src, len, c);
            k.mul(src, dst, len, c);
            k.xor(dst, src, len);
            k.scale(dst, len, c);
            expect(k.slab(), `${k.backend} c ${c} len ${len} dst ${dst} src ${src}`).toEqual(model);
          }
        }
      }
    }
  });
});

/** Runs `ops` one operation at a time on a copy of the slab, byte by byte. */
function referenceRun(m: Uint8Array, ops: Int32Array, base: number, stride: number, len: number): void {
  for (let i = 0; i < ops.length; i += 2) {
    const op = ops[i]! >>> 28;
    const dst = base + (ops[i]! & 0x0fffffff) * stride;
    const src = base + (ops[i + 1]! & 0x00ffffff) * stride;
    const c = ops[i + 1]! >>> 24;
    if (op === KERNEL_OP_XOR) reference.xor(m, dst, src, len);
    else if (op === KERNEL_OP_COPY) m.copyWithin(dst, src, src + len);
    else if (op === KERNEL_OP_MUL_ADD) reference.mulAdd(m, dst, src, len, c);
    else if (op === KERNEL_OP_MUL) reference.mul(m, dst, src, len, c);
    else if (op === KERNEL_OP_SCALE) reference.mul(m, dst, dst, len, c);
    else m.fill(0, dst, dst + len);
  }
}

const word0 = (op: number, dst: number): number => (op << 28) | dst;
const word1 = (c: number, src: number): number => (c << 24) | src;

describe('run: both backends equal the operations applied one by one', () => {
  /** Operation lists over `symbols` symbols, XOR-heavy with repeated destinations (the fused paths). */
  const opsArb = (symbols: number): fc.Arbitrary<Int32Array> =>
    fc
      .array(
        fc.record({
          op: fc.oneof(fc.constant(KERNEL_OP_XOR), fc.integer({ min: 0, max: 5 })),
          dst: fc.integer({ min: 0, max: symbols - 1 }),
          src: fc.integer({ min: 0, max: symbols - 1 }),
          c: fc.oneof(fc.constantFrom(0, 1, 2), fc.integer({ min: 0, max: 255 })),
          repeat: fc.integer({ min: 1, max: 4 }),
        }),
        { maxLength: 40 },
      )
      .map((list) => {
        const words: number[] = [];
        // `repeat` XORs into the same destination from consecutive sources (sometimes itself).
        for (const { op, dst, src, c, repeat } of list) {
          const n = op === KERNEL_OP_XOR ? repeat : 1;
          for (let r = 0; r < n; r++) words.push(word0(op, dst), word1(c, (src + r) % symbols));
        }
        return Int32Array.from(words);
      });
  const layoutArb = fc.record({
    base: fc.integer({ min: 0, max: 9 }),
    stride: fc.constantFrom(0, 1, 8, 16, 24, 37, 40, 64, 100, 136),
    cut: fc.integer({ min: 0, max: 20 }),
  });

  it('for random operation lists, layouts and lengths', () => {
    const symbols = 6;
    fc.assert(
      fc.property(layoutArb, opsArb(symbols), fc.integer({ min: 0, max: 2 ** 31 - 1 }), ({ base, stride, cut }, ops, seed) => {
        const len = Math.max(0, stride - cut);
        const size = base + symbols * stride + 3;
        const initial = Uint8Array.from({ length: size }, (_, i) => (i * 167 + seed) ^ (seed >>> (i & 15)));
        const model = initial.slice();
        referenceRun(model, ops, base, stride, len);
        for (const backend of BACKENDS) {
          const k = createFecKernel({ backend, slabSize: size });
          k.slab().set(initial);
          k.run(ops, base, stride, len);
          expect(k.slab(), `${backend} base ${base} stride ${stride} len ${len}`).toEqual(model);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('across the 4096-operation chunks of the WebAssembly backend, without moving the slab', () => {
    const symbols = 50;
    const stride = 48;
    const words: number[] = [];
    let x = 0x2545f491;
    const next = (n: number): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    for (let i = 0; i < 10_000; i++) words.push(word0(next(6), next(symbols)), word1(next(256), next(symbols)));
    const ops = Int32Array.from(words);
    const initial = Uint8Array.from({ length: symbols * stride }, (_, i) => (i * 29) ^ (i >>> 5));
    const model = initial.slice();
    referenceRun(model, ops, 0, stride, stride);
    for (const backend of BACKENDS) {
      const k = createFecKernel({ backend, slabSize: symbols * stride });
      const view = k.slab();
      view.set(initial);
      k.run(ops, 0, stride);
      expect(view, backend).toEqual(model);
    }
  });

  it('defaults len to the stride and accepts an empty list', () => {
    for (const backend of BACKENDS) {
      const k = createFecKernel({ backend, slabSize: 64 });
      k.slab().fill(7);
      k.run(new Int32Array(0), 0, 32);
      k.run(Int32Array.of(word0(KERNEL_OP_ZERO, 1), 0), 0, 32);
      expect(Array.from(k.slab().subarray(30, 34)), backend).toEqual([7, 7, 0, 0]);
      expect(k.slab()[63]).toBe(0);
    }
  });
});

describe('run: bad lists throw RangeError before any byte is written', () => {
  it.each(BACKENDS)('%s', (backend) => {
    const k = createFecKernel({ backend, slabSize: 100 });
    k.slab().fill(1);
    // Many good operations first: a bad one at the end must still stop the whole list.
    const good = Array.from({ length: 5000 }, () => [word0(KERNEL_OP_ZERO, 0), 0]).flat();
    const bad = (w0: number, w1: number): Int32Array => Int32Array.from([...good, w0, w1]);
    expect(() => k.run(bad(word0(6, 0), 0), 0, 10)).toThrow(/opcode 6/);
    expect(() => k.run(bad(word0(15, 0), 0), 0, 10)).toThrow(/opcode 15/);
    expect(() => k.run(bad(word0(KERNEL_OP_XOR, 10), 0), 0, 10)).toThrow(/outside the slab/);
    expect(() => k.run(bad(word0(KERNEL_OP_MUL_ADD, 0), word1(3, 10)), 0, 10)).toThrow(/outside the slab/);
    expect(() => k.run(bad(word0(KERNEL_OP_XOR, 9), 0), 1, 10)).toThrow(/outside the slab/);
    expect(() => k.run(Int32Array.of(word0(KERNEL_OP_XOR, 0)), 0, 10)).toThrow(/two per operation/);
    expect(() => k.run(Int32Array.of(0, 0), 0, 10, 11)).toThrow(/len/);
    expect(() => k.run(Int32Array.of(0, 0), -1, 10)).toThrow(/base/);
    expect(() => k.run(Int32Array.of(0, 0), 0, 2.5)).toThrow(/stride/);
    expect(() => k.run([0, 0] as unknown as Int32Array, 0, 10)).toThrow(/Int32Array/);
    expect(k.slab().every((b) => b === 1)).toBe(true);
    // src is not read by SCALE and ZERO: it is not checked either.
    k.run(Int32Array.of(word0(KERNEL_OP_SCALE, 9), word1(2, 0xffffff)), 0, 10);
    expect(k.slab()[99]).toBe(2);
  });
});

describe('mulMatrix: both backends equal the reference', () => {
  it('for random shapes, lengths and misaligned inputs', () => {
    const shape = fc
      .record({ rows: fc.integer({ min: 0, max: 6 }), cols: fc.integer({ min: 0, max: 7 }), len: fc.integer({ min: 0, max: 300 }), shift: fc.integer({ min: 0, max: 3 }) })
      .chain((s) =>
        fc.record({
          s: fc.constant(s),
          coeffs: fc.uint8Array({ minLength: s.rows * s.cols, maxLength: s.rows * s.cols }),
          data: fc.array(fc.uint8Array({ minLength: s.len, maxLength: s.len }), { minLength: s.cols, maxLength: s.cols }),
        }),
      );
    fc.assert(
      fc.property(shape, ({ s, coeffs, data }) => {
        // Inputs at offset `shift` inside a larger buffer, to exercise unaligned views.
        const inputs = data.map((d) => {
          const holder = new Uint8Array(d.length + 4);
          holder.set(d, s.shift);
          return holder.subarray(s.shift, s.shift + d.length);
        });
        const want = referenceMatrix(coeffs, s.rows, s.cols, inputs, s.len);
        for (const backend of BACKENDS) {
          const k = createFecKernel({ backend });
          const outputs = Array.from({ length: s.rows }, () => new Uint8Array(s.len).fill(0xee));
          k.mulMatrix(coeffs, s.rows, s.cols, inputs, outputs);
          expect(outputs, backend).toEqual(want);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('for a Reed-Solomon sized product (64 inputs of 1424 bytes, 16 outputs)', () => {
    const inputs = Array.from({ length: 64 }, (_, c) => Uint8Array.from({ length: 1424 }, (_, i) => (i * 31 + c * 17) ^ (i >> 3)));
    const coeffs = Uint8Array.from({ length: 16 * 64 }, (_, i) => (i * 73 + 11) & 255);
    const want = referenceMatrix(coeffs, 16, 64, inputs, 1424);
    for (const backend of BACKENDS) {
      const outputs = Array.from({ length: 16 }, () => new Uint8Array(1424));
      createFecKernel({ backend }).mulMatrix(coeffs, 16, 64, inputs, outputs);
      expect(outputs, backend).toEqual(want);
    }
  });
});

describe('slab growth', () => {
  it('keeps contents, zeroes new bytes and needs a fresh view', () => {
    for (const backend of BACKENDS) {
      const k = createFecKernel({ backend, slabSize: 1000 });
      const before = k.slab();
      before.fill(0x5a);
      // mulMatrix scratch lives behind the slab: a later reserve must not expose it.
      const big = Array.from({ length: 4 }, () => new Uint8Array(70_000).fill(0x77));
      k.mulMatrix(Uint8Array.of(1, 1, 1, 1), 1, 4, big, [new Uint8Array(70_000)]);
      k.reserve(200_000);
      const after = k.slab();
      expect(after.length).toBe(200_000);
      expect(after.subarray(0, 1000).every((b) => b === 0x5a)).toBe(true);
      expect(after.subarray(1000).every((b) => b === 0)).toBe(true);
      k.mulAdd(150_000, 0, 1000, 2);
      expect(k.slab()[150_999]).toBe(gf256Mul(2, 0x5a));
      k.reserve(10);
      expect(k.slabSize).toBe(200_000);
    }
  });
});

describe('argument errors throw RangeError and leave the kernel usable', () => {
  it.each(BACKENDS)('%s', (backend) => {
    const k = createFecKernel({ backend, slabSize: 100 });
    k.slab().fill(1);
    expect(() => k.xor(0, 90, 20)).toThrow(RangeError);
    expect(() => k.xor(-1, 50, 10)).toThrow(RangeError);
    expect(() => k.xor(0.5, 50, 10)).toThrow(RangeError);
    expect(() => k.mulAdd(0, 5, 10, 3)).toThrow(/overlap/);
    expect(() => k.mulAdd(0, 50, 10, 256)).toThrow(RangeError);
    expect(() => k.mul(0, 50, 10, -1)).toThrow(RangeError);
    expect(() => k.scale(95, 10, 2)).toThrow(RangeError);
    expect(() => k.reserve(MAX_SLAB_SIZE + 1)).toThrow(RangeError);
    expect(() => k.reserve(-1)).toThrow(RangeError);
    const a = new Uint8Array(8);
    expect(() => k.mulMatrix(Uint8Array.of(1), 1, 1, [a], [new Uint8Array(9)])).toThrow(RangeError);
    expect(() => k.mulMatrix(Uint8Array.of(1), 1, 2, [a], [new Uint8Array(8)])).toThrow(RangeError);
    expect(() => k.mulMatrix(Uint8Array.of(1, 1), 1, 2, [a, a], [new Uint8Array(8)])).not.toThrow();
    expect(() => k.mulMatrix(Uint8Array.of(1), 1, 1, [a], [a.subarray(4)])).toThrow(RangeError);
    expect(() => k.mulMatrix(Uint8Array.of(1, 1), 2, 1, [a], [new Uint8Array(16).subarray(0, 8), new Uint8Array(8)])).not.toThrow();
    const shared = new Uint8Array(12);
    expect(() => k.mulMatrix(Uint8Array.of(1, 1), 2, 1, [a], [shared.subarray(0, 8), shared.subarray(4, 12)])).toThrow(/overlaps output/);
    expect(k.slab().every((b) => b === 1)).toBe(true);
    k.xor(0, 50, 50);
    expect(k.slab().subarray(0, 50).every((b) => b === 0)).toBe(true);
    expect(k.slab().subarray(50).every((b) => b === 1)).toBe(true);
  });
});
