import { describe, expect, it } from 'vitest';
import { buildFdt, parseFdt, resolveFileOti, type BuildFdtOptions, type FdtInstance } from '@proto/fdt';
import { vector } from './helpers.js';

const VARIANTS: ReadonlyArray<BuildFdtOptions & { readonly label: string }> = [
  { label: '3gpp compact', flavour: '3gpp', repeatFecOti: false },
  { label: '3gpp pretty', flavour: '3gpp', pretty: true, repeatFecOti: false },
  { label: 'rfc6726 compact', flavour: 'rfc6726', repeatFecOti: false },
  { label: 'rfc6726 pretty', flavour: 'rfc6726', pretty: true, repeatFecOti: false },
];

function expectRoundTrip(original: FdtInstance): void {
  for (const { label, ...options } of VARIANTS) {
    const xml = buildFdt(original, options);
    expect(parseFdt(xml), label).toEqual(original);
    // Building the re-parsed instance gives the same bytes: the builder is a function of the model.
    expect(buildFdt(parseFdt(xml), options), label).toBe(xml);
  }
  // With the default FEC-OTI repetition, every File keeps the OTI it had in force.
  const repeated = parseFdt(buildFdt(original));
  expect(repeated.files.map((f) => resolveFileOti(repeated, f))).toEqual(original.files.map((f) => resolveFileOti(original, f)));
}

describe('round trip parse → build → parse', () => {
  it('the FDT ypo/flute writes', () => {
    const fdt = parseFdt(vector('ypo-flute.xml'));
    expect(fdt.expires).toBe(3953526133);
    expect(fdt.fullFdt).toBe(true);
    expect(fdt.schemaVersion).toBe(4);
    // FEC-OTI-FEC-Instance-ID="0" with a fully specified scheme is dropped (RFC 5052 §6.2.4).
    expect(fdt.fecOti).toEqual({ encodingId: 0, maxSourceBlockLength: 64, encodingSymbolLength: 1424, maxEncodingSymbols: 64 });
    expect(fdt.files).toHaveLength(2);
    expect(fdt.files[0]!.cacheControl).toEqual({ directive: 'max-stale' });
    expect(Buffer.from(fdt.files[0]!.contentMd5!).toString('hex')).toBe('0454967ac0b2657d16949b1a4a33a6cc');
    expect(fdt.files[1]!.fecOti).toEqual({
      encodingId: 6,
      maxSourceBlockLength: 64,
      encodingSymbolLength: 1424,
      maxEncodingSymbols: 128,
      schemeSpecificInfo: { scheme: 'raptorq', z: 1, n: 1, al: 4 },
    });
    expect(fdt.files[1]!.fileETag).toBe('rand5k-v1');
    expectRoundTrip(fdt);
  });

  it('RFC 6726 §3.4.2 example with a private extension attribute', () => {
    const fdt = parseFdt(vector('rfc6726-example-1.xml'));
    expect(fdt.expires).toBe(2890842807);
    expect(fdt.files.map((f) => f.toi)).toEqual([1n, 2n]);
    expect(fdt.files[1]).toMatchObject({ contentLength: 6100, contentType: 'audio/mp3', contentEncoding: 'gzip' });
    expect(fdt.files[1]!.extensionAttributes).toEqual([{ namespace: '', name: 'Some-Private-Extension-Tag', value: 'abc123' }]);
    expect(fdt.extensionAttributes).toEqual([
      { namespace: 'http://www.w3.org/2001/XMLSchema-instance', name: 'schemaLocation', value: 'urn:ietf:params:xml:ns:fdt ietf-flute-fdt.xsd' },
    ]);
    expectRoundTrip(fdt);
  });

  it('RFC 6726 example with instance-level FEC OTI, Complete and an under-specified scheme', () => {
    const fdt = parseFdt(vector('rfc6726-example-2.xml'));
    expect(fdt.complete).toBe(true);
    expect(resolveFileOti(fdt, fdt.files[0]!)).toEqual({ encodingId: 0, maxSourceBlockLength: 64, encodingSymbolLength: 1024 });
    // FEC ID 129 is under-specified: the Instance ID is meaningful and kept.
    expect(fdt.files[1]!.fecOti).toEqual({ encodingId: 129, instanceId: 0, maxSourceBlockLength: 32, encodingSymbolLength: 512, maxEncodingSymbols: 48 });
    expect(resolveFileOti(fdt, fdt.files[1]!)).toEqual(fdt.files[1]!.fecOti);
    expectRoundTrip(fdt);
  });

  it('an FDT carrying every 3GPP extension under non-canonical prefixes', () => {
    const fdt = parseFdt(vector('3gpp-all-extensions.xml'));
    expect(fdt).toMatchObject({
      expires: 3953526133,
      complete: false,
      contentType: 'application/fdt+xml',
      contentEncoding: 'gzip',
      fullFdt: true,
      schemaVersion: 4,
      baseUrls1: ['http://a.example.com/', 'http://b.example.com/'],
      baseUrls2: ['http://c.example.com/'],
      groups: ['all'],
      sessionIdentityExpiries: [{ sessionIdentity: 17, expires: 3953526133 }],
      fecOti: { schemeSpecificInfo: { scheme: 'raptorq', z: 1, n: 1, al: 4 } },
      extensionAttributes: [{ namespace: 'urn:example:private', name: 'session-tag', value: 'blue & green' }],
    });
    const [a, raptor, rs, sbs] = fdt.files;
    expect(a).toMatchObject({
      contentLocation: 'http://example.com/a&b.mp4',
      toi: (1n << 112n) - 1n,
      contentLength: 2 ** 48 - 1,
      decryptionKeyUri: 'https://keys.example.com/k1',
      fecRedundancyLevel: 3,
      fileETag: '"v7"',
      independentUnitPositions: [0, 1500, 30000, 2 ** 48 - 1],
      cacheControl: { directive: 'no-cache' },
      alternateContentLocations1: [{ availabilityTime: '2025-04-13T10:00:00Z', locations: ['http://cdn1.example.com/a.mp4', 'http://cdn2.example.com/a.mp4'] }],
      alternateContentLocations2: [{ locations: ['http://backup.example.com/a.mp4'] }],
      groups: ['group-1', 'group-2'],
      sessionIdentities: [17],
      extensionAttributes: [{ namespace: 'urn:example:private', name: 'priority', value: 'high' }],
    });
    expect(a!.extensionElements).toEqual([
      {
        namespace: 'urn:example:private',
        name: 'note',
        attributes: [{ namespace: '', name: 'lang', value: 'en' }],
        children: ['text with ', { namespace: 'urn:example:private', name: 'b', attributes: [], children: ['bold'] }, ' inside'],
      },
    ]);
    expect(raptor!.fecOti!.schemeSpecificInfo).toEqual({ scheme: 'raptor', z: 1, n: 10, al: 4 });
    expect(raptor!.cacheControl).toEqual({ directive: 'max-stale' });
    expect(rs!.fecOti!.schemeSpecificInfo).toEqual({ scheme: 'reed-solomon-gf2m', m: 8, g: 1 });
    expect(rs!.cacheControl).toEqual({ directive: 'expires', expires: 3953529733 });
    expect(sbs!.fecOti!.instanceId).toBe(0);
    expect(fdt.extensionElements).toHaveLength(1);
    expectRoundTrip(fdt);
  });
});

