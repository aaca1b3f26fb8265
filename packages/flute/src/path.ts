/**
 * Mapping an FDT Content-Location to a relative file path that stays inside an output folder,
 * whatever the sender wrote: absolute paths, `../` climbs, `file://` and other URLs, percent-encoded
 * separators and dots, backslashes, drive letters, NUL and control characters.
 */
import { MalformedError } from './errors.js';

/** Options of {@link contentLocationToPath}. */
export interface SafePathOptions {
  /** Keep the host of an absolute URL as the first folder (default false: path only). */
  readonly includeHost?: boolean;
  /** Longest accepted segment in UTF-16 code units (default 255). */
  readonly maxSegmentLength?: number;
  /** Most segments (default 32). */
  readonly maxDepth?: number;
}

function percentDecode(s: string): string {
  // Decodes valid UTF-8 percent sequences; leaves invalid ones as written.
  return s.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * The path segments for `contentLocation`, safe to join under an output folder. `.` and empty
 * segments are dropped, `..` removes the previous segment but never climbs above the folder,
 * both `/` and `\` separate, `:` becomes `_` (no drive letters or Windows streams).
 * @throws MalformedError when the location holds NUL or control characters, or leaves no file name.
 */
export function contentLocationToPath(contentLocation: string, options: SafePathOptions = {}): string[] {
  const maxSegment = options.maxSegmentLength ?? 255;
  const maxDepth = options.maxDepth ?? 32;
  let loc = contentLocation;
  let host = '';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(loc);
  if (scheme !== null && scheme[1]!.length > 1) {
    loc = loc.slice(scheme[0].length);
    if (loc.startsWith('//')) {
      const end = loc.slice(2).search(/[/\\?#]/);
      host = end < 0 ? loc.slice(2) : loc.slice(2, 2 + end);
      loc = end < 0 ? '' : loc.slice(2 + end);
    }
  }
  loc = loc.replace(/[?#].*$/s, '');
  const decoded = percentDecode(loc);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) throw new MalformedError('Content-Location', 'holds NUL or control characters', contentLocation);
  const out: string[] = [];
  if (options.includeHost === true && host !== '') out.push(percentDecode(host).replace(/[:\\/]/g, '_'));
  for (const raw of decoded.split(/[/\\]+/)) {
    const seg = raw.replace(/:/g, '_');
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > (options.includeHost === true && host !== '' ? 1 : 0)) out.pop();
      continue;
    }
    if (seg.length > maxSegment) throw new MalformedError('Content-Location', `has a segment longer than ${maxSegment} characters`, contentLocation);
    out.push(seg);
  }
  if (out.length === 0) throw new MalformedError('Content-Location', 'names no file', contentLocation);
  if (out.length > maxDepth) throw new MalformedError('Content-Location', `is deeper than ${maxDepth} segments`, contentLocation);
  return out;
}
