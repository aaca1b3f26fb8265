// fast-check generators of valid LCT/ALC values, shared by the property tests and the fuzz targets.
import fc from 'fast-check';
import type { AlcPacketInit, Fti, LctExtension, LctHeaderInit, FecPayloadId, CciBits, TsiBits, ToiBits } from '@proto/lct';

const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** Math.min(bits, 31) - 1 }).chain((lo) =>
  bits <= 31 ? fc.constant(lo) : fc.integer({ min: 0, max: 2 ** (bits - 31) - 1 }).map((hi) => hi * 2 ** 31 + lo),
);
/** fc.record with plain objects (deepStrictEqual compares prototypes). */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T>;
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, constraints: { requiredKeys: [] }): fc.Arbitrary<Partial<T>>;
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, constraints?: { requiredKeys: [] }): fc.Arbitrary<T | Partial<T>> {
  if (constraints === undefined) return fc.record(model, { noNullPrototype: true });
  return fc.record(model, { requiredKeys: [], noNullPrototype: true }) as fc.Arbitrary<Partial<T>>;
}

const big = (bits: number): fc.Arbitrary<bigint> => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });

/** Values biased towards field boundaries (0, max) as well as random ones. */
const field = (bits: number): fc.Arbitrary<number> => fc.oneof(u(bits), fc.constantFrom(0, 2 ** bits - 1));

export const SUPPORTED_FEC_IDS = [0, 1, 2, 5, 6, 129] as const;

export function arbFti(fecEncodingId: number, raptorRfc5053 = false): fc.Arbitrary<Fti> {
  switch (fecEncodingId) {
    case 0:
      return rec({ fecEncodingId: fc.constant(0 as const), transferLength: field(48), symbolLength: field(16), maxSourceBlockLength: field(32) });
    case 1:
      return rec({
        fecEncodingId: fc.constant(1 as const),
        transferLength: field(raptorRfc5053 ? 48 : 40),
        symbolLength: field(16),
        sourceBlocks: field(16),
        subBlocks: field(8),
        alignment: field(8),
      });
    case 2:
      return rec({
        fecEncodingId: fc.constant(2 as const),
        transferLength: field(48),
        m: fc.integer({ min: 2, max: 16 }),
        g: fc.integer({ min: 1, max: 255 }),
        symbolLength: field(16),
        maxSourceBlockLength: field(16),
        maxEncodingSymbols: field(16),
      });
    case 5:
      return rec({ fecEncodingId: fc.constant(5 as const), transferLength: field(48), symbolLength: field(16), maxSourceBlockLength: field(8), maxEncodingSymbols: field(8) });
    case 6:
      return rec({ fecEncodingId: fc.constant(6 as const), transferLength: field(40), symbolLength: field(16), sourceBlocks: field(8), subBlocks: field(16), alignment: field(8) });
    default:
      return rec({
        fecEncodingId: fc.constant(129 as const),
        transferLength: field(48),
        fecInstanceId: field(16),
        symbolLength: field(16),
        maxSourceBlockLength: field(16),
        maxEncodingSymbols: field(16),
      });
  }
}

/** Bytes whose length plus the 2-byte HET/HEL head is a multiple of 4. */
const body = (maxWords: number): fc.Arbitrary<Uint8Array> => fc.integer({ min: 1, max: maxWords }).chain((w) => fc.uint8Array({ minLength: 4 * w - 2, maxLength: 4 * w - 2 }));

const KNOWN_HETS = new Set([0, 1, 2, 64, 67, 192, 193, 194]);
const unknownVariableHet = fc.integer({ min: 3, max: 127 }).filter((h) => !KNOWN_HETS.has(h));
const unknownFixedHet = fc.integer({ min: 128, max: 255 }).filter((h) => !KNOWN_HETS.has(h));

