import type { FountainCode } from './code.js';
import { Program, type FrozenProgram } from './program.js';
import { solve } from './solver.js';

/**
 * How to compute the intermediate symbols of a block from its K' (padded) source symbols: a pruned
 * symbol program over slots 0..K'-1 (the source symbols, left unchanged) and the work slots it
 * allocates, and the slot that holds each intermediate symbol C[0..L-1] afterwards.
 */
export interface EncodingPlan {
  readonly program: FrozenProgram;
  readonly colSlot: Int32Array;
}

/** Plans kept, most recently used last. The solve is the costly part of encoding; replay is not. */
const MAX_PLANS = 8;
const plans = new Map<string, EncodingPlan>();

/**
 * The encoding plan of a code (RFC 6330 §5.3.3.4, RFC 5053 §5.4.2.4: the L intermediate symbols
 * solve A * C = D for the systematic ISIs 0..K'-1), cached per scheme and K'.
 */
export function encodingPlan(code: FountainCode): EncodingPlan {
  const cached = plans.get(code.key);
  if (cached !== undefined) {
    plans.delete(code.key);
    plans.set(code.key, cached);
    return cached;
  }
  const K = code.paddedSymbols;
  // Slots 0..K'-1 hold the source symbols and stay unchanged: the rows work on copies, so that a
  // row can be restored to its source symbol for the final substitution.
  const program = new Program(K);
  const isis = new Int32Array(K);
  const slots = new Int32Array(K);
  for (let i = 0; i < K; i++) {
    isis[i] = i;
    slots[i] = program.copyOf(i);
  }
  const colSlot = solve(code.system(isis, slots, program), program);
  if (colSlot === undefined) throw new Error(`the constraint matrix of ${code.key} is singular`);
  for (let c = 0; c < colSlot.length; c++) colSlot[c] = program.materialize(colSlot[c]!);
  program.prune(colSlot);
  const plan: EncodingPlan = { program: program.freeze(), colSlot };
  plans.set(code.key, plan);
  if (plans.size > MAX_PLANS) plans.delete(plans.keys().next().value!);
  return plan;
}
