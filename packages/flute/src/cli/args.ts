/// <reference types="node" />
// Command-line value parsing for the flute tool: each parser names the option in its error.

/** Options every command takes (parseArgs declarations). */
export const COMMON_OPTIONS = {
  group: { type: 'string', short: 'g' },
  interface: { type: 'string', short: 'i' },
  json: { type: 'boolean', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A bad command line (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };
const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, m: 1 << 20, mib: 1 << 20, g: 1 << 30, gib: 1 << 30, kb: 1e3, mb: 1e6, gb: 1e9 };

/** An integer in `min..max`. */
export function int(name: string, v: string | undefined, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return fallback;
  const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name}: expected an integer ${min}..${max}, got ${JSON.stringify(v)}`);
  return n;
}

/** A non-negative integer as bigint (TSI, TOI). */
export function big(name: string, v: string | undefined, fallback: bigint): bigint {
  if (v === undefined) return fallback;
  if (/^(\d+|0x[0-9a-fA-F]+)$/.test(v)) return BigInt(v);
  throw new UsageError(`--${name}: expected a non-negative integer, got ${JSON.stringify(v)}`);
}

/** A decimal number of seconds, returned in milliseconds. */
export function seconds(name: string, v: string | undefined, fallbackMs: number): number {
  if (v === undefined) return fallbackMs;
  const n = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--${name}: expected seconds (e.g. 2.5), got ${JSON.stringify(v)}`);
  return n * 1000;
}

/** Bits per second with an optional k/M/G suffix (decimal); `0`, `max` or `unlimited` mean no pacing. */
export function bitrate(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (v === '0' || v === 'max' || v === 'unlimited') return Infinity;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:bit\/?s|bps|b)?$/i.exec(v);
  if (m === null) throw new UsageError(`--${name}: expected bits per second like 30M, 1.5G or 800k, got ${JSON.stringify(v)}`);
  const r = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  if (!(r > 0)) throw new UsageError(`--${name}: must be above 0`);
  return r;
}

/** Bytes with an optional binary (KiB, MiB, GiB, or k/M/G) or decimal (kB, MB, GB) suffix. */
export function bytes(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(v);
  const unit = m === null ? undefined : BYTE_UNITS[m[2]!.toLowerCase()];
  if (m === null || unit === undefined) throw new UsageError(`--${name}: expected a size like 64MiB, 500k or 1048576, got ${JSON.stringify(v)}`);
  return Math.floor(Number(m[1]) * unit);
}

/** A fraction: `0.1` or `10%`. */
export function fraction(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(v);
  const n = pct !== null ? Number(pct[1]) / 100 : /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!(n >= 0 && n <= 1)) throw new UsageError(`--${name}: expected a fraction like 0.1 or 10%, got ${JSON.stringify(v)}`);
  return n;
}

/** Repair overhead: `15%` (percent of each block) or `8` (symbols per block). */
export function repair(name: string, v: string | undefined): { readonly percent: number } | { readonly symbols: number } | undefined {
  if (v === undefined) return undefined;
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(v);
  if (pct !== null) return { percent: Number(pct[1]) };
  if (/^\d+$/.test(v)) return { symbols: Number(v) };
  throw new UsageError(`--${name}: expected a percentage like 15% or a symbol count like 8, got ${JSON.stringify(v)}`);
}

/** One of `choices`. */
export function choice<T extends string>(name: string, v: string | undefined, choices: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if ((choices as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`--${name}: expected one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
}

const FEC_NAMES: Record<string, number> = { 'no-code': 0, nocode: 0, none: 0, raptor: 1, rs2m: 2, rs: 5, 'reed-solomon': 5, raptorq: 6, rs129: 129 };

/** A FEC Encoding ID by number or name (no-code, raptor, rs2m, rs, raptorq, rs129). */
export function fecId(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const named = FEC_NAMES[v.toLowerCase()];
  if (named !== undefined) return named;
  if (/^\d{1,3}$/.test(v) && Number(v) <= 255) return Number(v);
  throw new UsageError(`--${name}: expected a FEC Encoding ID (0, 1, 2, 5, 6, 129) or a name (${Object.keys(FEC_NAMES).join(', ')}), got ${JSON.stringify(v)}`);
}

/** Human-readable bytes (binary units). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** Human-readable bit rate. */
export function formatRate(bitsPerSecond: number): string {
  if (!Number.isFinite(bitsPerSecond)) return 'unpaced';
  if (bitsPerSecond >= 1e9) return `${(bitsPerSecond / 1e9).toFixed(2)} Gbit/s`;
  if (bitsPerSecond >= 1e6) return `${(bitsPerSecond / 1e6).toFixed(1)} Mbit/s`;
  return `${(bitsPerSecond / 1e3).toFixed(1)} kbit/s`;
}
