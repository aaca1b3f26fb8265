/** End-to-end harness: senders and receivers over the simulated network on a virtual clock. */
import { FluteReceiver, type FluteReceiverEvents } from '../../src/receiver/receiver.js';
import type { FluteReceiverOptions } from '../../src/receiver/options.js';
import { FluteSender } from '../../src/sender/sender.js';
import type { FluteSenderOptions } from '../../src/sender/options.js';
import { Random } from '../../src/sim/random.js';
import { SimulatedLink, VirtualClock, runSimulation, type LinkOptions, type SimulationResult } from '../../src/sim/network.js';

export const T0 = Date.UTC(2025, 5, 1, 12);

export function randomBytes(n: number, seed = n): Uint8Array {
  return new Random(seed ^ 0x5eed).fill(new Uint8Array(n));
}

export type Completed = FluteReceiverEvents['object-completed'];
export type Failed = FluteReceiverEvents['object-failed'];

/** A receiver with its events recorded. */
export class Recorder {
  readonly completed: Completed[] = [];
  readonly failed: Failed[] = [];
  readonly interrupted: FluteReceiverEvents['object-interrupted'][] = [];
  readonly fdts: FluteReceiverEvents['fdt'][] = [];
  readonly sessionsOpened: FluteReceiverEvents['session-opened'][] = [];
  readonly sessionsClosed: FluteReceiverEvents['session-closed'][] = [];
  readonly drops: FluteReceiverEvents['drop'][] = [];
  constructor(readonly receiver: FluteReceiver) {
    receiver.on('object-completed', (e) => this.completed.push(e));
    receiver.on('object-failed', (e) => this.failed.push(e));
    receiver.on('object-interrupted', (e) => this.interrupted.push(e));
    receiver.on('fdt', (e) => this.fdts.push(e));
    receiver.on('session-opened', (e) => this.sessionsOpened.push(e));
    receiver.on('session-closed', (e) => this.sessionsClosed.push(e));
    receiver.on('drop', (e) => this.drops.push(e));
  }
  /** Content by Content-Location. */
  byLocation(loc: string): Uint8Array | undefined {
    return this.completed.find((c) => c.meta.contentLocation === loc)?.data;
  }
}

export interface Scenario {
  readonly sender?: Partial<FluteSenderOptions>;
  readonly receiver?: FluteReceiverOptions;
  readonly link?: LinkOptions;
  readonly start?: number;
}

export function setup(s: Scenario = {}): { sender: FluteSender; receiver: FluteReceiver; rec: Recorder; link: SimulatedLink; clock: VirtualClock } {
  const clock = new VirtualClock(s.start ?? T0);
  const sender = new FluteSender({ tsi: 1, ...s.sender });
  const receiver = new FluteReceiver(s.receiver);
  const rec = new Recorder(receiver);
  const link = new SimulatedLink(s.link);
  return { sender, receiver, rec, link, clock };
}

/** Runs one sender to one or more receivers until `done` or the virtual time limit. */
export function run(
  parts: { sender: FluteSender; receiver: FluteReceiver | FluteReceiver[]; link: SimulatedLink; clock: VirtualClock },
  done: () => boolean,
  limitMs = 120_000,
  datagramsPerMs?: number,
): Promise<SimulationResult> {
  return runSimulation({
    clock: parts.clock,
    senders: [{ sender: parts.sender, link: parts.link, from: '10.0.0.1:4000' }],
    receivers: Array.isArray(parts.receiver) ? parts.receiver : [parts.receiver],
    until: parts.clock.now + limitMs,
    done,
    ...(datagramsPerMs === undefined ? {} : { datagramsPerMs }),
  });
}

/** Byte equality without vitest's slow element-by-element diff of large arrays. */
export function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  if (actual === undefined) throw new Error(`expected ${expected.length} bytes, got undefined`);
  if (actual.length !== expected.length) throw new Error(`expected ${expected.length} bytes, got ${actual.length}`);
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.length);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.length);
  const i = a.findIndex((v, j) => v !== b[j]);
  if (i >= 0) throw new Error(`bytes differ first at offset ${i} of ${expected.length}`);
}
