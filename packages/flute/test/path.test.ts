import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedError } from '../src/errors.js';
import { contentLocationToPath } from '../src/path.js';

describe('contentLocationToPath', () => {
  it('keeps ordinary locations', () => {
    expect(contentLocationToPath('file.txt')).toEqual(['file.txt']);
    expect(contentLocationToPath('/dir/sub/file.txt')).toEqual(['dir', 'sub', 'file.txt']);
    expect(contentLocationToPath('http://example.com/a/b.mp4?x=1#f')).toEqual(['a', 'b.mp4']);
    expect(contentLocationToPath('http://example.com/a/b.mp4', { includeHost: true })).toEqual(['example.com', 'a', 'b.mp4']);
    expect(contentLocationToPath('file:///var/data/x.bin')).toEqual(['var', 'data', 'x.bin']);
    expect(contentLocationToPath('my%20file.txt')).toEqual(['my file.txt']);
  });

  it('never climbs out, whatever the spelling', () => {
    const attempts = [
      '../../etc/passwd',
      '/../../../etc/passwd',
      'a/../../b',
      '..\\..\\windows\\system32\\x',
      '%2e%2e/%2e%2e/etc/passwd',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '..%5c..%5cx',
      'file:///../../etc/passwd',
      'http://host/../../etc/passwd',
      'C:\\Windows\\x.dll',
      '//server/share/x',
    ];
    for (const a of attempts) {
      const segs = contentLocationToPath(a);
      expect(segs.length).toBeGreaterThan(0);
      for (const s of segs) {
        expect(s === '..' || s === '.' || s === '' || s.includes('/') || s.includes('\\') || s.includes(':')).toBe(false);
      }
    }
    expect(contentLocationToPath('a/../../b')).toEqual(['b']);
    expect(contentLocationToPath('C:\\Windows\\x.dll')).toEqual(['C_', 'Windows', 'x.dll']);
  });

  it('refuses NUL, control characters and empty names', () => {
    for (const bad of ['a\u0000b', 'a%00b', 'x\n', '%0d', '', '/', '..', '../..', 'http://host/', '%2e%2e']) {
      expect(() => contentLocationToPath(bad)).toThrow(MalformedError);
    }
  });

  it('any string maps to safe segments or MalformedError', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '.', '/', '\\', '%', '2', 'e', 'f', 'c', ':', '\u0000', 'é') , maxLength: 40 }), (s) => {
        try {
          for (const seg of contentLocationToPath(s)) {
            expect(['', '.', '..']).not.toContain(seg);
            expect(/[/\\:\u0000]/.test(seg)).toBe(false);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(MalformedError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
