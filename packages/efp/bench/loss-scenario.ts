// The reference's statistical receiver test: superframes of random sizes (some up to 1 MB), 2% lost
// entirely, 2% missing one Type 1 packet, 10% with their packets shuffled. Every frame that arrived
// whole must come out intact; the partial ones broken with the right size; the lost ones not at all.
// Used in lean form by test/receiver.test.ts and at full count by bench/loss-stress.ts.
import { createHash } from 'node:crypto';
import { EfpReceiver, EfpSender, type Superframe } from '@proto/efp';

export interface LossScenarioOptions {
  readonly frames: number;
  readonly seed: number;
  /** HOL timeout; 0 delivers as frames complete. */
  readonly holTimeoutMs?: number;
  readonly mtu?: number;
}

export interface LossScenarioReport {
  sent: number;
  lost: number;
  partial: number;
  shuffled: number;
  bytes: number;
  intact: number;
  broken: number;
  /** Frames whose delivery differs from what the network did to them (must be 0). */
  mismatches: string[];
}

const hash = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export function runLossScenario(o: LossScenarioOptions): LossScenarioReport {
  let seed = o.seed >>> 0 || 1;
  const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 8) / (1 << 24);
  const sender = new EfpSender({ mtu: o.mtu ?? 1456 });
  const receiver = new EfpReceiver({ timeoutMs: 100, holTimeoutMs: o.holTimeoutMs ?? 0, maxBufferedBytes: 256 << 20 });
  const expected = new Map<number, { sha: string; size: number; partial: boolean }>();
  const got = new Map<number, Superframe>();
  const r: LossScenarioReport = { sent: 0, lost: 0, partial: 0, shuffled: 0, bytes: 0, intact: 0, broken: 0, mismatches: [] };
  let payloadSeed = 0x9e3779b9;
  for (let i = 0; i < o.frames; i++) {
    const size = 1 + Math.floor(rnd() * (rnd() < 0.2 ? 1_000_000 : 50_000));
    const payload = new Uint8Array(size);
    for (let k = 0; k < size; k++) {
      payloadSeed ^= payloadSeed << 13;
      payloadSeed ^= payloadSeed >>> 17;
      payloadSeed ^= payloadSeed << 5;
      payload[k] = payloadSeed & 0xff;
    }
    let packets = sender.pack(payload, { streamId: 1, pts: i });
    r.sent++;
    r.bytes += size;
    const roll = rnd();
    if (roll < 0.02) {
      r.lost++;
      continue;
    }
    if (roll < 0.04 && packets.length > 1) {
      const drop = Math.floor(rnd() * (packets.length - 1)); // a Type 1 (or Type 3), never the Type 2
      packets = packets.filter((_, k) => k !== drop);
      expected.set(i, { sha: '', size, partial: true });
      r.partial++;
    } else {
      if (roll < 0.14) {
        for (let k = packets.length - 1; k > 0; k--) {
          const j = Math.floor(rnd() * (k + 1));
          [packets[k], packets[j]] = [packets[j]!, packets[k]!];
        }
        r.shuffled++;
      }
      expected.set(i, { sha: hash(payload), size, partial: false });
    }
    for (const p of packets) receiver.push(p, i);
    for (const f of receiver.poll(i)) got.set(Number(f.pts), f);
  }
  for (const f of receiver.poll(Number.MAX_SAFE_INTEGER)) got.set(Number(f.pts), f);
  for (const [pts, e] of expected) {
    const f = got.get(pts);
    if (f === undefined) r.mismatches.push(`frame ${pts}: not delivered`);
    else if (f.broken !== e.partial || f.size !== e.size) r.mismatches.push(`frame ${pts}: broken ${f.broken}, size ${f.size}`);
    else if (!e.partial && hash(f.data) !== e.sha) r.mismatches.push(`frame ${pts}: payload differs`);
    else if (e.partial) r.broken++;
    else r.intact++;
  }
  for (const pts of got.keys()) if (!expected.has(pts)) r.mismatches.push(`frame ${pts}: delivered but lost`);
  return r;
}
