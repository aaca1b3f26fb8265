import { describe, expect, it } from 'vitest';
import { MalformedError, MAX_DEPTH_LIMIT, parseFdt, TruncatedError, type MalformedReason, type XmlElement } from '../src/index.js';
import { vector } from './helpers.js';

function malformed(xml: string | Uint8Array, reason: MalformedReason, field?: string): MalformedError {
  let error: unknown;
  try {
    parseFdt(xml);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MalformedError);
  const m = error as MalformedError;
  expect(m.name).toBe('MalformedError');
  expect(m.reason).toBe(reason);
  if (field !== undefined) expect(m.field).toBe(field);
  return m;
}

const fdt = (attrs: string, files = '<File Content-Location="a" TOI="1"/>'): string => `<FDT-Instance ${attrs}>${files}</FDT-Instance>`;

describe('required fields and values', () => {
  it('names the missing required attribute', () => {
    malformed('<FDT-Instance><File Content-Location="a" TOI="1"/></FDT-Instance>', 'missing', 'FDT-Instance@Expires');
    malformed(fdt('Expires="1"', '<File TOI="1"/>'), 'missing', 'File[0]@Content-Location');
    malformed(fdt('Expires="1"', '<File Content-Location="a" TOI="1"/><File Content-Location="b"/>'), 'missing', 'File[1]@TOI');
  });

  it('names the attribute holding a malformed or out-of-range number', () => {
    malformed(fdt('Expires="soon"'), 'number', 'FDT-Instance@Expires');
    malformed(fdt('Expires="-1"'), 'number', 'FDT-Instance@Expires');
    malformed(fdt('Expires="4294967296"'), 'range', 'FDT-Instance@Expires');
    malformed(fdt('Expires="1"', '<File Content-Location="a" TOI="0x10"/>'), 'number', 'File[0]@TOI');
    malformed(fdt('Expires="1"', '<File Content-Location="a" TOI="0"/>'), 'range', 'File[0]@TOI');
    malformed(fdt('Expires="1"', `<File Content-Location="a" TOI="${1n << 112n}"/>`), 'range', 'File[0]@TOI');
    malformed(fdt('Expires="1"', '<File Content-Location="a" TOI="1" Content-Length="281474976710656"/>'), 'range', 'File[0]@Content-Length');
    malformed(fdt('Expires="1"', '<File Content-Location="a" TOI="1" Transfer-Length="1e3"/>'), 'number', 'File[0]@Transfer-Length');
    malformed(fdt('Expires="1" FEC-OTI-FEC-Encoding-ID="256"'), 'range', 'FDT-Instance@FEC-OTI-FEC-Encoding-ID');
    malformed(fdt('Expires="1" FEC-OTI-Encoding-Symbol-Length="65536"'), 'range', 'FDT-Instance@FEC-OTI-Encoding-Symbol-Length');
    malformed(fdt('Expires="1" Complete="yes"'), 'boolean', 'FDT-Instance@Complete');
  });

  it('accepts the lexical forms XML Schema allows for integers', () => {
    const f = parseFdt(fdt('Expires=" +0000000000000000000042 "', '<File Content-Location="a" TOI="0000000000000000000000000000000000000000007"/>'));
    expect(f.expires).toBe(42);
    expect(f.files[0]!.toi).toBe(7n);
  });

  it('checks base64 and its decoded length', () => {
    malformed(fdt('Expires="1"', '<File Content-Location="a" TOI="1" Content-MD5="not base64!"/>'), 'base64', 'File[0]@Content-MD5');
    malformed(fdt('Expires="1"', '<File Content-Location="a" TOI="1" Content-MD5="AAAA"/>'), 'base64', 'File[0]@Content-MD5');
    malformed(fdt('Expires="1" FEC-OTI-FEC-Encoding-ID="6" FEC-OTI-Scheme-Specific-Info="AQAB"'), 'base64', 'FDT-Instance@FEC-OTI-Scheme-Specific-Info');
  });

  it('resolves references and refuses unknown entities', () => {
    const f = parseFdt(fdt('Expires="1"', '<File Content-Location="a&#x26;b&#38;c&lt;&apos;&quot;&#x1F600;" TOI="1"/>'));
    expect(f.files[0]!.contentLocation).toBe(`a&b&c<'"\u{1F600}`);
    malformed(fdt('Expires="1"', '<File Content-Location="&nbsp;" TOI="1"/>'), 'entity', 'File[0]@Content-Location');
    malformed(fdt('Expires="1"', '<File Content-Location="&#0;" TOI="1"/>'), 'entity');
    malformed(fdt('Expires="1"', '<File Content-Location="a & b" TOI="1"/>'), 'entity');
  });
});

