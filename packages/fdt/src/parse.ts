// parseFdt: FDT-Instance XML (RFC 6726 §3.4.2, 3GPP TS 26.346 §7.2.10) to the typed model.
//
// Pipeline: size cap → strict UTF-8 decode → scanXml (well-formedness, DOCTYPE refusal, limits)
// → fast-xml-parser (ordered tree, no entity processing) → a namespace-resolving walk that fills
// the model and keeps everything it does not know as extension attributes and elements.

import { XMLParser, type X2jOptions } from 'fast-xml-parser';
import { MalformedError } from './errors.js';
import { resolveLimits, type FdtLimits, type ParseFdtOptions } from './limits.js';
import {
  DEFAULT_SCHEMA_VERSION,
  MAX_TOI,
  MAX_TRANSFER_LENGTH,
  type AlternateContentLocations,
  type CacheControl,
  type FdtFile,
  type FdtInstance,
  type SessionIdentityExpiry,
  type XmlAttribute,
  type XmlElement,
  type XmlNode,
} from './model.js';
import {
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
import { decodeBase64 } from './base64.js';
import { decodeSchemeSpecificInfo, isFullySpecifiedScheme, schemeSpecificInfoLength, type FecOti, type SchemeSpecificInfo } from './oti.js';
import { scanXml } from './scan.js';
import { attributeValue, isXmlSpace, NCNAME, textValue } from './xml-text.js';

export type { ParseFdtOptions } from './limits.js';

// ---- fast-xml-parser output (preserveOrder) ----
type Attrs = Record<string, string>;
interface FxNode {
  [key: string]: FxNode[] | Attrs | string;
}

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';

/**
 * The fast-xml-parser options parseFdt uses: ordered tree, attributes as written, no value
 * coercion, no trimming, no entity processing (references are resolved here, strictly).
 */
export function fastXmlParserOptions(maxDepth: number): X2jOptions {
  return {
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: CDATA,
    commentPropName: false,
    maxNestedTags: maxDepth + 1,
    onDangerousProperty: (name: string) => name,
  };
}

const parsers = new Map<number, XMLParser>();
function xmlParser(maxDepth: number): XMLParser {
  let p = parsers.get(maxDepth);
  if (p === undefined) {
    p = new XMLParser(fastXmlParserOptions(maxDepth));
    parsers.set(maxDepth, p);
  }
  return p;
}

interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
const TextDecoderCtor = (globalThis as unknown as { TextDecoder: new (label: string, options: { fatal: boolean }) => Utf8Decoder }).TextDecoder;
let utf8: Utf8Decoder | undefined;

// ---- namespaces ----
interface Scope {
  readonly defaultNs: string;
  readonly prefixes: ReadonlyMap<string, string>;
}
const ROOT_SCOPE: Scope = { defaultNs: '', prefixes: new Map([['xml', XML_NS]]) };

function nodeName(node: FxNode): string {
  for (const key in node) if (key !== ATTRS) return key;
  return '';
}

function enterScope(parent: Scope, attrs: Attrs | undefined, where: string): Scope {
  if (attrs === undefined) return parent;
  let defaultNs: string | undefined;
  let prefixes: Map<string, string> | undefined;
  for (const key in attrs) {
    if (key.charCodeAt(0) !== 0x78 /* x */ || !key.startsWith('xmlns')) continue;
    const value = attributeValue(attrs[key]!, `${where}@${key}`);
    if (key.length === 5) {
      defaultNs = value;
    } else if (key.charCodeAt(5) === 0x3a /* : */) {
      const prefix = key.slice(6);
      if (value === '') throw new MalformedError(`${where}@${key}`, 'namespace', `prefix ${prefix} cannot be bound to the empty namespace`);
      if (prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS)) throw new MalformedError(`${where}@${key}`, 'namespace', `reserved prefix or namespace misused`);
      prefixes ??= new Map(parent.prefixes);
      prefixes.set(prefix, value);
    }
  }
  if (defaultNs === undefined && prefixes === undefined) return parent;
  return { defaultNs: defaultNs ?? parent.defaultNs, prefixes: prefixes ?? parent.prefixes };
}

