/**
 * Reed-Solomon schemes of RFC 5510 on @proto/fec-rs: FEC Encoding ID 2 (GF(2^m), §4), 5 (GF(2^8), §5)
 * and 129 with FEC Instance ID 0 (small-block systematic, §6 / RFC 5445 §2). Blocks by RFC 5052 §9.1;
 * the last source symbol is zero-padded to E (a short one is accepted on receive); a block of k
 * source symbols has n = floor(k · max_n / B) encoding symbols (RFC 5510 §5/§6 / RFC 5052 §9.1).
 *
 * The generator matrix is RFC 5510's (Rizzo, what OpenFEC emits) unless `matrix: 'backblaze'` is asked
 * for, which is what ypo/flute senders emit for IDs 5 and 129.
 *
 * Decoding a block of k symbols costs O(k²) field operations to set up and O(k) per byte rebuilt, so
 * a peer choosing k (FEC 2 allows up to 65,535 with m = 16) chooses the receiver's CPU time: k =
 * 65,534 in 2-byte symbols (95 datagrams) took 18 s. A receiver refuses OTIs whose B exceeds
 * `maxDecodeBlockLength` (default 1024, which only FEC 2 with m ≥ 11 can reach).
 */
import { createReedSolomon, type MatrixConvention, type ReedSolomon } from '@proto/fec-rs';
import { MalformedError } from '../errors.js';
import { BlockLayout, SourceAssembler, badOti, makeOti, repairCount, type BlockDecoder, type BlockEncoder, type FecParameters, type FecScheme, type Oti } from './scheme.js';

/** Which Reed-Solomon scheme. */
export type ReedSolomonVariant = 2 | 5 | 129;

/** Largest B (source symbols per block) a receiver decodes by default. */
const DEFAULT_MAX_DECODE_BLOCK = 1024;

interface Limits {
  /** Largest B and max_n the FTI can carry. */
  readonly maxB: number;
  readonly maxN: number;
  /** SBN width in bits. */
  readonly sbnBits: number;
}

function limits(variant: ReedSolomonVariant, m: number): Limits {
  const field = 2 ** m - 1;
  if (variant === 5) return { maxB: 255, maxN: 255, sbnBits: 24 };
  if (variant === 129) return { maxB: Math.min(0xffff, field), maxN: Math.min(0xffff, field), sbnBits: 32 };
  return { maxB: Math.min(0xffff, field), maxN: Math.min(0xffff, field), sbnBits: 32 - m };
}

/** Why a symbol length cannot be split into GF(2^m) elements, or undefined. */
function symbolProblem(m: number, T: number): string | undefined {
  if (m === 16 && T % 2 !== 0) return 'must be even for m = 16';
  if (m !== 2 && m !== 4 && m !== 8 && m !== 16 && (T * 8) % m !== 0) return `must be a whole number of ${m}-bit elements`;
  return undefined;
}

export class ReedSolomonScheme implements FecScheme {
  readonly fecEncodingId: ReedSolomonVariant;
  readonly name: string;
  readonly shortLastSymbol = false;
  readonly matrix: MatrixConvention;
  /** Largest maximum source block length B that `checkOti` accepts (decoding work grows as B²). */
  readonly maxDecodeBlockLength: number;
  readonly #codecs = new Map<string, ReedSolomon>();

  constructor(variant: ReedSolomonVariant, options: { readonly matrix?: MatrixConvention; readonly maxDecodeBlockLength?: number } = {}) {
    this.fecEncodingId = variant;
    this.matrix = options.matrix ?? 'rfc5510';
    this.maxDecodeBlockLength = options.maxDecodeBlockLength ?? DEFAULT_MAX_DECODE_BLOCK;
    if (!Number.isInteger(this.maxDecodeBlockLength) || this.maxDecodeBlockLength < 1) throw new RangeError(`maxDecodeBlockLength must be a positive integer, got ${this.maxDecodeBlockLength}`);
    this.name = variant === 2 ? 'Reed-Solomon GF(2^m)' : variant === 5 ? 'Reed-Solomon GF(2^8)' : 'Small Block Systematic (Reed-Solomon)';
  }

