import { describe, expect, it } from 'vitest';
import { FDT_NS_2005, MalformedError, MBMS_NS_2008, parseFdt } from '../src/index.js';

const FILE = '<File Content-Location="a" TOI="1"/>';

function errorOf(fn: () => unknown): MalformedError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MalformedError) return e;
    throw e;
  }
  throw new Error('expected a MalformedError');
}

describe('namespace-aware parsing', () => {
  it('accepts the RFC 6726 namespace, the 2005 namespace and no namespace', () => {
    for (const ns of ['urn:ietf:params:xml:ns:fdt', 'urn:IETF:metadata:2005:FLUTE:FDT', '']) {
      const decl = ns === '' ? '' : ` xmlns="${ns}"`;
      const fdt = parseFdt(`<FDT-Instance${decl} Expires="5">${FILE}</FDT-Instance>`);
      expect(fdt.files).toHaveLength(1);
    }
  });

  it('resolves prefixes rather than matching their text', () => {
    const fdt = parseFdt(
      `<q:FDT-Instance xmlns:q="${FDT_NS_2005}" xmlns:foo="${MBMS_NS_2008}" Expires="5" foo:FullFDT="true"><q:File Content-Location="a" TOI="1"/></q:FDT-Instance>`,
    );
    expect(fdt.fullFdt).toBe(true);
    expect(fdt.files).toHaveLength(1);
  });

  it('does not understand mbms2008:FullFDT when mbms2008 is bound to another namespace', () => {
    const fdt = parseFdt(`<FDT-Instance xmlns:mbms2008="urn:example:other" Expires="5" mbms2008:FullFDT="true">${FILE}</FDT-Instance>`);
    expect(fdt.fullFdt).toBeUndefined();
    expect(fdt.extensionAttributes).toEqual([{ namespace: 'urn:example:other', name: 'FullFDT', value: 'true' }]);
  });

  it('treats a File in another namespace as an extension element, not a File', () => {
    const fdt = parseFdt(`<FDT-Instance xmlns="${FDT_NS_2005}" xmlns:o="urn:example:o" Expires="5"><o:File Content-Location="a" TOI="1"/></FDT-Instance>`);
    expect(fdt.files).toEqual([]);
    expect(fdt.extensionElements![0]).toMatchObject({ namespace: 'urn:example:o', name: 'File' });
  });

  it('honours a redeclared default namespace on a child', () => {
    const fdt = parseFdt(`<FDT-Instance xmlns="${FDT_NS_2005}" Expires="5"><File xmlns="urn:example:o" Content-Location="a" TOI="1"/>${FILE}</FDT-Instance>`);
    expect(fdt.files).toHaveLength(1);
    expect(fdt.extensionElements![0]).toMatchObject({ namespace: 'urn:example:o', name: 'File' });
  });

  it('refuses other root namespaces, other roots and undeclared prefixes', () => {
    expect(errorOf(() => parseFdt(`<FDT-Instance xmlns="urn:example:fdt" Expires="5">${FILE}</FDT-Instance>`)).reason).toBe('namespace');
    expect(errorOf(() => parseFdt(`<FDT Expires="5">${FILE}</FDT>`)).reason).toBe('structure');
    expect(errorOf(() => parseFdt(`<x:FDT-Instance Expires="5">${FILE}</x:FDT-Instance>`)).reason).toBe('namespace');
    expect(errorOf(() => parseFdt(`<FDT-Instance Expires="5" y:z="1">${FILE}</FDT-Instance>`)).reason).toBe('namespace');
    expect(errorOf(() => parseFdt(`<FDT-Instance xmlns:p="" Expires="5">${FILE}</FDT-Instance>`)).reason).toBe('namespace');
  });

  it('reads the unprefixed spellings of the 3GPP attributes some senders write', () => {
    const fdt = parseFdt(`<FDT-Instance Expires="5" FullFDT="false"><File Content-Location="a" TOI="1" File-ETag="e" IndependentUnitPositions=" 1 2  3 "/></FDT-Instance>`);
    expect(fdt.fullFdt).toBe(false);
    expect(fdt.files[0]).toMatchObject({ fileETag: 'e', independentUnitPositions: [1, 2, 3] });
  });
});
