import type { Measurement } from './measure.js';

/** Units a table can show throughput in. */
export type ThroughputUnit = 'MB/s' | 'Mbit/s' | 'Gbit/s' | 'ops/s';

export interface ResultRow {
  readonly name: string;
  readonly ours: Measurement;
  readonly anchorName: string | undefined;
  readonly anchor: Measurement | undefined;
}

function rate(m: Measurement, unit: ThroughputUnit): number {
  if (unit === 'ops/s' || m.bytesPerSecond === undefined) return m.opsPerSecond;
  if (unit === 'MB/s') return m.bytesPerSecond / 1e6;
  if (unit === 'Mbit/s') return (m.bytesPerSecond * 8) / 1e6;
  return (m.bytesPerSecond * 8) / 1e9;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return n.toFixed(0);
  if (n >= 100) return n.toFixed(1);
  return n.toFixed(2);
}

/** Ratio of our throughput to the anchor's (higher is better for us). */
export function ratioOf(row: ResultRow): number | undefined {
  if (row.anchor === undefined) return undefined;
  return row.ours.opsPerSecond / row.anchor.opsPerSecond;
}

/** Formats rows as a Markdown table, ready to paste into a README. */
export function formatTable(title: string, rows: readonly ResultRow[], unit: ThroughputUnit): string {
  const rateUnit = unit;
  const header = ['case', 'ns/op', `ours ${rateUnit}`, 'anchor', `anchor ${rateUnit}`, 'ratio'];
  const lines = rows.map((r) => {
    const ratio = ratioOf(r);
    const oursUnitRate = r.ours.bytesPerSecond === undefined && unit !== 'ops/s' ? `${fmt(r.ours.opsPerSecond)} ops/s` : fmt(rate(r.ours, unit));
    return [
      r.name,
      fmt(r.ours.nsPerOp),
      oursUnitRate,
      r.anchorName ?? '-',
      r.anchor === undefined ? '-' : fmt(rate(r.anchor, unit)),
      ratio === undefined ? '-' : `${ratio.toFixed(2)}x`,
    ];
  });
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((l) => (l[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [`### ${title}`, '', line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(line), ''].join('\n');
}