  #codec(m: number, k: number, n: number): ReedSolomon {
    const key = `${m}/${k}/${n}`;
    let c = this.#codecs.get(key);
    if (c === undefined) {
      if (this.#codecs.size >= 64) this.#codecs.delete(this.#codecs.keys().next().value!);
      c = createReedSolomon({ m, k, n, matrix: this.matrix });
      this.#codecs.set(key, c);
    }
    return c;
  }

  createOti(transferLength: number, params: FecParameters): Oti {
    const m = this.fecEncodingId === 2 ? (params.m ?? 8) : 8;
    if (!Number.isInteger(m) || m < 2 || m > 16) throw new RangeError(`m must be 2..16, got ${m}`);
    const T = params.symbolLength;
    if (!Number.isInteger(T) || T < 1 || T > 0xffff) throw new RangeError(`symbolLength must be 1..65535, got ${T}`);
    const problem = symbolProblem(m, T);
    if (problem !== undefined) throw new RangeError(`symbolLength ${T} ${problem}`);
    const instance = params.fecInstanceId ?? 0;
    if (this.fecEncodingId === 129 && instance !== 0) throw new RangeError(`FEC Encoding ID 129: only FEC Instance ID 0 (Reed-Solomon) is implemented, got ${instance}`);
    const lim = limits(this.fecEncodingId, m);
    const B = params.maxSourceBlockLength;
    if (!Number.isInteger(B) || B < 1) throw new RangeError(`maxSourceBlockLength must be a positive integer, got ${B}`);
    if (B > lim.maxB) throw new RangeError(`maxSourceBlockLength ${B} exceeds ${lim.maxB} for FEC Encoding ID ${this.fecEncodingId} (m = ${m})`);
    const maxN = Math.min(lim.maxN, B + repairCount(B, params.repair));
    const oti = makeOti({ fecEncodingId: this.fecEncodingId, fecInstanceId: this.fecEncodingId === 129 ? instance : 0, transferLength, symbolLength: T, maxSourceBlockLength: B, maxEncodingSymbols: maxN, m });
    const blocks = this.layout(oti).blockCount;
    if (blocks > 2 ** lim.sbnBits) throw new RangeError(`the object needs ${blocks} blocks, more than the ${lim.sbnBits}-bit SBN can number: raise maxSourceBlockLength or symbolLength`);
    return oti;
  }

  checkOti(oti: Oti): void {
    const m = oti.m === 0 ? 8 : oti.m;
    if (m < 2 || m > 16) badOti('m', 'must be 2..16', m);
    if (oti.symbolLength < 1) badOti('symbol length', 'must be at least 1', oti.symbolLength);
    const problem = symbolProblem(m, oti.symbolLength);
    if (problem !== undefined) badOti('symbol length', problem, oti.symbolLength);
    const lim = limits(this.fecEncodingId, m);
    if (oti.maxSourceBlockLength < 1 || oti.maxSourceBlockLength > lim.maxB) badOti('maximum source block length', `must be 1..${lim.maxB}`, oti.maxSourceBlockLength);
    if (oti.maxSourceBlockLength > this.maxDecodeBlockLength) badOti('maximum source block length', `exceeds the ${this.maxDecodeBlockLength} symbols this receiver decodes (maxDecodeBlockLength)`, oti.maxSourceBlockLength);
    if (oti.maxEncodingSymbols < oti.maxSourceBlockLength || oti.maxEncodingSymbols > 2 ** m - 1) badOti('max number of encoding symbols', `must be B..${2 ** m - 1}`, oti.maxEncodingSymbols);
    if (this.fecEncodingId === 129 && oti.fecInstanceId !== 0) badOti('FEC Instance ID', 'only 0 (Reed-Solomon) is implemented for FEC Encoding ID 129', oti.fecInstanceId);
    if (this.layout(oti).blockCount > 2 ** lim.sbnBits) badOti('maximum source block length', `gives more blocks than a ${lim.sbnBits}-bit SBN can number`, oti.maxSourceBlockLength);
  }

