// Assembles wasm/kernel.ts and writes src/kernel-wasm.ts. Run with `pnpm run generate`.
import { writeFileSync } from 'node:fs';
import { renderKernelSource } from '../wasm/render.js';

const target = new URL('../src/kernel-wasm.ts', import.meta.url);
writeFileSync(target, renderKernelSource());
console.log(`wrote ${target.pathname}`);