/** Resolves a qualified name; `forAttribute` applies the rule that unprefixed attributes have no namespace. */
function resolveName(scope: Scope, qname: string, forAttribute: boolean, where: string): { ns: string; local: string } {
  const colon = qname.indexOf(':');
  if (colon === -1) return { ns: forAttribute ? '' : scope.defaultNs, local: qname };
  const prefix = qname.slice(0, colon);
  const local = qname.slice(colon + 1);
  const ns = scope.prefixes.get(prefix);
  if (ns === undefined) throw new MalformedError(where, 'namespace', `prefix ${prefix} is not declared`);
  if (local.length === 0 || local.indexOf(':') !== -1) throw new MalformedError(where, 'namespace', `invalid qualified name ${qname}`);
  return { ns, local };
}

// ---- values ----
const UINT = /^[ \t\n\r]*\+?([0-9]+)[ \t\n\r]*$/;

/** The value of a string of 1..15 ASCII digits, or -1. */
function plainDigits(value: string): number {
  const n = value.length;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function parseUint(value: string, field: string, max: number): number {
  const fast = plainDigits(value);
  if (fast >= 0) {
    if (fast > max) throw new MalformedError(field, 'range', `${value} exceeds ${max}`);
    return fast;
  }
  const m = UINT.exec(value);
  if (m === null) throw new MalformedError(field, 'number', `${JSON.stringify(value.slice(0, 40))} is not an unsigned decimal integer`);
  let digits = m[1]!;
  if (digits.length > 15) digits = digits.replace(/^0+(?=.)/, '');
  const v = digits.length > 16 ? Infinity : Number(digits);
  if (v > max) throw new MalformedError(field, 'range', `${digits.slice(0, 40)} exceeds ${max}`);
  return v;
}

function parseToi(value: string, field: string): bigint {
  const fast = plainDigits(value);
  if (fast > 0) return BigInt(fast);
  const m = UINT.exec(value);
  if (m === null) throw new MalformedError(field, 'number', `${JSON.stringify(value.slice(0, 40))} is not an unsigned decimal integer`);
  const digits = m[1]!.replace(/^0+(?=.)/, '');
  if (digits.length > 34) throw new MalformedError(field, 'range', 'TOI exceeds 2^112 - 1');
  const v = BigInt(digits);
  if (v === 0n) throw new MalformedError(field, 'range', 'TOI 0 is reserved for the FDT itself');
  if (v > MAX_TOI) throw new MalformedError(field, 'range', 'TOI exceeds 2^112 - 1');
  return v;
}

function parseBoolean(value: string, field: string): boolean {
  const v = trimXml(value);
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new MalformedError(field, 'boolean', `${JSON.stringify(value.slice(0, 40))} is not an xs:boolean`);
}

function parseBase64(value: string, field: string, length?: number): Uint8Array {
  const bytes = decodeBase64(value);
  if (bytes === undefined) throw new MalformedError(field, 'base64', 'not valid base64');
  if (length !== undefined && bytes.length !== length) throw new MalformedError(field, 'base64', `decodes to ${bytes.length} bytes, expected ${length}`);
  return bytes;
}

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffff_ffff;

// ---- FEC OTI ----
interface MutableOti {
  encodingId?: number;
  instanceId?: number;
  maxSourceBlockLength?: number;
  encodingSymbolLength?: number;
  maxEncodingSymbols?: number;
  schemeSpecificInfo?: SchemeSpecificInfo;
}

/** Reads one FEC-OTI-* attribute into `oti`; false when `local` is not one. */
function readOtiAttribute(oti: MutableOti, local: string, value: string, field: string, ssi: { raw?: string }): boolean {
  switch (local) {
    case 'FEC-OTI-FEC-Encoding-ID': oti.encodingId = parseUint(value, field, U8); return true;
    case 'FEC-OTI-FEC-Instance-ID': oti.instanceId = parseUint(value, field, U16); return true;
    case 'FEC-OTI-Maximum-Source-Block-Length': oti.maxSourceBlockLength = parseUint(value, field, U32); return true;
    case 'FEC-OTI-Encoding-Symbol-Length': oti.encodingSymbolLength = parseUint(value, field, U16); return true;
    case 'FEC-OTI-Max-Number-of-Encoding-Symbols': oti.maxEncodingSymbols = parseUint(value, field, U32); return true;
    case 'FEC-OTI-Scheme-Specific-Info': ssi.raw = value; return true;
    default: return false;
  }
}

/** Completes an OTI once all attributes are read: decodes the scheme-specific info, drops a meaningless Instance ID. */
function finishOti(oti: MutableOti, ssiRaw: string | undefined, effectiveEncodingId: number | undefined, where: string): FecOti | undefined {
  if (ssiRaw !== undefined) {
    const field = `${where}@FEC-OTI-Scheme-Specific-Info`;
    oti.schemeSpecificInfo = decodeSchemeSpecificInfo(parseBase64(ssiRaw, field, schemeSpecificInfoLength(effectiveEncodingId)), effectiveEncodingId);
  }
  if (oti.instanceId !== undefined && effectiveEncodingId !== undefined && isFullySpecifiedScheme(effectiveEncodingId)) delete oti.instanceId;
  for (const _ in oti) return oti;
  return undefined;
}

// ---- generic subtrees ----
function childElements(children: FxNode[]): number {
  let count = 0;
  for (const c of children) {
    const name = nodeName(c);
    if (name !== TEXT && name !== CDATA) count++;
  }
  return count;
}

/** Text content of a simple-typed element (whitespace collapsed at the ends, as XML Schema does for these types). */
function simpleText(children: FxNode[], where: string): string {
  let out = '';
  for (const c of children) {
    const name = nodeName(c);
    if (name === TEXT) out += textValue(c[TEXT] as string, where);
    else if (name === CDATA) out += cdataText(c);
    else throw new MalformedError(where, 'structure', `unexpected child element <${name}>`);
  }
  return trimXml(out);
}

/** Strips XML whitespace (space, tab, CR, LF) only: String.prototype.trim also strips U+00A0 and friends. */
function trimXml(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isXmlSpace(s.charCodeAt(a))) a++;
  while (b > a && isXmlSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}


function cdataText(node: FxNode): string {
  let out = '';
  for (const t of node[CDATA] as FxNode[]) out += t[TEXT] as string;
  return out;
}

function isWhitespace(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isXmlSpace(s.charCodeAt(i))) return false;
  return true;
}

