// buildFdt: the typed model to FDT-Instance XML. Output is deterministic: attributes in a fixed
// order, namespace declarations on the root in a fixed order, no dependence on object key order
// beyond the order of the model's arrays.

import { encodeBase64 } from './base64.js';
import {
  DEFAULT_SCHEMA_VERSION,
  MAX_TOI,
  MAX_TRANSFER_LENGTH,
  type AlternateContentLocations,
  type CacheControl,
  type FdtFile,
  type FdtInstance,
  type XmlAttribute,
  type XmlElement,
} from './model.js';
import {
  CANONICAL_PREFIXES,
  FDT_NS_2005,
  FDT_NS_RFC6726,
  MBMS_NS_2005,
  MBMS_NS_2007,
  MBMS_NS_2008,
  MBMS_NS_2009,
  MBMS_NS_2012,
  MBMS_NS_2015,
  SCHEMA_VERSION_NS,
  XML_NS,
} from './namespaces.js';
import { encodeSchemeSpecificInfo, FEC_OTI_ATTRIBUTES, isFullySpecifiedScheme, resolveFileOti, schemeSpecificInfoScheme, type FecOti } from './oti.js';
import { escapeAttribute, escapeText, NCNAME } from './xml-text.js';

/** Which FDT namespace and structure to write. */
export type FdtFlavour =
  /** RFC 6726: namespace urn:ietf:params:xml:ns:fdt; 3GPP extensions as foreign-namespace content. */
  | 'rfc6726'
  /**
   * 3GPP TS 26.346 §7.2.10: namespace urn:IETF:metadata:2005:FLUTE:FDT, valid against
   * FLUTE-FDT-3GPP-Main.xsd (sv:schemaVersion and the sv:delimiter markers are always written).
   * What 3GPP, DVB, GPAC and ypo/flute write and read.
   */
  | '3gpp';

export interface BuildFdtOptions {
  /** Default '3gpp'. */
  readonly flavour?: FdtFlavour;
  /** Indent with two spaces, one element per line. Default false (one line, as senders emit). */
  readonly pretty?: boolean;
  /**
   * Write the instance-level FEC-OTI-* attributes on every File that does not override them
   * (see `resolveFileOti`). Default true: a GPAC receiver crashes on a File without its own
   * FEC-OTI-FEC-Encoding-ID and FEC-OTI-Encoding-Symbol-Length.
   */
  readonly repeatFecOti?: boolean;
  /** Start with `<?xml version="1.0" encoding="UTF-8"?>`. Default true. */
  readonly xmlDeclaration?: boolean;
}

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffff_ffff;