export function arbExtension(fecEncodingId: number | undefined): fc.Arbitrary<LctExtension> {
  const options: fc.Arbitrary<LctExtension>[] = [
    body(4).map((data) => ({ het: 0 as const, data })),
    body(6).map((data) => ({ het: 1 as const, data })),
    rec(
      {
        sct: fc.oneof(rec({ seconds: field(32) }), rec({ seconds: field(32), fraction: field(32) })),
        ert: field(32),
        slc: field(32),
        piSpecific: fc.integer({ min: 1, max: 255 }),
      },
      { requiredKeys: [] },
    ).map((t) => ({ het: 2 as const, ...t })),
    field(48).map((transferLength) => ({ het: 67 as const, transferLength })),
    rec({ version: field(4), fdtInstanceId: field(20) }).map((f) => ({ het: 192 as const, ...f })),
    field(8).map((cenc) => ({ het: 193 as const, cenc })),
    field(24).map((transferLength) => ({ het: 194 as const, transferLength })),
    fc.tuple(unknownVariableHet, body(4)).map(([het, raw]) => ({ het, raw })),
    fc.tuple(unknownFixedHet, fc.uint8Array({ minLength: 3, maxLength: 3 })).map(([het, raw]) => ({ het, raw })),
  ];
  if (fecEncodingId !== undefined) options.push(arbFti(fecEncodingId).map((fti) => ({ het: 64 as const, fti })));
  return fc.oneof(...options);
}

const TSI_WIDTHS: readonly TsiBits[] = [0, 16, 32, 48];
const TOI_WIDTHS: readonly ToiBits[] = [0, 16, 32, 48, 64, 80, 96, 112];

/** A header for FEC Encoding ID `fecEncodingId` (codepoint = FEC ID), sometimes with forced widths. */
export function arbHeader(fecEncodingId: number): fc.Arbitrary<LctHeaderInit> {
  const widths = rec({ cciBits: fc.constantFrom<CciBits>(32, 64, 96, 128), h: fc.integer({ min: 0, max: 1 }), s: fc.integer({ min: 0, max: 1 }), o: fc.integer({ min: 0, max: 3 }) });
  const base = rec({
    version: fc.constantFrom(1, 2),
    psi: fc.integer({ min: 0, max: 3 }),
    closeSession: fc.boolean(),
    closeObject: fc.boolean(),
    extensions: fc.array(arbExtension(fecEncodingId), { maxLength: 6 }),
    forced: fc.option(widths, { nil: undefined }),
    cciSeed: big(128),
    tsiSeed: big(48),
    toiSeed: big(112),
    mode: fc.constantFrom('small', 'full'),
  });
  return base.map((r) => {
    // Pick widths, then values that fit them (full width or small values).
    const w = r.forced ?? { cciBits: 128 as CciBits, h: 1, s: 1, o: 3 };
    const tsiBits = TSI_WIDTHS.find((b) => b === 32 * w.s + 16 * w.h)!;
    const toiBits = TOI_WIDTHS.find((b) => b === 32 * w.o + 16 * w.h)!;
    const fit = (seed: bigint, bits: number): bigint => (bits === 0 ? 0n : r.mode === 'small' ? seed % 70000n % (1n << BigInt(bits)) : seed % (1n << BigInt(bits)));
    const header: LctHeaderInit = {
      version: r.version,
      cci: fit(r.cciSeed, w.cciBits),
      psi: r.psi,
      tsi: fit(r.tsiSeed, tsiBits),
      toi: fit(r.toiSeed, toiBits),
      codepoint: fecEncodingId,
      closeSession: r.closeSession,
      closeObject: r.closeObject,
      extensions: r.extensions,
    };
    return r.forced === undefined ? header : { ...header, cciBits: w.cciBits, tsiBits, toiBits };
  });
}

function rsM(extensions: readonly LctExtension[] | undefined): number {
  for (const e of extensions ?? []) if (e.het === 64 && 'fti' in e && e.fti.fecEncodingId === 2) return e.fti.m;
  return 8;
}

export function arbPayloadId(fecEncodingId: number, m: number): fc.Arbitrary<FecPayloadId> {
  switch (fecEncodingId) {
    case 0:
    case 1:
      return rec({ sbn: field(16), esi: field(16) });
    case 2:
      return rec({ sbn: field(32 - m), esi: field(m) });
    case 5:
      return rec({ sbn: field(24), esi: field(8) });
    case 6:
      return rec({ sbn: field(8), esi: field(24) });
    default:
      return rec({ sbn: field(32), esi: field(16), sourceBlockLength: field(16) });
  }
}

/** A valid ALC packet for one of the supported FEC Encoding IDs (codepoint = FEC ID). */
export const arbAlcPacket: fc.Arbitrary<AlcPacketInit> = fc
  .constantFrom(...SUPPORTED_FEC_IDS)
  .chain((fecId) => arbHeader(fecId))
  .chain((header) =>
    rec({
      header: fc.constant(header),
      payloadId: arbPayloadId(header.codepoint!, rsM(header.extensions)),
      payload: fc.uint8Array({ maxLength: 64 }),
    }),
  );
