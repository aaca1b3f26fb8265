export { createReedSolomon, type EncodingSymbol, type ReedSolomon, type ReedSolomonOptions } from './codec.js';
export { MalformedError, TruncatedError } from './errors.js';
export { galoisField, RFC5510_PRIMITIVE_POLYNOMIALS, type GaloisField } from './field.js';
export { evaluationPoint, type MatrixConvention } from './points.js';
export type { Backend } from './arithmetic.js';
