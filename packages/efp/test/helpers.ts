import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fourcc, type EfpFrameOptions, type Superframe } from '@proto/efp';
import { xorshiftFill } from '../src/cli/xorshift.js';

export const VECTOR_DIR = new URL('../../../../shared/vectors/efp/', import.meta.url);

export interface VectorFrame {
  readonly sfn: string;
  readonly size: string;
  readonly stream: string;
  readonly pts: string;
  readonly dts: string;
  readonly content: string;
  readonly code: string;
  readonly flags: string;
  readonly broken: string;
  readonly sha256: string;
}

export interface Vector {
  readonly name: string;
  readonly send_args: string;
  readonly receiver_args: string;
  readonly packets: readonly string[];
  readonly sent_frames: readonly VectorFrame[];
  readonly received_frames: readonly VectorFrame[];
}

export function loadVectors(): { file: string; vector: Vector }[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, vector: JSON.parse(readFileSync(new URL(file, VECTOR_DIR), 'utf8')) as Vector }));
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** The reference test sender's options, from a vector's send_args. */
export interface SendArgs {
  readonly mtu: number;
  readonly streamId: number;
  readonly sizes: number[];
  readonly pattern: string;
  readonly dataContent: number;
  readonly code: number;
  readonly ptsStart: bigint;
  readonly dtsDelta: bigint;
  readonly flags: number;
  readonly sfnStart: number;
}

export function parseSendArgs(args: string): SendArgs {
  const m = new Map<string, string>();
  const parts = args.split(/\s+/);
  for (let i = 0; i < parts.length; i += 2) m.set(parts[i]!.replace(/^--/, ''), parts[i + 1]!);
  const code = m.get('code') ?? '0';
  return {
    mtu: Number(m.get('mtu')),
    streamId: Number(m.get('stream')),
    sizes: (m.get('sizes') ?? '').split(',').map(Number),
    pattern: m.get('pattern') ?? 'counter',
    dataContent: Number(m.get('content') ?? '0'),
    code: /^[A-Za-z]{4}$/.test(code) ? fourcc(code) : Number(code),
    ptsStart: BigInt(m.get('pts-start') ?? '0'),
    dtsDelta: BigInt(m.get('dts-delta') ?? '0'),
    flags: Number(m.get('flags') ?? '0'),
    sfnStart: Number(m.get('sfn-start') ?? '0'),
  };
}

/** Payload bytes of the reference test sender: `counter` (i & 0xff) or `repeat:XX`. */
export function patternBytes(pattern: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  if (pattern === 'counter') {
    for (let i = 0; i < size; i++) out[i] = i & 0xff;
  } else if (pattern.startsWith('repeat:')) {
    out.fill(parseInt(pattern.slice(7), 16));
  } else {
    throw new Error(`unknown pattern ${pattern}`);
  }
  return out;
}

export function frameOptions(a: SendArgs, index: number): EfpFrameOptions {
  const pts = a.ptsStart + BigInt(index);
  return { streamId: a.streamId, dataContent: a.dataContent, pts, dts: pts - a.dtsDelta, code: a.code, flags: a.flags };
}

/** A delivered frame in the vectors' notation. */
export function asVectorFrame(f: Superframe): VectorFrame {
  return {
    sfn: String(f.superFrameNo),
    size: String(f.size),
    stream: String(f.streamId),
    pts: String(f.pts),
    dts: String(f.dts),
    content: `0x${f.dataContent.toString(16).padStart(2, '0')}`,
    code: `0x${f.code.toString(16).padStart(8, '0')}`,
    flags: `0x${f.flags.toString(16).padStart(2, '0')}`,
    broken: f.broken ? '1' : '0',
    sha256: sha256(f.data),
  };
}

/** Deterministic xorshift32 bytes. */
export function xorshiftBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  xorshiftFill(out, seed);
  return out;
}

/** Packs frames of the given sizes (payload: xorshift bytes seeded by index) and returns them with their packets. */
export function packFrames(
  sender: import('@proto/efp').EfpSender,
  sizes: readonly number[],
  options: Partial<EfpFrameOptions> = {},
): { payload: Uint8Array; packets: Uint8Array[]; sfn: number }[] {
  return sizes.map((size, i) => {
    const payload = xorshiftBytes(size, 0x9e3779b9 ^ (i + 1));
    const sfn = sender.superFrameNo;
    const packets = sender.pack(payload, { streamId: 1, pts: 1000 + i, ...options });
    return { payload, packets, sfn };
  });
}
