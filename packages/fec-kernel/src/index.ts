export {
  GF256_EXP,
  GF256_LOG,
  GF256_ORDER,
  GF256_POLY,
  gf256Div,
  gf256Inv,
  gf256Mul,
  gf256MulTable,
  gf256NibbleTables,
  gf256Pow,
} from './gf256.js';
export {
  KERNEL_OP_COPY,
  KERNEL_OP_MAX_DST,
  KERNEL_OP_MAX_SRC,
  KERNEL_OP_MUL,
  KERNEL_OP_MUL_ADD,
  KERNEL_OP_SCALE,
  KERNEL_OP_XOR,
  KERNEL_OP_ZERO,
  MAX_SLAB_SIZE,
  type FecKernel,
  type FecKernelOptions,
  type KernelBackend,
} from './kernel.js';
export { createFecKernel } from './create.js';
export { wasmSimdSupported } from './wasm-kernel.js';
export { KERNEL_WASM } from './kernel-wasm.js';
