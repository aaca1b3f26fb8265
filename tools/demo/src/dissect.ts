/** A tiny ALC/LCT dissector: one row per UDP datagram, extensions with their decoded values. */
import { MalformedError, TruncatedError, decodeAlcPacket, ntpToUnixMs, type AlcOptions, type Fti, type LctExtension } from '@proto/lct';
import type { UdpDatagram } from '@proto/pcap';

/** One dissected datagram. */
export interface Row {
  readonly index: number;
  /** Seconds since the first datagram. */
  readonly time: number;
  readonly destination: string;
  readonly tsi: string;
  readonly toi: string;
  /** "A" close session, "B" close object, "-" neither. */
  readonly flags: string;
  readonly codepoint: string;
  readonly payloadId: string;
  readonly payloadLength: string;
  readonly extensions: string;
}

const CENC_NAMES = ['null', 'zlib', 'deflate', 'gzip'];
const FEC_NAMES: Record<number, string> = { 0: 'no-code', 1: 'Raptor', 2: 'RS(2^m)', 5: 'RS(2^8)', 6: 'RaptorQ', 129: 'SB-systematic' };

function describeFti(f: Fti): string {
  const name = FEC_NAMES[f.fecEncodingId];
  switch (f.fecEncodingId) {
    case 0:
      return `${name} L=${f.transferLength} E=${f.symbolLength} B=${f.maxSourceBlockLength}`;
    case 1:
    case 6:
      return `${name} F=${f.transferLength} T=${f.symbolLength} Z=${f.sourceBlocks} N=${f.subBlocks} Al=${f.alignment}`;
    case 2:
      return `${name} L=${f.transferLength} m=${f.m} G=${f.g} E=${f.symbolLength} B=${f.maxSourceBlockLength} max_n=${f.maxEncodingSymbols}`;
    case 5:
      return `${name} L=${f.transferLength} E=${f.symbolLength} B=${f.maxSourceBlockLength} max_n=${f.maxEncodingSymbols}`;
    case 129:
      return `${name} L=${f.transferLength} inst=${f.fecInstanceId} E=${f.symbolLength} B=${f.maxSourceBlockLength} max_n=${f.maxEncodingSymbols}`;
  }
}

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** Human-readable text for one header extension. */
export function describeExtension(ext: LctExtension): string {
  if ('raw' in ext) return `HET${ext.het}[${hex(ext.raw)}]`;
  switch (ext.het) {
    case 0:
      return `NOP(${ext.data.length}B)`;
    case 1:
      return `AUTH(${ext.data.length}B)`;
    case 2: {
      const parts: string[] = [];
      if (ext.sct !== undefined) parts.push(`SCT=${new Date(ntpToUnixMs(ext.sct)).toISOString()}`);
      if (ext.ert !== undefined) parts.push(`ERT=${ext.ert}s`);
      if (ext.slc !== undefined) parts.push(`SLC=${new Date(ntpToUnixMs(ext.slc)).toISOString()}`);
      if (ext.piSpecific !== undefined) parts.push(`PI=${ext.piSpecific}`);
      return `TIME(${parts.join(' ')})`;
    }
    case 64:
      return `FTI(${describeFti(ext.fti)})`;
    case 67:
    case 194:
      return `TOL(${ext.transferLength})`;
    case 192:
      return `FDT(v${ext.version} id=${ext.fdtInstanceId})`;
    case 193:
      return `CENC(${CENC_NAMES[ext.cenc] ?? ext.cenc})`;
  }
}

/** Dissects each datagram as ALC; datagrams that do not decode get a row saying why. */
export function dissect(datagrams: readonly UdpDatagram[], options: AlcOptions = {}): Row[] {
  const t0 = datagrams[0];
  return datagrams.map((d, index) => {
    const time = t0 === undefined ? 0 : d.seconds - t0.seconds + (d.nanos - t0.nanos) / 1e9;
    const destination = `${d.ipVersion === 6 ? `[${d.dst}]` : d.dst}:${d.dstPort}`;
    try {
      const p = decodeAlcPacket(d.payload, options);
      const h = p.header;
      const flags = `${h.closeSession ? 'A' : ''}${h.closeObject ? 'B' : ''}` || '-';
      const pid = p.payloadId.sourceBlockLength === undefined ? `${p.payloadId.sbn}/${p.payloadId.esi}` : `${p.payloadId.sbn}/${p.payloadId.esi} sbl=${p.payloadId.sourceBlockLength}`;
      return {
        index: index + 1,
        time,
        destination,
        tsi: `${h.tsi}`,
        toi: `${h.toi}`,
        flags,
        codepoint: `${h.codepoint}/${FEC_NAMES[p.fecEncodingId] ?? p.fecEncodingId}`,
        payloadId: pid,
        payloadLength: `${p.payload.length}`,
        extensions: h.extensions.map(describeExtension).join(' ') || '-',
      };
    } catch (e) {
      if (!(e instanceof TruncatedError || e instanceof MalformedError)) throw e;
      return { index: index + 1, time, destination, tsi: '?', toi: '?', flags: '?', codepoint: '?', payloadId: '?', payloadLength: `${d.payload.length}`, extensions: `not ALC: ${e.message}` };
    }
  });
}

const HEADINGS = ['#', 'time (s)', 'destination', 'TSI', 'TOI', 'A/B', 'CP/FEC', 'SBN/ESI', 'bytes', 'header extensions'];

/** The rows as an aligned text table (the last column is left unpadded). */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [String(r.index), r.time.toFixed(6), r.destination, r.tsi, r.toi, r.flags, r.codepoint, r.payloadId, r.payloadLength, r.extensions]);
  const widths = HEADINGS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const right = new Set([0, 1, 3, 4, 8]);
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => (i === c.length - 1 ? v : right.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(HEADINGS), line(widths.map((w, i) => (i === widths.length - 1 ? '-'.repeat(HEADINGS[i]!.length) : '-'.repeat(w)))), ...cells.map(line)].join('\n');
}

/** Per (destination, TSI, TOI): packet count and payload bytes, in first-seen order. */
export function summarize(rows: readonly Row[]): string {
  const groups = new Map<string, { packets: number; bytes: number; closed: boolean }>();
  let bad = 0;
  for (const r of rows) {
    if (r.tsi === '?') {
      bad++;
      continue;
    }
    const key = `${r.destination} TSI ${r.tsi} TOI ${r.toi}`;
    const g = groups.get(key) ?? { packets: 0, bytes: 0, closed: false };
    g.packets++;
    g.bytes += Number(r.payloadLength);
    g.closed ||= r.flags.includes('B');
    groups.set(key, g);
  }
  const lines = [...groups].map(([k, g]) => `${k}: ${g.packets} packets, ${g.bytes} payload bytes${g.closed ? ', closed (B)' : ''}`);
  lines.push(`${rows.length} datagrams, ${rows.length - bad} ALC, ${bad} not decodable`);
  return lines.join('\n');
}
