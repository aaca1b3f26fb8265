// Loads the npm package raptorq@1.7.24 (cberner/raptorq compiled to WebAssembly by wasm-bindgen),
// the independent implementation the tests interoperate with and the benchmarks compare against.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as anchor from 'raptorq/raptorq.js';

const require = createRequire(import.meta.url);
let ready = false;

/** The anchor's API, initialised synchronously on first use. */
export function raptorqWasm(): typeof anchor {
  if (!ready) {
    anchor.initSync(readFileSync(join(dirname(require.resolve('raptorq/package.json')), 'raptorq_bg.wasm')));
    ready = true;
  }
  return anchor;
}
