import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import target from '../fuzz/receiver-session.fuzz.js';
import { checkDamagedSession } from '../fuzz/session.js';

// A bounded run of the `flute-receiver-session` fuzz target (`pnpm fuzz flute-receiver-session --runs N` runs it longer).
describe('damaged sessions (fuzz target, bounded)', () => {
  it('an undamaged session of every setup delivers every object (the harness itself works), with and without block reuse', () => {
    for (let setup = 0; setup < 18; setup++) expect(() => checkDamagedSession(setup, [], [])).not.toThrow();
  });

  it(`${target.name}: ${target.description}`, () => {
    fc.assert(target.property(), { numRuns: 300, seed: 20261206 });
  });
});
