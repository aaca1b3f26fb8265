export { Random, pseudoRandomChunks, xorshiftFill } from './random.js';
export { GilbertElliott, patternLoss, randomLoss, type GilbertElliottParameters, type LossModel } from './loss.js';
export {
  SimulatedLink,
  VirtualClock,
  macrotask,
  runSimulation,
  type LinkOptions,
  type LinkStats,
  type SimReceiver,
  type SimSender,
  type SimulationOptions,
  type SimulationResult,
} from './network.js';