  layout(oti: Oti): BlockLayout {
    return BlockLayout.fromMaxBlockLength(oti.transferLength, oti.symbolLength, oti.maxSourceBlockLength);
  }

  encodingSymbols(oti: Oti, k: number): number {
    return Math.max(k, Math.floor((k * oti.maxEncodingSymbols) / oti.maxSourceBlockLength));
  }

  maxEsi(oti: Oti): number {
    return 2 ** (oti.m === 0 ? 8 : oti.m) - 2;
  }

  createEncoder(oti: Oti, _sbn: number, block: Uint8Array): BlockEncoder {
    const T = oti.symbolLength;
    const m = oti.m === 0 ? 8 : oti.m;
    const k = Math.ceil(block.length / T);
    const n = this.encodingSymbols(oti, k);
    let sources: Uint8Array[] | undefined;
    let repairs: Uint8Array[] | undefined;
    const symbols = (): Uint8Array[] => {
      if (sources === undefined) {
        sources = [];
        for (let i = 0; i < k; i++) {
          const s = block.subarray(i * T, Math.min(block.length, (i + 1) * T));
          if (s.length === T) sources.push(s);
          else {
            const padded = new Uint8Array(T);
            padded.set(s);
            sources.push(padded);
          }
        }
      }
      return sources;
    };
    return {
      sourceSymbols: k,
      writeSymbol: (esi, out, offset) => {
        if (esi < k) {
          const start = esi * T;
          const end = Math.min(block.length, start + T);
          out.set(block.subarray(start, end), offset);
          if (end - start < T) out.fill(0, offset + end - start, offset + T);
          return T;
        }
        if (esi >= n) throw new RangeError(`esi ${esi} is beyond the ${n} encoding symbols of this block`);
        // All repair symbols of the block in one matrix product, on the first request.
        const all = (repairs ??= this.#codec(m, k, n).encode(symbols()));
        out.set(all[esi - k]!, offset);
        return T;
      },
    };
  }

  createDecoder(oti: Oti, sbn: number, allocate?: (length: number) => Uint8Array): BlockDecoder {
    const layout = this.layout(oti);
    const k = layout.sourceSymbols(sbn);
    const T = oti.symbolLength;
    const m = oti.m === 0 ? 8 : oti.m;
    const maxEsi = this.maxEsi(oti);
    const asm = new SourceAssembler(k, T, layout.byteLength(sbn), allocate);
    const repairs = new Map<number, Uint8Array>();
    let done = false;
    let sourceReceived = 0;
    const codec = (): ReedSolomon => this.#codec(m, k, maxEsi + 1);
    return {
      push(esi, symbol) {
        if (done) return true;
        if (esi > maxEsi) throw new MalformedError('ESI', `beyond ${maxEsi} for GF(2^${m})`, esi);
        if (esi < k) {
          if (asm.put(esi, symbol)) sourceReceived++;
        } else {
          if (symbol.length !== T) throw new MalformedError('encoding symbol', `repair ESI ${esi} has ${symbol.length} bytes, expected ${T}`, symbol.length);
          if (!repairs.has(esi) && asm.count + repairs.size < k) repairs.set(esi, symbol.slice());
        }
        if (asm.count === k) {
          done = true;
        } else if (asm.count + repairs.size >= k) {
          const received = [];
          for (let esi = 0; esi < k; esi++) {
            if (!asm.has(esi)) continue;
            const start = esi * T;
            const s = asm.block.subarray(start, Math.min(asm.block.length, start + T));
            if (s.length === T) received.push({ esi, data: s });
            else {
              const padded = new Uint8Array(T);
              padded.set(s);
              received.push({ esi, data: padded });
            }
          }
          for (const [esi, data] of repairs) received.push({ esi, data });
          const decoded = codec().decode(received);
          for (let esi = 0; esi < k; esi++) if (!asm.has(esi)) asm.put(esi, decoded[esi]!);
          done = true;
        }
        if (done) repairs.clear();
        return done;
      },
      get complete() {
        return done;
      },
      result: () => asm.block,
      get memory() {
        return asm.block.length + repairs.size * T;
      },
      get sourceReceived() {
        return sourceReceived;
      },
    };
  }
}