describe('buildFdt output', () => {
  it('is one line by default and writes the 3GPP structure', () => {
    const xml = buildFdt(parseFdt(vector('ypo-flute.xml')));
    expect(xml).not.toContain('\n');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><FDT-Instance xmlns="urn:IETF:metadata:2005:FLUTE:FDT"')).toBe(true);
    expect(xml).toContain('mbms2008:FullFDT="true"');
    expect(xml).toContain('<sv:schemaVersion>4</sv:schemaVersion><sv:delimiter>0</sv:delimiter></FDT-Instance>');
  });

  it('repeats the instance FEC OTI on every File by default, and never writes an Instance ID for FEC IDs < 128', () => {
    const fdt = parseFdt(vector('ypo-flute.xml'));
    const xml = buildFdt(fdt);
    const files = xml.match(/<File [^>]*>/g)!;
    expect(files).toHaveLength(2);
    expect(files[0]).toContain('FEC-OTI-FEC-Encoding-ID="0" FEC-OTI-Maximum-Source-Block-Length="64" FEC-OTI-Encoding-Symbol-Length="1424"');
    expect(files[1]).toContain('FEC-OTI-FEC-Encoding-ID="6"');
    expect(xml).not.toContain('FEC-OTI-FEC-Instance-ID');
    expect(buildFdt(fdt, { repeatFecOti: false }).match(/<File [^>]*>/g)![0]).not.toContain('FEC-OTI');
    // Under-specified schemes keep their Instance ID.
    expect(buildFdt(parseFdt(vector('rfc6726-example-2.xml')))).toContain('FEC-OTI-FEC-Encoding-ID="129" FEC-OTI-FEC-Instance-ID="0"');
  });

  it('is deterministic and declares only the namespaces it uses', () => {
    const fdt: FdtInstance = { expires: 1, files: [{ contentLocation: 'a', toi: 1n }] };
    expect(buildFdt(fdt, { flavour: 'rfc6726' })).toBe('<?xml version="1.0" encoding="UTF-8"?><FDT-Instance xmlns="urn:ietf:params:xml:ns:fdt" Expires="1"><File Content-Location="a" TOI="1"/></FDT-Instance>');
    expect(buildFdt(fdt, { flavour: '3gpp', xmlDeclaration: false })).toBe(
      '<FDT-Instance xmlns="urn:IETF:metadata:2005:FLUTE:FDT" xmlns:sv="urn:3gpp:metadata:2009:MBMS:schemaVersion" Expires="1"><File Content-Location="a" TOI="1"><sv:delimiter>0</sv:delimiter><sv:delimiter>0</sv:delimiter></File><sv:schemaVersion>1</sv:schemaVersion><sv:delimiter>0</sv:delimiter></FDT-Instance>',
    );
  });

  it('escapes markup and whitespace so values survive exactly', () => {
    const fdt: FdtInstance = {
      expires: 7,
      schemaVersion: 1,
      contentType: 'a"b<c>&d\te\nf\rg',
      files: [{ contentLocation: ' lead and trail ', toi: 3n, contentType: "it's" }],
      extensionElements: [{ namespace: 'urn:x', name: 'e', attributes: [], children: ['  spaced <text> & more\r\n '] }],
    };
    const xml = buildFdt(fdt);
    expect(xml).toContain('Content-Type="a&quot;b&lt;c&gt;&amp;d&#9;e&#10;f&#13;g"');
    expect(parseFdt(xml)).toEqual(fdt);
  });
});