function checkUint(field: string, value: number, max: number): string {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${field} must be an integer in 0..${max}, got ${value}`);
  return String(value);
}

// Unqualified attribute names the model defines (extension attributes may not repeat them).
const INSTANCE_ATTRIBUTES = new Set<string>(['Expires', 'Complete', 'Content-Type', 'Content-Encoding', 'FullFDT', ...FEC_OTI_ATTRIBUTES]);
const FILE_ATTRIBUTES = new Set<string>([
  'Content-Location',
  'TOI',
  'Content-Length',
  'Transfer-Length',
  'Content-Type',
  'Content-Encoding',
  'Content-MD5',
  'Decryption-KEY-URI',
  'FEC-Redundancy-Level',
  'File-ETag',
  'IndependentUnitPositions',
  ...FEC_OTI_ATTRIBUTES,
]);
const FILE_QUALIFIED_ATTRIBUTES = new Set([
  `${MBMS_NS_2009} Decryption-KEY-URI`,
  `${MBMS_NS_2012} FEC-Redundancy-Level`,
  `${MBMS_NS_2012} File-ETag`,
  `${MBMS_NS_2015} IndependentUnitPositions`,
]);

class Writer {
  readonly fdtNs: string;
  readonly flavour: FdtFlavour;
  readonly pretty: boolean;
  private readonly prefixes = new Map<string, string>();
  private readonly generatedPrefixes: Array<[uri: string, prefix: string]> = [];

  constructor(flavour: FdtFlavour, pretty: boolean) {
    this.flavour = flavour;
    this.fdtNs = flavour === 'rfc6726' ? FDT_NS_RFC6726 : FDT_NS_2005;
    this.pretty = pretty;
  }

  /** Prefix for a namespace other than the FDT one, registering it for declaration on the root. */
  prefix(ns: string): string {
    if (ns === XML_NS) return 'xml';
    let p = this.prefixes.get(ns);
    if (p === undefined) {
      p = CANONICAL_PREFIXES.find(([, uri]) => uri === ns)?.[0];
      if (p === undefined) {
        if (ns === '') throw new RangeError('a prefixed name needs a namespace');
        p = `ns${this.generatedPrefixes.length + 1}`;
        this.generatedPrefixes.push([ns, p]);
      }
      this.prefixes.set(ns, p);
    }
    return p;
  }

  /** Namespace declarations for the root: default, canonical in fixed order, generated in order of first use. */
  declarations(): string {
    let out = ` xmlns="${this.fdtNs}"`;
    for (const [prefix, uri] of CANONICAL_PREFIXES) if (this.prefixes.has(uri)) out += ` xmlns:${prefix}="${uri}"`;
    for (const [uri, prefix] of this.generatedPrefixes) out += ` xmlns:${prefix}="${escapeAttribute(uri, 'namespace')}"`;
    return out;
  }

  indent(depth: number): string {
    return this.pretty ? `\n${'  '.repeat(depth)}` : '';
  }

  /** `<name attrs>text</name>` for a simple-typed element in namespace `ns`. */
  simple(ns: string, local: string, text: string, depth: number, attrs = ''): string {
    const q = this.qname(ns, local);
    return `${this.indent(depth)}<${q}${attrs}>${escapeText(text, local)}</${q}>`;
  }

  qname(ns: string, local: string): string {
    return ns === this.fdtNs ? local : `${this.prefix(ns)}:${local}`;
  }

  attribute(ns: string, local: string, value: string, field: string): string {
    const name = ns === '' ? local : `${this.prefix(ns)}:${local}`;
    return ` ${name}="${escapeAttribute(value, field)}"`;
  }

  extensionAttributes(list: readonly XmlAttribute[] | undefined, where: string, isKnown: (a: XmlAttribute) => boolean): string {
    if (list === undefined || list.length === 0) return '';
    let out = '';
    const seen = new Set<string>();
    for (const a of list) {
      const field = `${where}@${a.name}`;
      if (!NCNAME.test(a.name)) throw new RangeError(`${field}: invalid XML name`);
      if (a.namespace === XMLNS_NS || (a.namespace === '' && a.name === 'xmlns')) throw new RangeError(`${field}: namespace declarations are written by the builder`);
      if (isKnown(a)) throw new RangeError(`${field}: an extension attribute cannot repeat an attribute the model defines`);
      const key = `${a.namespace} ${a.name}`;
      if (seen.has(key)) throw new RangeError(`${field}: duplicate extension attribute`);
      seen.add(key);
      out += this.attribute(a.namespace, a.name, a.value, field);
    }
    return out;
  }

  /**
   * An extension element and its subtree. `defaultNs` is the default namespace in scope. Elements
   * with text among their children are written inline so no whitespace is added to their content.
   */
  element(e: XmlElement, depth: number, defaultNs: string, where: string, pretty = this.pretty): string {
    const field = `${where}/${e.name}`;
    if (!NCNAME.test(e.name)) throw new RangeError(`${field}: invalid XML name`);
    let q = e.name;
    let decl = '';
    let childDefault = defaultNs;
    if (e.namespace === '' && defaultNs !== '') {
      decl = ' xmlns=""';
      childDefault = '';
    } else if (e.namespace !== defaultNs) {
      q = `${this.prefix(e.namespace)}:${e.name}`;
    }
    const indent = pretty ? `\n${'  '.repeat(depth)}` : '';
    const attrs = this.extensionAttributes(e.attributes, field, () => false);
    if (e.children.length === 0) return `${indent}<${q}${decl}${attrs}/>`;
    const mixed = e.children.some((c) => typeof c === 'string');
    const childPretty = pretty && !mixed;
    let body = '';
    for (const c of e.children) {
      body += typeof c === 'string' ? escapeText(c, field) : this.element(c, depth + 1, childDefault, field, childPretty);
    }
    return `${indent}<${q}${decl}${attrs}>${body}${childPretty ? indent : ''}</${q}>`;
  }
}

function otiAttributes(oti: FecOti | undefined, effectiveEncodingId: number | undefined, where: string): string {
  if (oti === undefined) return '';
  let out = '';
  if (oti.encodingId !== undefined) out += ` FEC-OTI-FEC-Encoding-ID="${checkUint(`${where}.fecOti.encodingId`, oti.encodingId, U8)}"`;
  // RFC 5052 §6.2.4: no FEC Instance ID for fully specified schemes.
  if (oti.instanceId !== undefined && (effectiveEncodingId === undefined || !isFullySpecifiedScheme(effectiveEncodingId))) {
    out += ` FEC-OTI-FEC-Instance-ID="${checkUint(`${where}.fecOti.instanceId`, oti.instanceId, U16)}"`;
  }
  if (oti.maxSourceBlockLength !== undefined) out += ` FEC-OTI-Maximum-Source-Block-Length="${checkUint(`${where}.fecOti.maxSourceBlockLength`, oti.maxSourceBlockLength, U32)}"`;
  if (oti.encodingSymbolLength !== undefined) out += ` FEC-OTI-Encoding-Symbol-Length="${checkUint(`${where}.fecOti.encodingSymbolLength`, oti.encodingSymbolLength, U16)}"`;
  if (oti.maxEncodingSymbols !== undefined) out += ` FEC-OTI-Max-Number-of-Encoding-Symbols="${checkUint(`${where}.fecOti.maxEncodingSymbols`, oti.maxEncodingSymbols, U32)}"`;
  const ssi = oti.schemeSpecificInfo;
  if (ssi !== undefined) {
    const bytes = encodeSchemeSpecificInfo(ssi);
    if (ssi.scheme !== (schemeSpecificInfoScheme(effectiveEncodingId) ?? 'opaque')) throw new RangeError(`${where}.fecOti.schemeSpecificInfo: scheme ${ssi.scheme} does not match FEC Encoding ID ${String(effectiveEncodingId)}`);
    out += ` FEC-OTI-Scheme-Specific-Info="${encodeBase64(bytes)}"`;
  }
  return out;
}

function cacheControl(w: Writer, cc: CacheControl, depth: number, where: string): string {
  const q = w.qname(MBMS_NS_2007, 'Cache-Control');
  const attrs = w.extensionAttributes(cc.extensionAttributes, `${where}/Cache-Control`, () => false);
  let inner: string;
  switch (cc.directive) {
    case 'no-cache':
    case 'max-stale':
      inner = w.simple(MBMS_NS_2007, cc.directive, 'true', depth + 1);
      break;
    case 'expires':
      inner = w.simple(MBMS_NS_2007, 'Expires', checkUint(`${where}.cacheControl.expires`, cc.expires, U32), depth + 1);
      break;
    default:
      throw new RangeError(`${where}.cacheControl: unknown directive ${String((cc as { directive: unknown }).directive)}`);
  }
  return `${w.indent(depth)}<${q}${attrs}>${inner}${w.indent(depth)}</${q}>`;
}

function alternateLocations(w: Writer, list: readonly AlternateContentLocations[] | undefined, local: string, depth: number, where: string): string {
  if (list === undefined) return '';
  let out = '';
  for (const acl of list) {
    const q = w.qname(MBMS_NS_2012, local);
    let attrs = acl.availabilityTime === undefined ? '' : w.attribute('', 'Availability-Time', acl.availabilityTime, `${where}/${local}@Availability-Time`);
    attrs += w.extensionAttributes(acl.extensionAttributes, `${where}/${local}`, (a) => a.namespace === '' && a.name === 'Availability-Time');
    if (acl.locations.length === 0) {
      out += `${w.indent(depth)}<${q}${attrs}/>`;
      continue;
    }
    let inner = '';
    for (const loc of acl.locations) inner += w.simple(MBMS_NS_2012, 'Alternate-Content-Location', loc, depth + 1);
    out += `${w.indent(depth)}<${q}${attrs}>${inner}${w.indent(depth)}</${q}>`;
  }
  return out;
}

function delimiter(w: Writer, depth: number): string {
  return w.simple(SCHEMA_VERSION_NS, 'delimiter', '0', depth);
}

/** Extension elements, refusing any the parser would read back as a known element. */
function extensionElements(w: Writer, list: readonly XmlElement[] | undefined, depth: number, where: string, known: (e: XmlElement) => boolean): string {
  if (list === undefined) return '';
  let out = '';
  for (const e of list) {
    if (known(e)) throw new RangeError(`${where}/${e.name}: an extension element cannot be one the model defines (${e.namespace} ${e.name})`);
    out += w.element(e, depth, w.fdtNs, where);
  }
  return out;
}

function buildFile(w: Writer, instance: FdtInstance, file: FdtFile, index: number, repeat: boolean): string {
  const where = `files[${index}]`;
  if (typeof file.contentLocation !== 'string') throw new RangeError(`${where}.contentLocation must be a string`);
  if (typeof file.toi !== 'bigint' || file.toi < 1n || file.toi > MAX_TOI) throw new RangeError(`${where}.toi must be a bigint in 1..2^112-1, got ${String(file.toi)}`);
  let a = w.attribute('', 'Content-Location', file.contentLocation, `${where}.contentLocation`);
  a += ` TOI="${file.toi.toString()}"`;
  if (file.contentLength !== undefined) a += ` Content-Length="${checkUint(`${where}.contentLength`, file.contentLength, MAX_TRANSFER_LENGTH)}"`;
  if (file.transferLength !== undefined) a += ` Transfer-Length="${checkUint(`${where}.transferLength`, file.transferLength, MAX_TRANSFER_LENGTH)}"`;
  if (file.contentType !== undefined) a += w.attribute('', 'Content-Type', file.contentType, `${where}.contentType`);
  if (file.contentEncoding !== undefined) a += w.attribute('', 'Content-Encoding', file.contentEncoding, `${where}.contentEncoding`);
  if (file.contentMd5 !== undefined) {
    if (!(file.contentMd5 instanceof Uint8Array) || file.contentMd5.length !== 16) throw new RangeError(`${where}.contentMd5 must be 16 bytes`);
    a += ` Content-MD5="${encodeBase64(file.contentMd5)}"`;
  }
  const oti = repeat ? resolveFileOti(instance, file) : file.fecOti;
  a += otiAttributes(oti, oti?.encodingId ?? instance.fecOti?.encodingId, where);
  if (file.decryptionKeyUri !== undefined) a += w.attribute(MBMS_NS_2009, 'Decryption-KEY-URI', file.decryptionKeyUri, `${where}.decryptionKeyUri`);
  if (file.fecRedundancyLevel !== undefined) a += w.attribute(MBMS_NS_2012, 'FEC-Redundancy-Level', checkUint(`${where}.fecRedundancyLevel`, file.fecRedundancyLevel, U32), `${where}.fecRedundancyLevel`);
  if (file.fileETag !== undefined) a += w.attribute(MBMS_NS_2012, 'File-ETag', file.fileETag, `${where}.fileETag`);
  if (file.independentUnitPositions !== undefined) {
    const list = file.independentUnitPositions.map((p, i) => checkUint(`${where}.independentUnitPositions[${i}]`, p, MAX_TRANSFER_LENGTH)).join(' ');
    a += w.attribute(MBMS_NS_2015, 'IndependentUnitPositions', list, `${where}.independentUnitPositions`);
  }
  a += w.extensionAttributes(file.extensionAttributes, where, (x) => (x.namespace === '' ? FILE_ATTRIBUTES.has(x.name) : FILE_QUALIFIED_ATTRIBUTES.has(`${x.namespace} ${x.name}`)));

  const d = 2;
  const is3gpp = w.flavour === '3gpp';
  let body = '';
  if (file.cacheControl !== undefined) body += cacheControl(w, file.cacheControl, d, where);
  if (is3gpp) body += delimiter(w, d);
  body += alternateLocations(w, file.alternateContentLocations1, 'Alternate-Content-Location-1', d, where);
  body += alternateLocations(w, file.alternateContentLocations2, 'Alternate-Content-Location-2', d, where);
  if (is3gpp) body += delimiter(w, d);
  body += extensionElements(w, file.extensionElements, d, where, (e) => isKnownFileElement(e, w.fdtNs));
  const groupNs = is3gpp ? w.fdtNs : MBMS_NS_2005;
  for (const g of file.groups ?? []) body += w.simple(groupNs, 'Group', g, d);
  (file.sessionIdentities ?? []).forEach((s, i) => {
    body += w.simple(groupNs, 'MBMS-Session-Identity', checkUint(`${where}.sessionIdentities[${i}]`, s, U8), d);
  });
  return body === '' ? `${w.indent(1)}<File${a}/>` : `${w.indent(1)}<File${a}>${body}${w.indent(1)}</File>`;
}

function isKnownFileElement(e: XmlElement, fdtNs: string): boolean {
  const { namespace: ns, name } = e;
  return (
    (ns === MBMS_NS_2007 && name === 'Cache-Control') ||
    (ns === SCHEMA_VERSION_NS && name === 'delimiter') ||
    (ns === MBMS_NS_2012 && (name === 'Alternate-Content-Location-1' || name === 'Alternate-Content-Location-2')) ||
    ((ns === fdtNs || ns === MBMS_NS_2005) && (name === 'Group' || name === 'MBMS-Session-Identity'))
  );
}

function isKnownInstanceElement(e: XmlElement, fdtNs: string): boolean {
  const { namespace: ns, name } = e;
  return (
    (ns === fdtNs && name === 'File') ||
    (ns === SCHEMA_VERSION_NS && (name === 'schemaVersion' || name === 'delimiter')) ||
    (ns === MBMS_NS_2012 && (name === 'Base-URL-1' || name === 'Base-URL-2')) ||
    ((ns === fdtNs || ns === MBMS_NS_2005) && (name === 'Group' || name === 'MBMS-Session-Identity-Expiry'))
  );
}

/**
 * Writes an FDT instance as XML. Deterministic: the same model and options always give the same
 * string. Throws RangeError (naming the field) when the model holds a value the FDT cannot carry.
 *
 * In the '3gpp' flavour the output validates against FLUTE-FDT-3GPP-Main.xsd as long as the
 * instance lists at least one File (the schema requires one) and its extension elements are in
 * foreign namespaces.
 */
export function buildFdt(instance: FdtInstance, options: BuildFdtOptions = {}): string {
  const flavour = options.flavour ?? '3gpp';
  if (flavour !== '3gpp' && flavour !== 'rfc6726') throw new RangeError(`flavour must be '3gpp' or 'rfc6726', got ${String(flavour)}`);
  const w = new Writer(flavour, options.pretty ?? false);
  const repeat = options.repeatFecOti ?? true;
  const is3gpp = flavour === '3gpp';

  let a = ` Expires="${checkUint('expires', instance.expires, U32)}"`;
  if (instance.complete !== undefined) a += ` Complete="${instance.complete ? 'true' : 'false'}"`;
  if (instance.contentType !== undefined) a += w.attribute('', 'Content-Type', instance.contentType, 'contentType');
  if (instance.contentEncoding !== undefined) a += w.attribute('', 'Content-Encoding', instance.contentEncoding, 'contentEncoding');
  a += otiAttributes(instance.fecOti, instance.fecOti?.encodingId, 'instance');
  if (instance.fullFdt !== undefined) a += w.attribute(MBMS_NS_2008, 'FullFDT', instance.fullFdt ? 'true' : 'false', 'fullFdt');
  a += w.extensionAttributes(instance.extensionAttributes, 'instance', (x) => (x.namespace === '' ? INSTANCE_ATTRIBUTES.has(x.name) : x.namespace === MBMS_NS_2008 && x.name === 'FullFDT'));

  let body = '';
  instance.files.forEach((f, i) => {
    body += buildFile(w, instance, f, i, repeat);
  });
  const schemaVersion = instance.schemaVersion ?? DEFAULT_SCHEMA_VERSION;
  if (is3gpp || schemaVersion !== DEFAULT_SCHEMA_VERSION) body += w.simple(SCHEMA_VERSION_NS, 'schemaVersion', checkUint('schemaVersion', schemaVersion, U32), 1);
  for (const u of instance.baseUrls1 ?? []) body += w.simple(MBMS_NS_2012, 'Base-URL-1', u, 1);
  for (const u of instance.baseUrls2 ?? []) body += w.simple(MBMS_NS_2012, 'Base-URL-2', u, 1);
  if (is3gpp) body += delimiter(w, 1);
  body += extensionElements(w, instance.extensionElements, 1, 'instance', (e) => isKnownInstanceElement(e, w.fdtNs));
  const groupNs = is3gpp ? w.fdtNs : MBMS_NS_2005;
  for (const g of instance.groups ?? []) body += w.simple(groupNs, 'Group', g, 1);
  (instance.sessionIdentityExpiries ?? []).forEach((s, i) => {
    const value = ` value="${checkUint(`sessionIdentityExpiries[${i}].expires`, s.expires, U32)}"`;
    body += w.simple(groupNs, 'MBMS-Session-Identity-Expiry', checkUint(`sessionIdentityExpiries[${i}].sessionIdentity`, s.sessionIdentity, U8), 1, value);
  });

  const declaration = options.xmlDeclaration === false ? '' : `<?xml version="1.0" encoding="UTF-8"?>${w.pretty ? '\n' : ''}`;
  const root = body === '' ? `<FDT-Instance${w.declarations()}${a}/>` : `<FDT-Instance${w.declarations()}${a}>${body}${w.indent(0)}</FDT-Instance>`;
  return declaration + root + (w.pretty ? '\n' : '');
}
