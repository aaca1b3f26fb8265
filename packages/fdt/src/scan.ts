// One pass over the FDT text before fast-xml-parser sees it. fast-xml-parser is lenient (it
// accepts mismatched or missing end tags, duplicate and unquoted attributes) and expands DOCTYPE
// entities; this scanner enforces XML well-formedness at the level the FDT needs and every limit,
// refusing DOCTYPE and entity declarations outright, so nothing is ever expanded.

import { MalformedError, TruncatedError } from './errors.js';
import type { FdtLimits } from './limits.js';
import { ILLEGAL_CHAR } from './xml-text.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;


// Character classes by table lookup: 1 = XML whitespace, 2 = other character ending a name.
const CLASS = new Uint8Array(128);
for (const c of [0x20, 0x0a, 0x09, 0x0d]) CLASS[c] = 1;
for (const c of [SLASH, GT, EQUALS, LT]) CLASS[c] = 2;

function isSpace(c: number): boolean {
  return c < 128 && CLASS[c] === 1;
}

/** True for whitespace, '/', '>', '=', '<' and past the end of the text (NaN). */
function isNameEnd(c: number): boolean {
  return c < 128 ? CLASS[c] !== 0 : c !== c;
}

function limit(field: string, what: string, max: number, offset: number): MalformedError {
  return new MalformedError(field, 'limit', `${what} exceeds the limit of ${max}`, offset);
}

/** XML 1.0 NameStartChar, approximated: a letter, '_', ':' or any non-ASCII character. */
function isNameStart(c: number): boolean {
  const lower = c | 0x20;
  return (lower >= 0x61 && lower <= 0x7a) || c === 0x5f || c === 0x3a || c >= 0xc0;
}

const SMALL_ATTRIBUTE_COUNT = 16;

function duplicate(text: string, a: number, alen: number): MalformedError {
  return new MalformedError('document', 'xml', `duplicate attribute ${text.slice(a, a + Math.min(alen, 64))}`, a);
}