function checkName(local: string, where: string): void {
  if (!NCNAME.test(local)) throw new MalformedError(where, 'xml', `invalid XML name ${JSON.stringify(local.slice(0, 40))}`);
}

function extensionAttribute(ns: string, local: string, raw: string, where: string): XmlAttribute {
  checkName(local, where);
  return { namespace: ns, name: local, value: attributeValue(raw, where) };
}

/** Every attribute of `attrs` except namespace declarations, as extension attributes. */
function allAttributes(attrs: Attrs | undefined, scope: Scope, where: string): XmlAttribute[] {
  const out: XmlAttribute[] = [];
  if (attrs === undefined) return out;
  for (const key in attrs) {
    if (isNamespaceDeclaration(key)) continue;
    const field = `${where}@${key}`;
    const { ns, local } = resolveName(scope, key, true, field);
    out.push(extensionAttribute(ns, local, attrs[key]!, field));
  }
  return out;
}

function isNamespaceDeclaration(key: string): boolean {
  return key.charCodeAt(0) === 0x78 && key.startsWith('xmlns') && (key.length === 5 || key.charCodeAt(5) === 0x3a);
}

function extensionElement(node: FxNode, name: string, ns: string, local: string, scope: Scope, where: string): XmlElement {
  checkName(local, where);
  const attrs = node[ATTRS] as Attrs | undefined;
  const children: XmlNode[] = [];
  let pendingText: string | undefined;
  for (const c of node[name] as FxNode[]) {
    const cname = nodeName(c);
    if (cname === TEXT || cname === CDATA) {
      const t = cname === TEXT ? textValue(c[TEXT] as string, where) : cdataText(c);
      pendingText = pendingText === undefined ? t : pendingText + t;
      continue;
    }
    if (pendingText !== undefined && !isWhitespace(pendingText)) children.push(pendingText);
    pendingText = undefined;
    const cwhere = `${where}/${cname}`;
    const cscope = enterScope(scope, c[ATTRS] as Attrs | undefined, cwhere);
    const r = resolveName(cscope, cname, false, cwhere);
    children.push(extensionElement(c, cname, r.ns, r.local, cscope, cwhere));
  }
  if (pendingText !== undefined && !isWhitespace(pendingText)) children.push(pendingText);
  return { namespace: ns, name: local, attributes: allAttributes(attrs, scope, where), children };
}

