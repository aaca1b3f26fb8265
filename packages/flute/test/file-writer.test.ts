import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriter } from '@proto/flute/node';
import type { ObjectMeta } from '../src/writer.js';
import { MalformedError } from '../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'flute-writer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function meta(contentLocation: string, toi = 1n): ObjectMeta {
  return {
    session: '', tsi: 1n, toi, contentLocation, contentType: undefined, contentEncoding: undefined, contentLength: undefined,
    transferLength: 0, md5: undefined, etag: undefined, cacheControl: undefined, groups: [], fecEncodingId: 0,
  };
}

/** Every file under `dir`, relative. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

describe('FileWriter', () => {
  it('writes into a temporary file and renames it into place on complete', async () => {
    const out = join(root, 'a');
    const w = new FileWriter(out);
    const sink = w.open(meta('/dir/file.bin'));
    await sink.write(Uint8Array.of(1, 2, 3));
    await sink.write(Uint8Array.of(4, 5));
    expect(existsSync(join(out, 'dir/file.bin'))).toBe(false);
    expect(walk(out).some((f) => f.endsWith('.part'))).toBe(true);
    const r = await sink.complete();
    expect(r).toEqual({ path: join(out, 'dir/file.bin') });
    expect([...readFileSync(join(out, 'dir/file.bin'))]).toEqual([1, 2, 3, 4, 5]);
    expect(walk(out)).toEqual(['dir/file.bin']);
  });

  it('deletes the temporary file on abort', async () => {
    const out = join(root, 'b');
    const sink = new FileWriter(out).open(meta('x.bin'));
    await sink.write(new Uint8Array(1000));
    await sink.abort('md5 mismatch');
    expect(walk(out)).toEqual([]);
  });

  it('keeps every path inside the output folder', async () => {
    const out = join(root, 'c');
    const w = new FileWriter(out);
    const attempts = ['../../escape1', '/etc/escape2', 'file:///tmp/escape3', '%2e%2e/%2e%2e/escape4', '..\\..\\escape5', 'a/../../../escape6'];
    for (const [i, loc] of attempts.entries()) {
      const sink = w.open(meta(loc, BigInt(i + 1)));
      await sink.write(Uint8Array.of(i));
      await sink.complete();
    }
    expect(walk(out).sort()).toEqual(['escape1', 'escape4', 'escape5', 'escape6', 'etc/escape2', 'tmp/escape3']);
    expect(existsSync(join(root, 'escape1'))).toBe(false);
  });

  it('fails a NUL location, and one that goes through a planted symbolic link', async () => {
    const out = join(root, 'd');
    mkdirSync(out, { recursive: true });
    const outside = join(root, 'outside');
    mkdirSync(outside, { recursive: true });
    symlinkSync(outside, join(out, 'link'));
    const w = new FileWriter(out);
    expect(() => w.open(meta('a\u0000b'))).toThrow(MalformedError);
    expect(() => w.open(meta('a%00b'))).toThrow(MalformedError);
    const viaLink = w.open(meta('link/x.bin'));
    await expect(viaLink.write(Uint8Array.of(1))).rejects.toThrow(/outside/);
    await viaLink.abort('bad');
    expect(readdirSync(outside)).toEqual([]);
    // Deeper: no folder is created beyond the link either (mkdir -p through it used to).
    const deep = w.open(meta('link/a/b/x.bin', 2n));
    await expect(deep.write(Uint8Array.of(1))).rejects.toThrow(/outside/);
    await deep.abort('bad');
    expect(readdirSync(outside)).toEqual([]);
    // A link that stays inside the folder is followed.
    mkdirSync(join(out, 'real'));
    symlinkSync(join(out, 'real'), join(out, 'alias'));
    const ok = w.open(meta('alias/c/y.bin', 3n));
    await ok.write(Uint8Array.of(7));
    expect(await ok.complete()).toEqual({ path: join(out, 'real/c/y.bin') });
    expect([...readFileSync(join(out, 'real/c/y.bin'))]).toEqual([7]);
  });
});
