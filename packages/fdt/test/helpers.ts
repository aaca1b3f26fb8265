import { readFileSync } from 'node:fs';

/** A vector of this package's test/vectors folder, as text. */
export function vector(name: string): string {
  return readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8');
}

/** A file of the shared folder beside the repository (`../shared`). */
export const sharedUrl = (path: string): URL => new URL(`../../../../shared/${path}`, import.meta.url);