// ---- 3GPP elements ----
function parseCacheControl(node: FxNode, name: string, scope: Scope, where: string): CacheControl {
  const extensionAttributes = allAttributes(node[ATTRS] as Attrs | undefined, scope, where);
  let result: CacheControl | undefined;
  for (const c of node[name] as FxNode[]) {
    const cname = nodeName(c);
    if (cname === TEXT) {
      if (!isWhitespace(c[TEXT] as string)) throw new MalformedError(where, 'structure', 'text in Cache-Control');
      continue;
    }
    if (cname === CDATA) throw new MalformedError(where, 'structure', 'text in Cache-Control');
    if (result !== undefined) throw new MalformedError(where, 'structure', 'Cache-Control holds more than one directive');
    const cwhere = `${where}/${cname}`;
    const cscope = enterScope(scope, c[ATTRS] as Attrs | undefined, cwhere);
    // The directive is identified by its local name: senders disagree on its namespace.
    const { local } = resolveName(cscope, cname, false, cwhere);
    const value = simpleText(c[cname] as FxNode[], cwhere);
    if (local === 'no-cache' || local === 'max-stale') {
      if (value !== '' && !parseBoolean(value, cwhere)) throw new MalformedError(cwhere, 'boolean', `${local} is fixed to true`);
      result = { directive: local };
    } else if (local === 'Expires') {
      result = { directive: 'expires', expires: parseUint(value, cwhere, U32) };
    } else {
      throw new MalformedError(cwhere, 'structure', `unknown Cache-Control directive ${local}`);
    }
  }
  if (result === undefined) throw new MalformedError(where, 'structure', 'Cache-Control without a directive');
  return extensionAttributes.length > 0 ? { ...result, extensionAttributes } : result;
}

function parseAlternateContentLocations(node: FxNode, name: string, scope: Scope, where: string): AlternateContentLocations {
  const attrs = node[ATTRS] as Attrs | undefined;
  let availabilityTime: string | undefined;
  const extensionAttributes: XmlAttribute[] = [];
  if (attrs !== undefined) {
    for (const key in attrs) {
      if (isNamespaceDeclaration(key)) continue;
      const field = `${where}@${key}`;
      const { ns, local } = resolveName(scope, key, true, field);
      if (ns === '' && local === 'Availability-Time') availabilityTime = trimXml(attributeValue(attrs[key]!, field));
      else extensionAttributes.push(extensionAttribute(ns, local, attrs[key]!, field));
    }
  }
  const locations: string[] = [];
  for (const c of node[name] as FxNode[]) {
    const cname = nodeName(c);
    if (cname === TEXT) {
      if (!isWhitespace(c[TEXT] as string)) throw new MalformedError(where, 'structure', 'text outside Alternate-Content-Location');
      continue;
    }
    const cwhere = `${where}/${cname}`;
    const cscope = enterScope(scope, c[ATTRS] as Attrs | undefined, cwhere);
    const { local } = resolveName(cscope, cname, false, cwhere);
    if (local !== 'Alternate-Content-Location') throw new MalformedError(cwhere, 'structure', `unexpected element ${local}`);
    locations.push(simpleText(c[cname] as FxNode[], cwhere));
  }
  const out: { availabilityTime?: string; locations: string[]; extensionAttributes?: XmlAttribute[] } = { locations };
  if (availabilityTime !== undefined) out.availabilityTime = availabilityTime;
  if (extensionAttributes.length > 0) out.extensionAttributes = extensionAttributes;
  return out;
}