function sameSpan(text: string, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

/**
 * Checks that `text` is a single well-formed XML element (with optional declaration, comments,
 * processing instructions and whitespace around it) within `limits`. Throws TruncatedError when
 * the text ends early and MalformedError otherwise.
 */
export function scanXml(text: string, limits: FdtLimits): void {
  const n = text.length;
  const bad = ILLEGAL_CHAR.exec(text);
  if (bad !== null) {
    throw new MalformedError('document', 'xml', `character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`, bad.index);
  }
  const { maxDepth, maxElements, maxAttributes, maxAttributeLength } = limits;
  const nameStart = new Int32Array(maxDepth + 1);
  const nameLength = new Int32Array(maxDepth + 1);
  const attrStart = new Int32Array(maxAttributes);
  const attrLength = new Int32Array(maxAttributes);
  let attrCount = 0;
  const manyNames = new Set<string>();
  let depth = 0;
  let elements = 0;
  let rootClosed = false;
  let i = 0;

  for (;;) {
    const lt = text.indexOf('<', i);
    const end = lt === -1 ? n : lt;
    if (end > i) {
      if (depth === 0) {
        for (let k = i; k < end; k++) {
          if (!isSpace(text.charCodeAt(k))) throw new MalformedError('document', 'xml', 'text outside the root element', k);
        }
      } else if (end - i > maxAttributeLength) {
        throw limit('document', 'text length', maxAttributeLength, i);
      }
    }
    if (lt === -1) break;
    const c = text.charCodeAt(lt + 1);

    if (c === BANG) {
      if (text.startsWith('<!--', lt)) {
        const close = text.indexOf('-->', lt + 4);
        if (close === -1) throw new TruncatedError('-->', n);
        i = close + 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        if (depth === 0) throw new MalformedError('document', 'xml', 'CDATA outside the root element', lt);
        const close = text.indexOf(']]>', lt + 9);
        if (close === -1) throw new TruncatedError(']]>', n);
        if (close - lt - 9 > maxAttributeLength) throw limit('document', 'CDATA length', maxAttributeLength, lt);
        i = close + 3;
      } else if (lt + 2 >= n) {
        throw new TruncatedError('markup', n);
      } else {
        const decl = /^<!([A-Z]+)/.exec(text.slice(lt, lt + 12));
        throw new MalformedError('document', 'doctype', `${decl === null ? 'markup declaration' : `<!${decl[1]}`} refused: DOCTYPE and entity declarations are not accepted`, lt);
      }
      continue;
    }

    if (c === QUESTION) {
      const close = text.indexOf('?>', lt + 2);
      if (close === -1) throw new TruncatedError('?>', n);
      let t = lt + 2;
      while (t < close && !isSpace(text.charCodeAt(t))) t++;
      const target = text.slice(lt + 2, t);
      if (target.length === 0) throw new MalformedError('document', 'xml', 'processing instruction without a target', lt);
      if (target.toLowerCase() === 'xml' && lt !== 0) throw new MalformedError('document', 'xml', 'XML declaration not at the start of the document', lt);
      i = close + 2;
      continue;
    }

    if (c === SLASH) {
      // End tag: must close the innermost open element.
      if (depth === 0) throw new MalformedError('document', 'xml', 'end tag without a start tag', lt);
      let p = lt + 2;
      while (p < n && !isNameEnd(text.charCodeAt(p))) p++;
      const len = p - lt - 2;
      const top = depth - 1;
      while (p < n && isSpace(text.charCodeAt(p))) p++;
      if (p >= n) throw new TruncatedError('>', n);
      if (text.charCodeAt(p) !== GT) throw new MalformedError('document', 'xml', 'malformed end tag', lt);
      if (len !== nameLength[top] || !sameSpan(text, lt + 2, nameStart[top]!, len)) {
        throw new MalformedError('document', 'xml', `end tag </${text.slice(lt + 2, lt + 2 + len)}> does not close <${text.slice(nameStart[top]!, nameStart[top]! + nameLength[top]!)}>`, lt);
      }
      depth--;
      if (depth === 0) rootClosed = true;
      i = p + 1;
      continue;
    }

    if (c !== c) throw new TruncatedError('tag name', n);

    // Start tag.
    if (rootClosed) throw new MalformedError('document', 'xml', 'more than one root element', lt);
    if (++elements > maxElements) throw limit('document', 'element count', maxElements, lt);
    let p = lt + 1;
    while (p < n && !isNameEnd(text.charCodeAt(p))) p++;
    const tagNameLength = p - lt - 1;
    if (p >= n) throw new TruncatedError('>', n);
    if (tagNameLength === 0 || !isNameStart(text.charCodeAt(lt + 1))) throw new MalformedError('document', 'xml', 'element without a valid name', lt);
    attrCount = 0;
    // '<' cannot occur inside an attribute value, so the next '<' (found once per tag) must lie
    // beyond every value of this tag.
    const nextLt = text.indexOf('<', p);
    let selfClosing = false;
    for (;;) {
      const before = p;
      while (p < n && isSpace(text.charCodeAt(p))) p++;
      if (p >= n) throw new TruncatedError('>', n);
      const ch = text.charCodeAt(p);
      if (ch === GT) {
        p++;
        break;
      }
      if (ch === SLASH) {
        if (p + 1 >= n) throw new TruncatedError('>', n);
        if (text.charCodeAt(p + 1) !== GT) throw new MalformedError('document', 'xml', 'malformed empty-element tag', p);
        selfClosing = true;
        p += 2;
        break;
      }
      if (p === before) throw new MalformedError('document', 'xml', 'attributes must be separated by whitespace', p);
      // Attribute name.
      const a = p;
      while (p < n && !isNameEnd(text.charCodeAt(p))) p++;
      const alen = p - a;
      if (alen === 0 || !isNameStart(text.charCodeAt(a))) throw new MalformedError('document', 'xml', 'attribute without a valid name', p);
      while (p < n && isSpace(text.charCodeAt(p))) p++;
      if (p >= n) throw new TruncatedError('=', n);
      if (text.charCodeAt(p) !== EQUALS) throw new MalformedError('document', 'xml', `attribute ${text.slice(a, a + alen)} has no value`, p);
      p++;
      while (p < n && isSpace(text.charCodeAt(p))) p++;
      if (p >= n) throw new TruncatedError('attribute value', n);
      const q = text.charCodeAt(p);
      if (q !== DQUOTE && q !== SQUOTE) throw new MalformedError('document', 'xml', `attribute ${text.slice(a, a + alen)} value is not quoted`, p);
      const close = text.indexOf(q === DQUOTE ? '"' : "'", p + 1);
      if (close === -1) {
        if (n - p - 1 > maxAttributeLength) throw limit(text.slice(a, a + Math.min(alen, 64)), 'attribute length', maxAttributeLength, p);
        throw new TruncatedError(q === DQUOTE ? '"' : "'", n);
      }
      if (close - p - 1 > maxAttributeLength) throw limit(text.slice(a, a + Math.min(alen, 64)), 'attribute length', maxAttributeLength, p);
      if (nextLt !== -1 && nextLt < close) throw new MalformedError('document', 'xml', `'<' in the value of attribute ${text.slice(a, a + alen)}`, nextLt);
      if (attrCount >= maxAttributes) throw limit('document', 'attributes per element', maxAttributes, a);
      // Duplicate check: pairwise for the usual handful of attributes, by set beyond that so a
      // hostile element with hundreds of attributes costs linear time.
      if (attrCount < SMALL_ATTRIBUTE_COUNT) {
        for (let k = 0; k < attrCount; k++) {
          if (attrLength[k] === alen && sameSpan(text, attrStart[k]!, a, alen)) throw duplicate(text, a, alen);
        }
      } else {
        if (attrCount === SMALL_ATTRIBUTE_COUNT) {
          manyNames.clear();
          for (let k = 0; k < attrCount; k++) manyNames.add(text.slice(attrStart[k]!, attrStart[k]! + attrLength[k]!));
        }
        const name = text.slice(a, a + alen);
        if (manyNames.has(name)) throw duplicate(text, a, alen);
        manyNames.add(name);
      }
      attrStart[attrCount] = a;
      attrLength[attrCount] = alen;
      attrCount++;
      p = close + 1;
    }
    if (depth >= maxDepth) throw limit('document', 'nesting depth', maxDepth, lt);
    if (!selfClosing) {
      nameStart[depth] = lt + 1;
      nameLength[depth] = tagNameLength;
      depth++;
    } else if (depth === 0) {
      rootClosed = true;
    }
    i = p;
  }
  if (depth > 0) {
    const top = depth - 1;
    throw new TruncatedError(`</${text.slice(nameStart[top]!, nameStart[top]! + nameLength[top]!)}>`, n);
  }
  if (!rootClosed) throw new TruncatedError('root element', n);
}
