// Acceptance check 2: FDTs built in the 2005/3GPP flavour validate against the 3GPP schema with
// xmllint (libxml2-utils). Fails, rather than skips, when xmllint is missing and CI is set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFdt, parseFdt, type FdtInstance } from '../src/index.js';
import { fdtInstance } from './arbitraries.js';
import { sharedUrl, vector } from './helpers.js';

const SCHEMA = fileURLToPath(sharedUrl('fixtures/fdt-xsd/FLUTE-FDT-3GPP-Main.xsd'));
const haveXmllint = spawnSync('xmllint', ['--version']).status === 0;
const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';

/** Validates documents with one xmllint run; returns its exit status and output. */
function xmllint(documents: readonly string[]): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fdt-xmllint-'));
  try {
    const files = documents.map((doc, i) => {
      const path = join(dir, `fdt-${i}.xml`);
      writeFileSync(path, doc);
      return path;
    });
    const r = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, ...files], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!haveXmllint && !inCi)('3GPP flavour validates with xmllint --schema FLUTE-FDT-3GPP-Main.xsd', () => {
  it('xmllint is installed (.ci/run installs libxml2-utils)', () => {
    expect(haveXmllint, 'xmllint not found: install libxml2-utils').toBe(true);
  });

  it('the vectors, rebuilt compact and pretty', () => {
    const gpacStyle: FdtInstance = {
      expires: 4294944000,
      files: [
        { contentLocation: '/hello.txt', toi: 32767n, contentLength: 42, transferLength: 42, contentType: 'video/mp4', fecOti: { encodingId: 0, maxSourceBlockLength: 65535, encodingSymbolLength: 1416 } },
      ],
    };
    const everything = parseFdt(vector('3gpp-all-extensions.xml'));
    // libxml2 refuses integers of more than 24 digits, so the 2^112 - 1 TOI is brought down to 2^64 - 1 here.
    const everythingValid: FdtInstance = { ...everything, files: everything.files.map((f, i) => (i === 0 ? { ...f, toi: (1n << 64n) - 1n } : f)) };
    const models = [parseFdt(vector('ypo-flute.xml')), parseFdt(vector('rfc6726-example-1.xml')), parseFdt(vector('rfc6726-example-2.xml')), everythingValid, gpacStyle];
    const docs = models.flatMap((m) => [buildFdt(m), buildFdt(m, { pretty: true }), buildFdt(m, { repeatFecOti: false })]);
    const r = xmllint(docs);
    expect(r.output).not.toContain('fails to validate');
    expect(r.status, r.output).toBe(0);
    expect(r.output.match(/ validates/g)).toHaveLength(docs.length);
  });

  it('the harness sees a failure: GPAC\'s own FDT lacks sv:schemaVersion and sv:delimiter', () => {
    const gpac =
      '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<FDT-Instance Expires="4294944000" xmlns="urn:IETF:metadata:2005:FLUTE:FDT">\n<File FEC-OTI-FEC-Encoding-ID="0" FEC-OTI-Maximum-Source-Block-Length="65535" Content-Length="42" Transfer-Length="42" Content-Location="/hello.txt" Content-Type="video/mp4" FEC-OTI-Encoding-Symbol-Length="1416" TOI="32767"/>\n</FDT-Instance>';
    const r = xmllint([gpac, buildFdt(parseFdt(gpac))]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('fdt-0.xml fails to validate');
    expect(r.output).toContain('fdt-1.xml validates');
  });

  it('random models from the schema-valid generator', () => {
    const models = fc.sample(fdtInstance({ schemaValid: true }), { numRuns: 40, seed: 0x5eed });
    const docs = models.map((m, i) => buildFdt(m, { pretty: i % 2 === 0 }));
    const r = xmllint(docs);
    expect(r.status, r.output).toBe(0);
    expect(r.output.match(/ validates/g)).toHaveLength(docs.length);
  });
});
