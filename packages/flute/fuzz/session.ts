// Whole FLUTE sessions, damaged on the way, pushed into a receiver: shared by the fuzz target and the
// bounded property test. What must hold whatever a peer sends: push() never throws, no drop is an
// internal error (a bug caught by the receiver's last-resort catch), memory stays within the limits,
// every object completed with a Content-MD5 has content of that MD5, and the receiver still delivers
// a clean session afterwards.
import fc from 'fast-check';
import { FluteReceiver, FluteSender, MemoryWriter, md5, toHex, xorshiftFill, type ContentEncoding, type FecOptions, type ObjectSink, type ObjectWriter, type ReceiverLimits } from '@proto/flute';

const T0 = Date.UTC(2026, 0, 1);

/** Sender setups: every FEC scheme, small symbols so that objects span several blocks. */
const SETUPS: readonly { readonly fec: FecOptions; readonly encoding: ContentEncoding }[] = [
  { fec: { encodingId: 0, symbolLength: 96, maxSourceBlockLength: 8 }, encoding: 'null' },
  { fec: { encodingId: 0, symbolLength: 64, maxSourceBlockLength: 16 }, encoding: 'gzip' },
  { fec: { encodingId: 1, symbolLength: 64, maxSourceBlockLength: 12, repair: { percent: 50 } }, encoding: 'null' },
  { fec: { encodingId: 2, symbolLength: 64, maxSourceBlockLength: 6, repair: { symbols: 4 }, m: 4 }, encoding: 'deflate' },
  { fec: { encodingId: 2, symbolLength: 64, maxSourceBlockLength: 10, repair: { symbols: 4 }, m: 16 }, encoding: 'null' },
  { fec: { encodingId: 5, symbolLength: 80, maxSourceBlockLength: 10, repair: { percent: 40 } }, encoding: 'zlib' },
  { fec: { encodingId: 6, symbolLength: 64, maxSourceBlockLength: 20, repair: { percent: 30 } }, encoding: 'null' },
  { fec: { encodingId: 6, symbolLength: 64, maxSourceBlockLength: 20, repair: { percent: 30 }, subBlocks: 2, alignment: 4 }, encoding: 'gzip' },
  { fec: { encodingId: 129, symbolLength: 72, maxSourceBlockLength: 8, repair: { symbols: 3 } }, encoding: 'null' },
];

/** Deterministic bytes with runs of repeated bytes, so that compressed encodings have something to do. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  xorshiftFill(out, seed * 2654435761);
  for (let i = 0; i < length; i += 192) out.fill(0x41 + ((i >> 6) & 7), i, Math.min(length, i + 64));
  return out;
}

interface Session {
  readonly datagrams: readonly Uint8Array[];
  readonly objects: ReadonlyMap<string, Uint8Array>;
}

function makeSession(setup: number, tsi: number): Session {
  const { fec, encoding } = SETUPS[setup]!;
  const sender = new FluteSender({ tsi, fec, fdt: { carousel: { mode: 'delay', ms: 5 } } });
  const objects = new Map<string, Uint8Array>();
  [0, 1, 700, 2_500].forEach((size, i) => {
    const data = bytes(size, setup * 31 + i + tsi);
    objects.set(`f${i}.bin`, data);
    sender.addObject({ source: data, contentLocation: `f${i}.bin`, contentEncoding: encoding });
  });
  sender.setComplete();
  const datagrams: Uint8Array[] = [];
  let now = T0;
  for (let n = 0; n < 5_000 && !sender.idle; n++) {
    const d = sender.poll(now);
    if (d !== undefined) datagrams.push(d);
    else now = Math.max(now + 1, Math.min(sender.nextDeadline(), now + 50));
  }
  if (!sender.idle) throw new Error(`setup ${setup}: the sender did not finish`);
  // The close-session packet (A flag) comes last.
  sender.close();
  for (let d = sender.poll(now); d !== undefined; d = sender.poll(now)) datagrams.push(d);
  return { datagrams, objects };
}

const cache = new Map<string, Session>();
function session(setup: number, tsi: number): Session {
  const key = `${setup}/${tsi}`;
  let s = cache.get(key);
  if (s === undefined) cache.set(key, (s = makeSession(setup, tsi)));
  return s;
}

/** One change to the datagram sequence. */
export type Damage =
  | { readonly kind: 'byte'; readonly packet: number; readonly at: number; readonly value: number }
  | { readonly kind: 'cut'; readonly packet: number; readonly at: number }
  | { readonly kind: 'drop'; readonly packet: number }
  | { readonly kind: 'duplicate'; readonly packet: number }
  | { readonly kind: 'swap'; readonly packet: number; readonly other: number }
  | { readonly kind: 'junk'; readonly packet: number; readonly junk: Uint8Array };

export const arbDamage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('byte' as const), packet: fc.nat(), at: fc.nat(), value: fc.nat(255) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), packet: fc.nat(), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), packet: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), packet: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), packet: fc.nat(), other: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('junk' as const), packet: fc.nat(), junk: fc.uint8Array({ maxLength: 200 }) }) },
);

