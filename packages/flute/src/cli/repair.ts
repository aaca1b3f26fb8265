// Repair planning for a known loss rate: a block of k source symbols sent with r repair symbols
// survives independent loss p when at least k + ε of its k + r packets arrive (ε: the code's
// reception overhead, 0 for Reed-Solomon, 2 for Raptor/RaptorQ). A fixed percentage protects large
// blocks and leaves small ones exposed (one symbol plus one repair symbol is lost with probability p²
// = 1% at 10% loss); the plan gives each block the least r ≥ the floor whose failure probability,
// from the binomial tail, is at most `target`.

/** ln C(n, j) by summing logs (n is at most a few tens of thousands). */
function logChoose(n: number, j: number, logs: Float64Array): number {
  return logs[n]! - logs[j]! - logs[n - j]!;
}

/** Cumulative ln(i!) for i = 0..n. */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) out[i] = out[i - 1]! + Math.log(i);
  return out;
}

/** Probability that more than `maxLost` of `n` packets are lost, each independently with probability `p`. */
export function lossTail(n: number, maxLost: number, p: number): number {
  if (maxLost < 0) return 1;
  if (maxLost >= n || p <= 0) return 0;
  if (p >= 1) return 1;
  const logs = logFactorials(n);
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let sum = 0;
  for (let j = maxLost + 1; j <= n; j++) {
    const term = Math.exp(logChoose(n, j, logs) + j * lp + (n - j) * lq);
    sum += term;
    if (term < sum * 1e-17 && j > n * p) break;
  }
  return Math.min(1, sum);
}

/** Reception overhead ε of a FEC scheme: symbols beyond k a decoder may need. */
export function receptionOverhead(fecEncodingId: number): number {
  return fecEncodingId === 1 || fecEncodingId === 6 ? 2 : 0;
}

/**
 * The least number of repair symbols r ≥ `floor` for a block of `k` source symbols such that the block
 * fails with probability ≤ `target` under independent loss `p` (capped at `max`).
 */
export function plannedRepair(k: number, p: number, options: { readonly floor: number; readonly overhead: number; readonly target?: number; readonly max?: number }): number {
  const target = options.target ?? 1e-6;
  const max = options.max ?? Infinity;
  let r = Math.max(0, options.floor);
  while (r < max && lossTail(k + r, r - options.overhead, p) > target) r++;
  return Math.min(r, max);
}
