/// <reference types="node" />
/**
 * Filesystem writer: each object is written, block by block as the receiver delivers it, into a
 * temporary file beside its destination; after the receiver has checked size and MD5 the file is
 * renamed into place, and on any failure it is deleted. Every destination stays inside the output
 * folder whatever Content-Location says (see `contentLocationToPath`), including through symbolic
 * links planted inside the folder.
 */
import { mkdir, open, realpath, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { contentLocationToPath, type SafePathOptions } from '../path.js';
import type { ObjectMeta, ObjectSink, ObjectWriter, SinkResult } from '../writer.js';

export interface FileWriterOptions extends SafePathOptions {
  /** Name the file after the TOI instead of Content-Location when the location is unusable (default false: fail). */
  readonly fallbackToToi?: boolean;
}

let counter = 0;

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Creates the folders of `relativeDir` under `root` one at a time and returns the real path of the
 * last. Each folder is resolved and checked before anything is created inside it, so a symbolic
 * link planted in the output folder cannot make us create folders outside it.
 */
async function mkdirInside(root: string, relativeDir: string): Promise<string> {
  let dir = root;
  for (const segment of relativeDir.split(sep)) {
    if (segment === '' || segment === '.') continue;
    const next = join(dir, segment);
    await mkdir(next).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    dir = await realpath(next);
    if (!inside(root, dir)) throw new Error(`destination folder ${dir} leads outside ${root}`);
  }
  return dir;
}

/** Writes objects under `outDir` (created if missing). */
export class FileWriter implements ObjectWriter {
  readonly outDir: string;
  readonly #options: FileWriterOptions;
  #root: Promise<string> | undefined;

  constructor(outDir: string, options: FileWriterOptions = {}) {
    this.outDir = resolve(outDir);
    this.#options = options;
  }

  /** The destination of an object, relative to the output folder, or an Error when none is safe. */
  destination(meta: Pick<ObjectMeta, 'contentLocation' | 'toi'>): string {
    try {
      return join(...contentLocationToPath(meta.contentLocation, this.#options));
    } catch (e) {
      if (this.#options.fallbackToToi === true) return `toi-${meta.toi}`;
      throw e;
    }
  }

  #realRoot(): Promise<string> {
    return (this.#root ??= mkdir(this.outDir, { recursive: true }).then(() => realpath(this.outDir)));
  }

  /** Throws MalformedError at once when Content-Location leaves no safe file name. */
  open(meta: ObjectMeta): ObjectSink {
    const relative = this.destination(meta);
    let handle: FileHandle | undefined;
    let temp: string | undefined;
    let final: string | undefined;
    let position = 0;
    // Every operation runs after the previous one: writes in order, then rename or unlink.
    let chain: Promise<void> = (async () => {
      const root = await this.#realRoot();
      if (!inside(root, join(root, relative))) throw new Error(`destination ${join(root, relative)} is outside ${root}`);
      const realDir = await mkdirInside(root, dirname(relative));
      final = join(realDir, basename(relative));
      temp = join(realDir, `.flute-${process.pid}-${++counter}.part`);
      handle = await open(temp, 'wx');
    })();
    let error: unknown;
    chain = chain.catch((e: unknown) => {
      error = e;
    });
    const step = (fn: () => Promise<void>): Promise<void> => {
      chain = chain.then(async () => {
        if (error === undefined) await fn();
      });
      chain = chain.catch((e: unknown) => {
        error = e;
      });
      return chain;
    };
    const cleanup = async (): Promise<void> => {
      await handle?.close().catch(() => {});
      handle = undefined;
      if (temp !== undefined) await unlink(temp).catch(() => {});
    };
    return {
      // Each write has copied its chunk into the file once its promise settles.
      keepsChunks: false,
      write(chunk: Uint8Array): Promise<void> {
        return step(async () => {
          let o = 0;
          while (o < chunk.length) {
            const { bytesWritten } = await handle!.write(chunk, o, chunk.length - o, position);
            o += bytesWritten;
            position += bytesWritten;
          }
        }).then(() => {
          if (error !== undefined) throw error;
        });
      },
      async complete(): Promise<SinkResult> {
        await step(async () => {
          await handle!.close();
          handle = undefined;
          await rename(temp!, final!);
          temp = undefined;
        });
        if (error !== undefined) {
          await cleanup();
          throw error;
        }
        return { path: final! };
      },
      async abort(): Promise<void> {
        await chain;
        await cleanup();
      },
    };
  }
}
