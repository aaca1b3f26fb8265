export { defineFuzzTarget, type FuzzTarget } from './target.js';
export { runTarget, type RunOptions, type RunResult } from './run.js';
export { findTargetFiles, loadTargets } from './discover.js';
