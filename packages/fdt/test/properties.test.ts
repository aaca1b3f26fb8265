import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildFdt, MalformedError, parseFdt, TruncatedError } from '../src/index.js';
import { fdtInstance } from './arbitraries.js';
import { vector } from './helpers.js';

describe('properties', () => {
  it('parse(build(model)) equals the model, in both flavours, compact and pretty', () => {
    fc.assert(
      fc.property(fdtInstance(), fc.constantFrom('3gpp' as const, 'rfc6726' as const), fc.boolean(), (model, flavour, pretty) => {
        const xml = buildFdt(model, { flavour, pretty, repeatFecOti: false });
        expect(parseFdt(xml)).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated valid FDTs throw only TruncatedError or MalformedError, and the parser keeps working', () => {
    const seeds = [vector('ypo-flute.xml'), vector('rfc6726-example-1.xml'), vector('rfc6726-example-2.xml'), vector('3gpp-all-extensions.xml')];
    const special = fc.constantFrom('<', '>', '/', '"', "'", '=', '&', ';', ' ', ':', '!', '?', '-', '[', ']', '#', 'x', '0', '9', '\u0000', '\uD800', '<!DOCTYPE a>', '<!--', ']]>', '&#0;', 'xmlns:mbms2008="u"', '</File>', '<File>');
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.oneof(special, fc.string({ maxLength: 4 })) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(special, fc.string({ maxLength: 8 })) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (seed, mutations, asBytes) => {
        let text = seed;
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          if (m.kind === 'replace') text = text.slice(0, at) + m.text + text.slice(at + m.text.length);
          else if (m.kind === 'insert') text = text.slice(0, at) + m.text + text.slice(at);
          else if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
          else if (m.kind === 'duplicate') text = text.slice(0, at + m.length) + text.slice(at, at + m.length) + text.slice(at + m.length);
          else text = text.slice(0, at);
        }
        try {
          const parsed = parseFdt(asBytes ? new TextEncoder().encode(text) : text);
          // Whatever parses builds (or is refused by the builder with a RangeError naming the field).
          try {
            buildFdt(parsed);
          } catch (e) {
            if (!(e instanceof RangeError)) throw e;
          }
        } catch (e) {
          if (!(e instanceof TruncatedError) && !(e instanceof MalformedError)) throw e;
        }
        expect(parseFdt(seed).expires).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary bytes throw only typed errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseFdt(bytes);
        } catch (e) {
          if (!(e instanceof TruncatedError) && !(e instanceof MalformedError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