// ---- File ----
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function parseFile(node: FxNode, scope: Scope, fdtNs: string, instanceEncodingId: number | undefined, index: number): FdtFile {
  const where = `File[${index}]`;
  const attrs = node[ATTRS] as Attrs | undefined;
  const file: Partial<Mutable<FdtFile>> = {};
  const oti: MutableOti = {};
  const ssi: { raw?: string } = {};
  const extensionAttributes: XmlAttribute[] = [];
  if (attrs !== undefined) {
    for (const key in attrs) {
      const raw = attrs[key]!;
      const colon = key.indexOf(':');
      if (colon === -1) {
        const field = `${where}@${key}`;
        switch (key) {
          case 'Content-Location': file.contentLocation = attributeValue(raw, field); continue;
          case 'TOI': file.toi = parseToi(raw, field); continue;
          case 'Content-Length': file.contentLength = parseUint(raw, field, MAX_TRANSFER_LENGTH); continue;
          case 'Transfer-Length': file.transferLength = parseUint(raw, field, MAX_TRANSFER_LENGTH); continue;
          case 'Content-Type': file.contentType = attributeValue(raw, field); continue;
          case 'Content-Encoding': file.contentEncoding = attributeValue(raw, field); continue;
          case 'Content-MD5': file.contentMd5 = parseBase64(raw, field, 16); continue;
          case 'xmlns': continue;
          default:
            if (readOtiAttribute(oti, key, raw, field, ssi)) continue;
            // Unprefixed spellings of the 3GPP attributes, as some senders write them.
            if (readFile3gppAttribute(file, key, raw, field)) continue;
            extensionAttributes.push(extensionAttribute('', key, raw, field));
        }
        continue;
      }
      if (isNamespaceDeclaration(key)) continue;
      const field = `${where}@${key}`;
      const { ns, local } = resolveName(scope, key, true, field);
      if (
        (ns === MBMS_NS_2009 && local === 'Decryption-KEY-URI') ||
        (ns === MBMS_NS_2012 && (local === 'FEC-Redundancy-Level' || local === 'File-ETag')) ||
        (ns === MBMS_NS_2015 && local === 'IndependentUnitPositions')
      ) {
        readFile3gppAttribute(file, local, raw, field);
      } else {
        extensionAttributes.push(extensionAttribute(ns, local, raw, field));
      }
    }
  }
  if (file.contentLocation === undefined) throw new MalformedError(`${where}@Content-Location`, 'missing', 'required attribute Content-Location is missing');
  if (file.toi === undefined) throw new MalformedError(`${where}@TOI`, 'missing', 'required attribute TOI is missing');
  const fecOti = finishOti(oti, ssi.raw, oti.encodingId ?? instanceEncodingId, where);
  if (fecOti !== undefined) file.fecOti = fecOti;

  const extensionElements: XmlElement[] = [];
  for (const c of node[nodeName(node)] as FxNode[]) {
    const cname = nodeName(c);
    if (cname === TEXT || cname === CDATA) continue;
    const cwhere = `${where}/${cname}`;
    const cscope = enterScope(scope, c[ATTRS] as Attrs | undefined, cwhere);
    const { ns, local } = resolveName(cscope, cname, false, cwhere);
    if (ns === MBMS_NS_2007 && local === 'Cache-Control') {
      if (file.cacheControl !== undefined) throw new MalformedError(cwhere, 'structure', 'more than one Cache-Control');
      file.cacheControl = parseCacheControl(c, cname, cscope, cwhere);
    } else if (ns === SCHEMA_VERSION_NS && local === 'delimiter') {
      parseUint(simpleText(c[cname] as FxNode[], cwhere), cwhere, 0x7f);
    } else if (ns === MBMS_NS_2012 && (local === 'Alternate-Content-Location-1' || local === 'Alternate-Content-Location-2')) {
      const acl = parseAlternateContentLocations(c, cname, cscope, cwhere);
      if (local === 'Alternate-Content-Location-1') ((file.alternateContentLocations1 ??= []) as AlternateContentLocations[]).push(acl);
      else ((file.alternateContentLocations2 ??= []) as AlternateContentLocations[]).push(acl);
    } else if ((ns === fdtNs || ns === MBMS_NS_2005) && local === 'Group') {
      ((file.groups ??= []) as string[]).push(simpleText(c[cname] as FxNode[], cwhere));
    } else if ((ns === fdtNs || ns === MBMS_NS_2005) && local === 'MBMS-Session-Identity') {
      ((file.sessionIdentities ??= []) as number[]).push(parseUint(simpleText(c[cname] as FxNode[], cwhere), cwhere, U8));
    } else {
      extensionElements.push(extensionElement(c, cname, ns, local, cscope, cwhere));
    }
  }
  if (extensionAttributes.length > 0) file.extensionAttributes = extensionAttributes;
  if (extensionElements.length > 0) file.extensionElements = extensionElements;
  return file as FdtFile;
}

function readFile3gppAttribute(file: Partial<Mutable<FdtFile>>, local: string, raw: string, field: string): boolean {
  switch (local) {
    case 'Decryption-KEY-URI': file.decryptionKeyUri = attributeValue(raw, field); return true;
    case 'FEC-Redundancy-Level': file.fecRedundancyLevel = parseUint(raw, field, U32); return true;
    case 'File-ETag': file.fileETag = attributeValue(raw, field); return true;
    case 'IndependentUnitPositions': {
      const value = trimXml(attributeValue(raw, field));
      file.independentUnitPositions = value === '' ? [] : value.split(/[ \t\n\r]+/).map((v) => parseUint(v, field, MAX_TRANSFER_LENGTH));
      return true;
    }
    default:
      return false;
  }
}

