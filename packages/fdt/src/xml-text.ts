// Character data in and out: resolving references on parse, escaping on build.

import { MalformedError } from './errors.js';

/** Characters XML 1.0 forbids even as references, and unpaired surrogates. */
export const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** XML whitespace (XML 1.0 §2.3 S): space, tab, CR, LF. */
export function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

const NEEDS_ATTRIBUTE_WORK = /[&\t\n\r]/;
const WHITESPACE_CHARS = /[\t\n\r]/g;

function isXmlChar(cp: number): boolean {
  return cp === 0x09 || cp === 0x0a || cp === 0x0d || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function resolveReferences(raw: string, field: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const amp = raw.indexOf('&', from);
    if (amp === -1) break;
    const semi = raw.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 12) throw new MalformedError(field, 'entity', 'unterminated reference');
    const ref = raw.slice(amp + 1, semi);
    let ch: string;
    switch (ref) {
      case 'amp': ch = '&'; break;
      case 'lt': ch = '<'; break;
      case 'gt': ch = '>'; break;
      case 'quot': ch = '"'; break;
      case 'apos': ch = "'"; break;
      default: {
        const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
        if (m === null) throw new MalformedError(field, 'entity', `unknown entity &${ref.slice(0, 12)};`);
        const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
        if (!isXmlChar(cp)) throw new MalformedError(field, 'entity', `character reference &${ref}; is not an XML character`);
        ch = String.fromCodePoint(cp);
      }
    }
    out += raw.slice(from, amp) + ch;
    from = semi + 1;
  }
  return from === 0 ? raw : out + raw.slice(from);
}

/**
 * An attribute value as an XML processor reports it (XML 1.0 §3.3.3): literal tab, newline and
 * carriage return become spaces, then references are resolved. Only the five predefined entities
 * and character references exist: there is no DTD.
 */
export function attributeValue(raw: string, field: string): string {
  if (!NEEDS_ATTRIBUTE_WORK.test(raw)) return raw;
  return resolveReferences(raw.replace(WHITESPACE_CHARS, ' '), field);
}

/** Character data of an element, references resolved. */
export function textValue(raw: string, field: string): string {
  return raw.indexOf('&') === -1 ? raw : resolveReferences(raw, field);
}

// Escaping. Attribute values escape the characters that attribute-value normalisation would
// alter; text escapes leading and trailing whitespace too, so that parsers which trim text keep it.
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r]/g;
const TEXT_SPECIAL = /[&<>\r]/g;
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const escapeOne = (c: string): string => ESCAPES[c]!;

function checkChars(value: string, field: string): void {
  if (ILLEGAL_CHAR.test(value)) throw new RangeError(`${field} contains a character XML 1.0 cannot carry`);
}

export function escapeAttribute(value: string, field: string): string {
  checkChars(value, field);
  return value.replace(ATTRIBUTE_SPECIAL, escapeOne);
}

export function escapeText(value: string, field: string): string {
  checkChars(value, field);
  let body = value.replace(TEXT_SPECIAL, (c) => (c === '\r' ? '&#13;' : escapeOne(c)));
  // Keep leading and trailing whitespace as references so it survives trimming parsers.
  if (body.length > 0 && isXmlSpace(body.charCodeAt(0))) body = `&#${body.charCodeAt(0)};${body.slice(1)}`;
  if (body.length > 0 && isXmlSpace(body.charCodeAt(body.length - 1))) body = `${body.slice(0, -1)}&#${body.charCodeAt(body.length - 1)};`;
  return body;
}

/** XML NCName (Namespaces in XML 1.0 §3), the subset the builder writes and the parser keeps. */
export const NCNAME = /^[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][A-Za-z0-9_.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]*$/;
