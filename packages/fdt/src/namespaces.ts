// XML namespaces of the FDT: RFC 6726 §3.4.2, the 2005 FLUTE namespace that 3GPP TS 26.346 §7.2.10,
// DVB, GPAC and ypo/flute write, and the 3GPP extension namespaces.

/** RFC 6726 §3.4.2 target namespace. */
export const FDT_NS_RFC6726 = 'urn:ietf:params:xml:ns:fdt';
/** The pre-RFC 6726 namespace used by 3GPP TS 26.346 and by most deployed senders. */
export const FDT_NS_2005 = 'urn:IETF:metadata:2005:FLUTE:FDT';
/** 3GPP 2005 extensions: Group, MBMS-Session-Identity(-Expiry). */
export const MBMS_NS_2005 = 'urn:3GPP:metadata:2005:MBMS:FLUTE:FDT';
/** 3GPP 2007 extensions: Cache-Control. */
export const MBMS_NS_2007 = 'urn:3GPP:metadata:2007:MBMS:FLUTE:FDT';
/** 3GPP 2008 extensions: FullFDT. */
export const MBMS_NS_2008 = 'urn:3GPP:metadata:2008:MBMS:FLUTE:FDT_ext';
/** 3GPP 2009 extensions: Decryption-KEY-URI. */
export const MBMS_NS_2009 = 'urn:3GPP:metadata:2009:MBMS:FLUTE:FDT_ext';
/** 3GPP 2012 extensions: Base-URL, Alternate-Content-Location, FEC-Redundancy-Level, File-ETag. */
export const MBMS_NS_2012 = 'urn:3GPP:metadata:2012:MBMS:FLUTE:FDT';
/** 3GPP 2015 extensions: IndependentUnitPositions. */
export const MBMS_NS_2015 = 'urn:3GPP:metadata:2015:MBMS:FLUTE:FDT';
/** 3GPP schema version and delimiter elements. */
export const SCHEMA_VERSION_NS = 'urn:3gpp:metadata:2009:MBMS:schemaVersion';
/** XML Schema instance (xsi:schemaLocation). */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** The namespace the `xml` prefix is bound to by definition. */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/**
 * Prefixes the builder uses for the namespaces it knows, in the order it declares them.
 * Other namespaces get `ns1`, `ns2`, ... in order of first use.
 */
export const CANONICAL_PREFIXES: ReadonlyArray<readonly [prefix: string, uri: string]> = [
  ['xsi', XSI_NS],
  ['mbms2005', MBMS_NS_2005],
  ['mbms2007', MBMS_NS_2007],
  ['mbms2008', MBMS_NS_2008],
  ['mbms2009', MBMS_NS_2009],
  ['mbms2012', MBMS_NS_2012],
  ['mbms2015', MBMS_NS_2015],
  ['sv', SCHEMA_VERSION_NS],
];
