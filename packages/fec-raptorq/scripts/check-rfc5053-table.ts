// Checks every systematic index J(K) of src/raptor10/tables.ts (RFC 5053 §5.7): with J(K), the
// L x L constraint matrix of the K systematic ISIs (LDPC, half and LT rows) must have full rank,
// which is what §5.7 chooses J(K) for. A mistyped entry fails this with high probability. Also
// reports how many K a shifted index J(K)+1 would break, to show the check has teeth.
//
//   pnpm exec tsx --conditions=@proto/source scripts/check-rfc5053-table.ts [fromK] [toK]
import { Program } from '../src/core/program.js';
import { solve } from '../src/core/solver.js';
import { raptor10Params, type Raptor10Params } from '../src/raptor10/params.js';
import { raptor10System } from '../src/raptor10/system.js';

const from = Number(process.argv[2] ?? 4);
const to = Number(process.argv[3] ?? 8192);
const fullRank = (p: Raptor10Params): boolean => {
  const program = new Program(p.K);
  const isis = Int32Array.from({ length: p.K }, (_, i) => i);
  return solve(raptor10System(p, isis, isis, program), program) !== undefined;
};
let bad = 0;
let shiftedBad = 0;
let shiftedTried = 0;
for (let K = from; K <= to; K++) {
  const p = raptor10Params(K);
  if (!fullRank(p)) {
    bad++;
    console.log(`K = ${K}: J(K) = ${p.J} gives a singular matrix`);
  }
  if (K % 97 === 0) {
    shiftedTried++;
    if (!fullRank({ ...p, J: p.J + 1 })) shiftedBad++;
  }
}
console.log(`K = ${from}..${to}: ${bad} singular with the table's J(K); J(K)+1 singular for ${shiftedBad} of ${shiftedTried} sampled K`);
if (bad > 0) process.exitCode = 1;