function damage(datagrams: readonly Uint8Array[], damages: readonly Damage[]): Uint8Array[] {
  const out: Uint8Array[] = datagrams.map((d) => d.slice());
  for (const d of damages) {
    if (out.length === 0) break;
    const i = d.packet % out.length;
    const p = out[i]!;
    switch (d.kind) {
      case 'byte':
        if (p.length > 0) p[d.at % p.length] = d.value;
        break;
      case 'cut':
        out[i] = p.subarray(0, d.at % (p.length + 1));
        break;
      case 'drop':
        out.splice(i, 1);
        break;
      case 'duplicate':
        out.splice(i, 0, p.slice());
        break;
      case 'swap': {
        const j = d.other % out.length;
        out[i] = out[j]!;
        out[j] = p;
        break;
      }
      case 'junk':
        out.splice(i, 0, d.junk);
        break;
    }
  }
  return out;
}

/** Small limits, so that the limits are reached too. */
const LIMITS: Partial<ReceiverLimits> = { maxSessions: 4, maxObjectsPerSession: 8, maxObjectMemory: 512 << 10, maxTotalMemory: 2 << 20, maxPendingBytes: 64 << 10, maxFdtBytes: 16 << 10 };

/**
 * A writer whose sinks copy each chunk at once and say they keep none (`keepsChunks: false`), so that
 * the receiver decodes later blocks into the memory of written ones: content that comes out wrong
 * fails the MD5 checks below.
 */
function copyingWriter(): ObjectWriter {
  const memory = new MemoryWriter();
  return {
    open(meta): ObjectSink {
      const sink = memory.open(meta);
      return { keepsChunks: false, write: (chunk) => sink.write(chunk.slice()), complete: () => sink.complete(), abort: (reason) => sink.abort(reason) };
    },
  };
}

/**
 * Runs one damaged session (and, after it, a clean one) through a fresh receiver; throws on a
 * violation. Setups past the schemes' count run the same with a writer that lets blocks be reused.
 */
export function checkDamagedSession(setup: number, damages: readonly Damage[], jumps: readonly number[]): void {
  const { datagrams, objects } = session(setup % SETUPS.length, 9);
  const reuse = Math.floor(setup / SETUPS.length) % 2 === 1;
  const rx = new FluteReceiver({ limits: LIMITS, ...(reuse ? { writer: copyingWriter(), reuseBlockBytes: 256 << 10 } : {}) });
  const violations: string[] = [];
  const first = new Map<string, Uint8Array>();
  rx.on('object-completed', (e) => {
    const data = e.data ?? new Uint8Array(0);
    first.set(e.meta.contentLocation, data);
    if (e.meta.md5 !== undefined && toHex(md5(data)) !== toHex(e.meta.md5)) violations.push(`${e.meta.contentLocation}: completed with content that does not match its Content-MD5`);
  });
  const limit = LIMITS.maxTotalMemory! + LIMITS.maxPendingBytes! + LIMITS.maxFdtBytes! * 4;
  let now = T0;
  damage(datagrams, damages).forEach((d, i) => {
    rx.push(d, now, '198.51.100.7:4000');
    now += 1 + (jumps.length > 0 ? jumps[i % jumps.length]! : 0);
    if (i % 16 === 0) rx.cleanup(now);
    if (rx.memory > limit) violations.push(`memory ${rx.memory} above ${limit}`);
  });
  rx.cleanup(now + 3_600_000);
  if (damages.length === 0 && jumps.every((j) => j === 0)) {
    // Undamaged: everything arrives (this is what makes the harness able to fail).
    for (const [location, data] of objects) {
      const g = first.get(location);
      if (g === undefined || toHex(md5(g)) !== toHex(md5(data))) violations.push(`undamaged session: ${location} not delivered intact`);
    }
  }
  if (rx.stats.dropped.internal > 0) violations.push(`${rx.stats.dropped.internal} datagram(s) dropped as internal errors`);
  // Still usable: a clean session from another source and TSI delivers every object intact.
  const clean = session(setup % SETUPS.length, 10);
  const got = new Map<string, Uint8Array>();
  rx.on('object-completed', (e) => got.set(e.meta.contentLocation, e.data ?? new Uint8Array(0)));
  now += 10;
  for (const d of clean.datagrams) rx.push(d, now++, '198.51.100.8:4000');
  for (const [location, data] of clean.objects) {
    const g = got.get(location);
    if (g === undefined || toHex(md5(g)) !== toHex(md5(data))) violations.push(`clean session after the damaged one: ${location} not delivered intact`);
  }
  if (violations.length > 0) throw new Error(violations.join('; '));
}

/** The property: any setup, a few damages, optional time jumps between datagrams. */
export const damagedSessionProperty = (): fc.IPropertyWithHooks<[number, Damage[], number[]]> =>
  fc.property(
    fc.nat(2 * SETUPS.length - 1),
    fc.array(arbDamage, { maxLength: 12 }),
    fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 70_000 })), { maxLength: 4 }),
    (setup, damages, jumps) => checkDamagedSession(setup, damages, jumps),
  );
