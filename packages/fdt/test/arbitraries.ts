// fast-check arbitraries for FDT models whose parse/build round trip is exact.
import fc from 'fast-check';
import { MAX_TOI, MAX_TRANSFER_LENGTH, type FdtFile, type FdtInstance, type FecOti, type SchemeSpecificInfo, type XmlAttribute, type XmlElement, type XmlNode } from '../src/index.js';

const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const XML_SPACE = /^[ \t\n\r]|[ \t\n\r]$/;
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('a&b', '<x>', '"\'', ' \t\n\r ', ']]>')).filter((s) => !ILLEGAL.test(s));
const trimmedText = anyText.filter((s) => !XML_SPACE.test(s));
const u = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max });
const ncName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/);
const foreignNs = fc.constantFrom('urn:x:a', 'urn:x:b', 'http://example.com/ns');

const KNOWN = new Set(['Expires', 'Complete', 'Content-Type', 'Content-Encoding', 'FullFDT', 'Content-Location', 'TOI', 'Content-Length', 'Transfer-Length', 'Content-MD5', 'Decryption-KEY-URI', 'FEC-Redundancy-Level', 'File-ETag', 'IndependentUnitPositions']);
const extensionAttributes = fc
  .uniqueArray(fc.record({ namespace: fc.oneof(fc.constant(''), foreignNs), name: ncName, value: anyText }), { maxLength: 3, selector: (a) => `${a.namespace} ${a.name}` })
  .filter((list) => list.every((a) => !(a.namespace === '' && (KNOWN.has(a.name) || a.name.startsWith('FEC-OTI-') || a.name === 'xmlns' || a.name.startsWith('xml')))))
  .map((list): XmlAttribute[] => list);

const element = (elementNs: fc.Arbitrary<string>): fc.Memo<XmlElement> => {
  const memo: fc.Memo<XmlElement> = fc.memo((n) =>
  fc
    .record({
      namespace: elementNs,
      name: ncName.filter((s) => !s.toLowerCase().startsWith('xml')),
      attributes: fc.uniqueArray(fc.record({ namespace: fc.oneof(fc.constant(''), foreignNs), name: ncName.filter((s) => !s.toLowerCase().startsWith('xml')), value: anyText }), {
        maxLength: 2,
        selector: (a) => `${a.namespace} ${a.name}`,
      }),
      children: n <= 1 ? fc.constant([] as XmlNode[]) : fc.array(fc.oneof(anyText.filter((s) => !/^[ \t\n\r]*$/.test(s)), memo(n - 1)), { maxLength: 3 }),
    })
    .map((e) => ({ ...e, children: mergeText(e.children) })),
  );
  return memo;
};

function mergeText(children: XmlNode[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const c of children) {
    const last = out[out.length - 1];
    if (typeof c === 'string' && typeof last === 'string') out[out.length - 1] = last + c;
    else out.push(c);
  }
  return out;
}

function oti(encodingId: fc.Arbitrary<number | undefined>): fc.Arbitrary<FecOti> {
  return encodingId.chain((id) =>
    fc
      .record(
        {
          instanceId: id !== undefined && id >= 128 ? u(0xffff) : fc.constant(undefined),
          maxSourceBlockLength: u(0xffffffff),
          encodingSymbolLength: u(0xffff),
          maxEncodingSymbols: u(0xffffffff),
          schemeSpecificInfo: ssi(id),
        },
        { requiredKeys: [] },
      )
      .map((o) => strip({ encodingId: id, ...o }) as FecOti),
  );
}

function ssi(id: number | undefined): fc.Arbitrary<SchemeSpecificInfo | undefined> {
  switch (id) {
    case 6:
      return fc.record({ scheme: fc.constant('raptorq' as const), z: u(0xff), n: u(0xffff), al: u(0xff) });
    case 1:
      return fc.record({ scheme: fc.constant('raptor' as const), z: u(0xffff), n: u(0xff), al: u(0xff) });
    case 2:
      return fc.record({ scheme: fc.constant('reed-solomon-gf2m' as const), m: u(0xff), g: u(0xff) });
    case undefined:
      return fc.constant(undefined);
    default:
      return fc.uint8Array({ maxLength: 8 }).map((bytes) => ({ scheme: 'opaque' as const, bytes }));
  }
}

