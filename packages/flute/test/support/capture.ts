import { decodeAlcPacket, findExtension, HET_FDT, type AlcOptions, type AlcPacket } from '@proto/lct';
import type { SimulatedLink } from '../../src/sim/network.js';

/** Wraps a link so every datagram sent is also decoded and recorded with its send time. */
export function capture(link: SimulatedLink, options: AlcOptions = {}): { at: number; packet: AlcPacket; bytes: Uint8Array }[] {
  const seen: { at: number; packet: AlcPacket; bytes: Uint8Array }[] = [];
  const send = link.send.bind(link);
  link.send = (d, now, from) => {
    seen.push({ at: now, packet: decodeAlcPacket(d, options), bytes: d });
    send(d, now, from);
  };
  return seen;
}

export function fdtIds(seen: ReturnType<typeof capture>): number[] {
  const ids: number[] = [];
  for (const s of seen) {
    const e = findExtension(s.packet.header.extensions, HET_FDT);
    if (e !== undefined && ids[ids.length - 1] !== e.fdtInstanceId) ids.push(e.fdtInstanceId);
  }
  return ids;
}