describe('XML well-formedness', () => {
  it('reports a document that ends early as TruncatedError', () => {
    const full = vector('ypo-flute.xml').trim();
    for (const cut of [0, 1, 10, 60, 300, 700, 1000, full.length - 20, full.length - 1]) {
      expect(() => parseFdt(full.slice(0, cut)), `cut at ${cut}`).toThrow(TruncatedError);
    }
    const e = (() => {
      try {
        parseFdt('<FDT-Instance Expires="1"><File Content-Location="a" TOI="1"/>');
      } catch (err) {
        return err as TruncatedError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(RangeError);
    expect(e.name).toBe('TruncatedError');
    expect(e.expected).toBe('</FDT-Instance>');
  });

  it('refuses what fast-xml-parser alone would accept', () => {
    malformed('<FDT-Instance Expires="1"><File Content-Location="a" TOI="1"></FDT-Instance>', 'xml');
    malformed('<FDT-Instance Expires="1" Expires="2"/>', 'xml');
    malformed('<FDT-Instance Expires=1/>', 'xml');
    const many = Array.from({ length: 40 }, (_, i) => ` a${i}="${i}"`).join('');
    expect(parseFdt(`<FDT-Instance Expires="1"${many}/>`).extensionAttributes).toHaveLength(40);
    malformed(`<FDT-Instance Expires="1"${many} a17="again"/>`, 'xml');
    malformed('<FDT-Instance Expires="1"/><FDT-Instance Expires="1"/>', 'xml');
    malformed('text<FDT-Instance Expires="1"/>', 'xml');
    malformed('<FDT-Instance Expires="a<b"/>', 'xml');
    malformed('<FDT-Instance Expires="1"/>\u0001', 'xml');
    malformed('<FDT-Instance Expires="1"><constructor/></FDT-Instance>', 'xml');
    malformed('<FDT-Instance Expires="1"><#cdata/></FDT-Instance>', 'xml');
    malformed('<FDT-Instance Expires="1" 1a="x"/>', 'xml');
  });

  it('decodes bytes as strict UTF-8 and honours only UTF-8 declarations', () => {
    const text = fdt('Expires="1"', '<File Content-Location="caf\u00e9" TOI="1"/>');
    expect(parseFdt(new TextEncoder().encode(`\ufeff${text}`)).files[0]!.contentLocation).toBe('caf\u00e9');
    malformed(Uint8Array.of(...new TextEncoder().encode(text.slice(0, 10)), 0xff, ...new TextEncoder().encode(text.slice(10))), 'encoding');
    malformed(new TextEncoder().encode(`<?xml version="1.0" encoding="ISO-8859-1"?>${text}`), 'encoding');
    expect(parseFdt(new TextEncoder().encode(`<?xml version="1.0" encoding="utf-8"?>${text}`)).expires).toBe(1);
  });
});

describe('hostile input', () => {
  it('refuses a billion-laughs document without expanding anything', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE FDT-Instance [',
      '<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      '<FDT-Instance Expires="1"><File Content-Location="&lol9;" TOI="1"/></FDT-Instance>',
    ].join('\n');
    malformed(lol, 'doctype');
  });

  it('refuses a DOCTYPE with an external entity', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE FDT-Instance [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><FDT-Instance Expires="1"><File Content-Location="&xxe;" TOI="1"/></FDT-Instance>';
    const e = malformed(xxe, 'doctype');
    expect(e.offset).toBe(21);
  });

  it('refuses a 100 MB attribute value by the size cap, and by the attribute limit when the cap is raised', () => {
    const big = `<FDT-Instance Expires="1"><File Content-Location="${'a'.repeat(100 * 1024 * 1024)}" TOI="1"/></FDT-Instance>`;
    malformed(big, 'limit', 'document');
    let error: unknown;
    try {
      parseFdt(big, { maxBytes: 200 * 1024 * 1024 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MalformedError);
    expect((error as MalformedError).reason).toBe('limit');
    expect((error as MalformedError).field).toBe('Content-Location');
  });

  it('refuses 100k nested elements at the depth limit', () => {
    const deep = `<FDT-Instance Expires="1">${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}</FDT-Instance>`;
    malformed(deep, 'limit', 'document');
    // Also when the size cap is raised far enough for the whole document.
    const e = (() => {
      try {
        parseFdt(deep, { maxBytes: 4 << 20 });
      } catch (err) {
        return err as MalformedError;
      }
      throw new Error('no error');
    })();
    expect(e.reason).toBe('limit');
    expect(e.message).toContain('nesting depth');
  });

  it('enforces the element and attribute count limits', () => {
    const many = fdt('Expires="1"', '<File Content-Location="a" TOI="1"/>'.repeat(50));
    expect(parseFdt(many).files).toHaveLength(50);
    expect(parseFdt(many, { maxElements: 51 }).files).toHaveLength(50);
    expect(() => parseFdt(many, { maxElements: 50 })).toThrow(/element count/);
    expect(() => parseFdt(fdt('Expires="1" a="1" b="2"'), { maxAttributes: 2 })).toThrow(/attributes per element/);
  });

  it('parses as deep as MAX_DEPTH_LIMIT allows and refuses limits beyond it', () => {
    const depth = MAX_DEPTH_LIMIT - 1;
    const deep = fdt('Expires="1"', `<File Content-Location="a" TOI="1"/>${'<x:e xmlns:x="urn:x">'.repeat(depth - 1)}${'</x:e>'.repeat(depth - 1)}`);
    let level = parseFdt(deep, { maxDepth: MAX_DEPTH_LIMIT }).extensionElements![0]!;
    let levels = 1;
    while (level.children.length > 0) {
      level = level.children[0] as XmlElement;
      levels++;
    }
    expect(levels).toBe(depth - 1);
    expect(() => parseFdt(deep, { maxDepth: MAX_DEPTH_LIMIT + 1 })).toThrow(RangeError);
    expect(() => parseFdt(deep, { maxBytes: 0 })).toThrow(RangeError);
  });
});