/** Removes undefined-valued keys, as the parser never produces them. */
function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const encodingId = fc.option(fc.constantFrom(0, 1, 2, 5, 6, 129, 200), { nil: undefined });
const cacheControl = fc.oneof(
  fc.constant({ directive: 'no-cache' as const }),
  fc.constant({ directive: 'max-stale' as const }),
  u(0xffffffff).map((expires) => ({ directive: 'expires' as const, expires })),
);

export interface ModelOptions {
  /**
   * Constrain values to what FLUTE-FDT-3GPP-Main.xsd accepts and libxml2 checks: URIs where the
   * schema says anyURI, xs:dateTime availability times, at least one File, TOIs of at most 20
   * digits (libxml2 refuses integers over 24 digits), extension elements in foreign namespaces.
   */
  readonly schemaValid?: boolean;
}

/** FDT instances (as the parser would return them) that survive parse(build(x)) exactly. */
export function fdtInstance(options: ModelOptions = {}): fc.Arbitrary<FdtInstance> {
  const valid = options.schemaValid === true;
  const uri = valid ? fc.webUrl() : anyText;
  const uriElement = valid ? fc.webUrl() : trimmedText;
  const ext = element(valid ? foreignNs : fc.oneof(fc.constant(''), foreignNs));
  const acl = fc.record(
    {
      availabilityTime: valid ? fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()) : trimmedText,
      locations: fc.array(uriElement, { maxLength: 2 }),
    },
    { requiredKeys: ['locations'] },
  );
  const file: fc.Arbitrary<FdtFile> = fc
    .record(
      {
        contentLocation: uri,
        toi: fc.bigInt({ min: 1n, max: valid ? (1n << 64n) - 1n : MAX_TOI }),
        contentLength: u(MAX_TRANSFER_LENGTH),
        transferLength: u(MAX_TRANSFER_LENGTH),
        contentType: anyText,
        contentEncoding: anyText,
        contentMd5: fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fecOti: oti(fc.constantFrom(0, 1, 2, 6, 129)),
        decryptionKeyUri: uri,
        fecRedundancyLevel: u(0xffffffff),
        fileETag: anyText,
        independentUnitPositions: fc.array(u(MAX_TRANSFER_LENGTH), { maxLength: 4 }),
        cacheControl,
        alternateContentLocations1: fc.array(acl, { minLength: 1, maxLength: 2 }),
        alternateContentLocations2: fc.array(acl, { minLength: 1, maxLength: 2 }),
        groups: fc.array(trimmedText, { minLength: 1, maxLength: 2 }),
        sessionIdentities: fc.array(u(0xff), { minLength: 1, maxLength: 2 }),
        extensionAttributes: extensionAttributes.filter((l) => l.length > 0),
        extensionElements: fc.array(ext(3), { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['contentLocation', 'toi'] },
    )
    .map((f) => strip(f) as FdtFile);

  return fc
    .record(
      {
        expires: u(0xffffffff),
        complete: fc.boolean(),
        contentType: anyText,
        contentEncoding: anyText,
        fecOti: oti(encodingId),
        fullFdt: fc.boolean(),
        schemaVersion: u(0xffffffff),
        baseUrls1: fc.array(uriElement, { minLength: 1, maxLength: 2 }),
        baseUrls2: fc.array(uriElement, { minLength: 1, maxLength: 2 }),
        groups: fc.array(trimmedText, { minLength: 1, maxLength: 2 }),
        sessionIdentityExpiries: fc.array(fc.record({ sessionIdentity: u(0xff), expires: u(0xffffffff) }), { minLength: 1, maxLength: 2 }),
        files: fc.array(file, { minLength: valid ? 1 : 0, maxLength: 4 }),
        extensionAttributes: extensionAttributes.filter((l) => l.length > 0),
        extensionElements: fc.array(ext(3), { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['expires', 'files', 'schemaVersion'] },
    )
    .map((i) => strip(i) as FdtInstance)
    .filter((i) => i.fecOti === undefined || Object.keys(i.fecOti).length > 0);
}