// ---- FDT-Instance ----
const FDT_NAMESPACES = new Set([FDT_NS_RFC6726, FDT_NS_2005, '']);

function findRoot(tree: FxNode[]): FxNode {
  for (const node of tree) {
    const name = nodeName(node);
    if (name !== TEXT && name !== CDATA) return node;
  }
  throw new MalformedError('document', 'xml', 'no root element');
}

function decodeText(xml: string | Uint8Array, limits: FdtLimits): string {
  if (typeof xml === 'string') {
    if (xml.length > limits.maxBytes) throw new MalformedError('document', 'limit', `input of ${xml.length} characters exceeds the limit of ${limits.maxBytes}`);
    return xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  }
  if (!(xml instanceof Uint8Array)) throw new TypeError('parseFdt expects a string or a Uint8Array');
  if (xml.byteLength > limits.maxBytes) throw new MalformedError('document', 'limit', `input of ${xml.byteLength} bytes exceeds the limit of ${limits.maxBytes}`);
  let text: string;
  try {
    utf8 ??= new TextDecoderCtor('utf-8', { fatal: true });
    text = utf8.decode(xml);
  } catch {
    throw new MalformedError('document', 'encoding', 'not valid UTF-8');
  }
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    const m = /\sencoding\s*=\s*["']([^"']*)["']/.exec(text.slice(0, end === -1 ? 200 : end));
    if (m !== null && !/^(utf-8|utf8|us-ascii|ascii)$/i.test(m[1]!)) {
      throw new MalformedError('document', 'encoding', `declared encoding ${m[1]!.slice(0, 20)} is not supported (FDTs are UTF-8)`);
    }
  }
  return text;
}

/**
 * Parses an FDT instance. Accepts the RFC 6726 namespace, the 2005 FLUTE namespace and no
 * namespace; prefixes are resolved, so the 3GPP extensions are recognised by namespace URI
 * whatever prefix a sender picks. Attributes and elements the model has no field for are kept in
 * `extensionAttributes` / `extensionElements`.
 *
 * Throws TruncatedError when the document ends early and MalformedError (with `field` and
 * `reason`) for anything else: not XML, DOCTYPE present, limits exceeded, a required attribute
 * missing, a malformed number. Nothing else escapes.
 */
