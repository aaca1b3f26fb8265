/// <reference types="node" />
/**
 * Files and folders as FLUTE objects: each file gets a Content-Location (its name, or its path
 * inside a folder given on the command line, `/`-separated and percent-encoded), a Content-Type from
 * its extension, and a source read block by block.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { ObjectOptions } from '../sender/options.js';
import { fileSource } from './file-source.js';

/** A file to send. */
export interface FileEntry {
  /** Absolute path. */
  readonly path: string;
  /** Content-Location (relative, percent-encoded segments). */
  readonly contentLocation: string;
  readonly size: number;
  readonly contentType: string;
}

const TYPES: Record<string, string> = {
  '.bin': 'application/octet-stream',
  '.css': 'text/css',
  '.csv': 'text/csv',
  '.gif': 'image/gif',
  '.gz': 'application/gzip',
  '.htm': 'text/html',
  '.html': 'text/html',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.mpd': 'application/dash+xml',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'video/mp2t',
  '.txt': 'text/plain',
  '.webp': 'image/webp',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
};

/** A Content-Type for a file name, from its extension (application/octet-stream when unknown). */
export function contentTypeOf(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** Content-Location for path segments: each percent-encoded, joined by `/`. */
export function contentLocationOf(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

async function walk(dir: string, prefix: readonly string[], out: FileEntry[], depth: number): Promise<void> {
  if (depth > 32) throw new RangeError(`${dir}: folders nested deeper than 32 levels`);
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path);
    if (info.isDirectory()) {
      // A symbolic link to a folder could loop: only real folders are walked.
      if ((await lstat(path)).isSymbolicLink()) continue;
      await walk(path, [...prefix, name], out, depth + 1);
    } else if (info.isFile()) {
      out.push({ path, contentLocation: contentLocationOf([...prefix, name]), size: info.size, contentType: contentTypeOf(name) });
    }
  }
}

/**
 * The files named by `paths`, in order: a file as itself (Content-Location = its name), a folder as
 * every regular file below it, sorted (Content-Location = the path inside the folder).
 * @throws Error (with the path) when a path does not exist; RangeError when two files would share a Content-Location.
 */
export async function collectFiles(paths: readonly string[]): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const p of paths) {
    const path = resolve(p);
    const info = await stat(path);
    if (info.isDirectory()) await walk(path, [], out, 0);
    else if (info.isFile()) out.push({ path, contentLocation: contentLocationOf([basename(path)]), size: info.size, contentType: contentTypeOf(path) });
    else throw new RangeError(`${p} is neither a file nor a folder`);
  }
  const seen = new Map<string, string>();
  for (const f of out) {
    const other = seen.get(f.contentLocation);
    if (other !== undefined) throw new RangeError(`${other} and ${f.path} would both be sent as ${f.contentLocation}`);
    seen.set(f.contentLocation, f.path);
  }
  return out;
}

/** Object options for a file: its source, Content-Location and Content-Type, merged with `options`. */
export function fileObject(file: FileEntry, options: Omit<ObjectOptions, 'source' | 'contentLocation'> = {}): ObjectOptions {
  return { contentType: file.contentType, ...options, contentLocation: file.contentLocation, source: fileSource(file.path) };
}
