import type { MatrixConvention } from '@proto/fec-rs';
import { RaptorQScheme, RaptorScheme } from './fountain.js';
import { NoCodeScheme } from './no-code.js';
import { ReedSolomonScheme } from './reed-solomon.js';
import type { FecScheme } from './scheme.js';

/** Options that select scheme variants. */
export interface FecRegistryOptions {
  /** Reed-Solomon generator matrix for IDs 2, 5 and 129 (default 'rfc5510'; 'backblaze' for ypo/flute). */
  readonly rsMatrix?: MatrixConvention;
  /** Raptor (FEC 1): cut the object's short last block as ypo/flute does (default false: RFC 5053). */
  readonly raptorYpoLastBlock?: boolean;
  /** Extra or replacement schemes, by FEC Encoding ID. */
  readonly schemes?: readonly FecScheme[];
}

/** The FEC schemes an engine knows, by FEC Encoding ID. */
export class FecRegistry {
  readonly #schemes = new Map<number, FecScheme>();

  constructor(options: FecRegistryOptions = {}) {
    const matrix = options.rsMatrix ?? 'rfc5510';
    for (const s of [new NoCodeScheme(), new RaptorScheme({ ypoLastBlock: options.raptorYpoLastBlock ?? false }), new ReedSolomonScheme(2, { matrix }), new ReedSolomonScheme(5, { matrix }), new RaptorQScheme(), new ReedSolomonScheme(129, { matrix })]) {
      this.#schemes.set(s.fecEncodingId, s);
    }
    for (const s of options.schemes ?? []) this.#schemes.set(s.fecEncodingId, s);
  }

  get(fecEncodingId: number): FecScheme | undefined {
    return this.#schemes.get(fecEncodingId);
  }

  ids(): number[] {
    return [...this.#schemes.keys()].sort((a, b) => a - b);
  }
}