export function parseFdt(xml: string | Uint8Array, options?: ParseFdtOptions): FdtInstance {
  const limits = resolveLimits(options);
  const text = decodeText(xml, limits);
  scanXml(text, limits);
  let tree: FxNode[];
  try {
    tree = xmlParser(limits.maxDepth).parse(text) as FxNode[];
  } catch (e) {
    throw new MalformedError('document', 'xml', e instanceof Error ? e.message : String(e));
  }
  const root = findRoot(tree);
  const rootName = nodeName(root);
  const attrs = root[ATTRS] as Attrs | undefined;
  const scope = enterScope(ROOT_SCOPE, attrs, 'FDT-Instance');
  const { ns: fdtNs, local } = resolveName(scope, rootName, false, 'FDT-Instance');
  if (local !== 'FDT-Instance') throw new MalformedError(rootName, 'structure', `root element is ${local}, not FDT-Instance`);
  if (!FDT_NAMESPACES.has(fdtNs)) throw new MalformedError('FDT-Instance', 'namespace', `namespace ${fdtNs.slice(0, 80)} is not a FLUTE FDT namespace`);

  const where = 'FDT-Instance';
  const instance: Partial<Mutable<FdtInstance>> = {};
  const oti: MutableOti = {};
  const ssi: { raw?: string } = {};
  const extensionAttributes: XmlAttribute[] = [];
  if (attrs !== undefined) {
    for (const key in attrs) {
      const raw = attrs[key]!;
      if (isNamespaceDeclaration(key)) continue;
      const field = `${where}@${key}`;
      const { ns, local: name } = resolveName(scope, key, true, field);
      if (ns === '') {
        switch (name) {
          case 'Expires': instance.expires = parseUint(raw, field, U32); continue;
          case 'Complete': instance.complete = parseBoolean(raw, field); continue;
          case 'Content-Type': instance.contentType = attributeValue(raw, field); continue;
          case 'Content-Encoding': instance.contentEncoding = attributeValue(raw, field); continue;
          case 'FullFDT': instance.fullFdt = parseBoolean(raw, field); continue;
          default:
            if (readOtiAttribute(oti, name, raw, field, ssi)) continue;
        }
      } else if (ns === MBMS_NS_2008 && name === 'FullFDT') {
        instance.fullFdt = parseBoolean(raw, field);
        continue;
      }
      extensionAttributes.push(extensionAttribute(ns, name, raw, field));
    }
  }
  if (instance.expires === undefined) throw new MalformedError(`${where}@Expires`, 'missing', 'required attribute Expires is missing');
  const fecOti = finishOti(oti, ssi.raw, oti.encodingId, where);
  if (fecOti !== undefined) instance.fecOti = fecOti;

  const files: FdtFile[] = [];
  const extensionElements: XmlElement[] = [];
  for (const c of root[rootName] as FxNode[]) {
    const cname = nodeName(c);
    if (cname === TEXT || cname === CDATA) continue;
    const cattrs = c[ATTRS] as Attrs | undefined;
    const cscope = enterScope(scope, cattrs, cname);
    // Fast path: an unprefixed File under the FDT default namespace.
    if (cname === 'File' && cscope.defaultNs === fdtNs) {
      files.push(parseFile(c, cscope, fdtNs, oti.encodingId, files.length));
      continue;
    }
    const cwhere = `${where}/${cname}`;
    const { ns, local: name } = resolveName(cscope, cname, false, cwhere);
    if (ns === fdtNs && name === 'File') {
      files.push(parseFile(c, cscope, fdtNs, oti.encodingId, files.length));
    } else if (ns === SCHEMA_VERSION_NS && name === 'schemaVersion') {
      if (instance.schemaVersion !== undefined) throw new MalformedError(cwhere, 'structure', 'more than one schemaVersion');
      instance.schemaVersion = parseUint(simpleText(c[cname] as FxNode[], cwhere), cwhere, U32);
    } else if (ns === SCHEMA_VERSION_NS && name === 'delimiter') {
      parseUint(simpleText(c[cname] as FxNode[], cwhere), cwhere, 0x7f);
    } else if (ns === MBMS_NS_2012 && name === 'Base-URL-1') {
      ((instance.baseUrls1 ??= []) as string[]).push(simpleText(c[cname] as FxNode[], cwhere));
    } else if (ns === MBMS_NS_2012 && name === 'Base-URL-2') {
      ((instance.baseUrls2 ??= []) as string[]).push(simpleText(c[cname] as FxNode[], cwhere));
    } else if ((ns === fdtNs || ns === MBMS_NS_2005) && name === 'Group') {
      ((instance.groups ??= []) as string[]).push(simpleText(c[cname] as FxNode[], cwhere));
    } else if ((ns === fdtNs || ns === MBMS_NS_2005) && name === 'MBMS-Session-Identity-Expiry') {
      ((instance.sessionIdentityExpiries ??= []) as SessionIdentityExpiry[]).push(parseSessionIdentityExpiry(c, cname, cscope, cwhere));
    } else {
      extensionElements.push(extensionElement(c, cname, ns, name, cscope, cwhere));
    }
  }
  instance.schemaVersion ??= DEFAULT_SCHEMA_VERSION;
  instance.files = files;
  if (extensionAttributes.length > 0) instance.extensionAttributes = extensionAttributes;
  if (extensionElements.length > 0) instance.extensionElements = extensionElements;
  return instance as FdtInstance;
}

function parseSessionIdentityExpiry(node: FxNode, name: string, scope: Scope, where: string): SessionIdentityExpiry {
  if (childElements(node[name] as FxNode[]) > 0) throw new MalformedError(where, 'structure', 'unexpected child element');
  const attrs = node[ATTRS] as Attrs | undefined;
  let expires: number | undefined;
  if (attrs !== undefined) {
    for (const key in attrs) {
      if (isNamespaceDeclaration(key)) continue;
      const { ns, local } = resolveName(scope, key, true, `${where}@${key}`);
      if (ns === '' && local === 'value') expires = parseUint(attrs[key]!, `${where}@value`, U32);
    }
  }
  if (expires === undefined) throw new MalformedError(`${where}@value`, 'missing', 'required attribute value is missing');
  return { sessionIdentity: parseUint(simpleText(node[name] as FxNode[], where), where, U8), expires };
}
