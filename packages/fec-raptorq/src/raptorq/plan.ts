import { Program, type FrozenProgram } from '../core/program.js';
import { solve } from '../core/solver.js';
import type { RaptorQParams } from './params.js';
import { raptorqSystem } from './system.js';

/**
 * How to compute the intermediate symbols of a K' block from its K' (padded) source symbols: a
 * pruned symbol program over slots 0..K'-1 (the source symbols, left unchanged) and the work slots
 * it allocates, and the slot that holds each intermediate symbol C[0..L-1] afterwards.
 */
export interface EncodingPlan {
  readonly params: RaptorQParams;
  readonly program: FrozenProgram;
  readonly colSlot: Int32Array;
}

/** Plans kept, most recently used last. The solve is the costly part of encoding; replay is not. */
const MAX_PLANS = 8;
const plans = new Map<number, EncodingPlan>();

/**
 * The encoding plan for K' (RFC 6330 §5.3.3.4: the L intermediate symbols are the solution of
 * A * C = D for the K' systematic ISIs), cached per K'.
 */
export function raptorqEncodingPlan(p: RaptorQParams): EncodingPlan {
  const cached = plans.get(p.kPrime);
  if (cached !== undefined) {
    plans.delete(p.kPrime);
    plans.set(p.kPrime, cached);
    return cached;
  }
  const K = p.kPrime;
  // Slots 0..K'-1 hold the source symbols and stay unchanged: the rows work on copies, so that a
  // row can be restored to its source symbol for the final substitution.
  const program = new Program(K);
  const isis = new Int32Array(K);
  const slots = new Int32Array(K);
  for (let i = 0; i < K; i++) {
    isis[i] = i;
    slots[i] = program.copyOf(i);
  }
  const colSlot = solve(raptorqSystem(p, isis, slots, program), program);
  if (colSlot === undefined) throw new Error(`RaptorQ: the constraint matrix for K' = ${K} is singular`);
  for (let c = 0; c < colSlot.length; c++) colSlot[c] = program.materialize(colSlot[c]!);
  program.prune(colSlot);
  const plan: EncodingPlan = { params: p, program: program.freeze(), colSlot };
  plans.set(K, plan);
  if (plans.size > MAX_PLANS) plans.delete(plans.keys().next().value!);
  return plan;
}
