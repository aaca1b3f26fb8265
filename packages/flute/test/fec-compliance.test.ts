import { RaptorQScheme, RaptorScheme } from '../src/fec/fountain.js';
import { NoCodeScheme } from '../src/fec/no-code.js';
import { ReedSolomonScheme } from '../src/fec/reed-solomon.js';
import { fecCompliance } from './support/fec-compliance.js';

const sizes = [1, 100, 1000, 4095, 4096, 20_001];

fecCompliance({ name: 'no-code (0)', scheme: new NoCodeScheme(), params: { symbolLength: 64, maxSourceBlockLength: 16, repair: { percent: 0 } }, sizes, overhead: 0 });
fecCompliance({ name: 'RS GF(2^8) (5)', scheme: new ReedSolomonScheme(5), params: { symbolLength: 64, maxSourceBlockLength: 20, repair: { percent: 50 } }, sizes, overhead: 0 });
fecCompliance({
  name: 'RS GF(2^8) (5), Backblaze matrix',
  scheme: new ReedSolomonScheme(5, { matrix: 'backblaze' }),
  params: { symbolLength: 64, maxSourceBlockLength: 20, repair: { symbols: 6 } },
  sizes,
  overhead: 0,
});
fecCompliance({ name: 'small-block systematic RS (129)', scheme: new ReedSolomonScheme(129), params: { symbolLength: 64, maxSourceBlockLength: 30, repair: { percent: 30 } }, sizes, overhead: 0 });
for (const m of [4, 8, 16]) {
  fecCompliance({
    name: `RS GF(2^m) (2), m = ${m}`,
    scheme: new ReedSolomonScheme(2),
    params: { symbolLength: 64, maxSourceBlockLength: m === 4 ? 10 : 40, repair: { percent: 40 }, m },
    sizes,
    overhead: 0,
  });
}
fecCompliance({ name: 'RaptorQ (6)', scheme: new RaptorQScheme(), params: { symbolLength: 64, maxSourceBlockLength: 100, repair: { percent: 30 } }, sizes, overhead: 2 });
fecCompliance({
  name: 'RaptorQ (6), Z > 1 and N = 4 sub-blocks, Al = 8',
  scheme: new RaptorQScheme(),
  params: { symbolLength: 64, maxSourceBlockLength: 40, repair: { symbols: 12 }, subBlocks: 4, alignment: 8 },
  sizes,
  overhead: 2,
});
fecCompliance({ name: 'Raptor (1)', scheme: new RaptorScheme(), params: { symbolLength: 64, maxSourceBlockLength: 100, repair: { percent: 30 } }, sizes: sizes.filter((n) => n >= 16), overhead: 10 });
fecCompliance({
  name: 'Raptor (1), Z > 1 and N = 2 sub-blocks',
  scheme: new RaptorScheme(),
  params: { symbolLength: 64, maxSourceBlockLength: 40, repair: { symbols: 12 }, subBlocks: 2 },
  sizes: sizes.filter((n) => n >= 16),
  // Raptor's failure probability falls more slowly with overhead than RaptorQ's (RFC 5053 §5.5).
  overhead: 10,
});
