import type * as fc from 'fast-check';

/**
 * One fuzz target: a fast-check property over generated inputs. A target file is
 * `<package>/fuzz/<name>.fuzz.ts` with `export default defineFuzzTarget({...})`; the runner finds it.
 */
export interface FuzzTarget {
  /** Unique name, used on the command line: `pnpm fuzz <name>`. */
  readonly name: string;
  /** One line saying what is checked. */
  readonly description: string;
  /** Builds the property (called once per run batch). */
  readonly property: () => fc.IRawProperty<never, false>;
}

/** Identity helper that types a target file's default export. */
export function defineFuzzTarget<Ts>(target: {
  readonly name: string;
  readonly description: string;
  readonly property: () => fc.IRawProperty<Ts, false>;
}): FuzzTarget {
  return target as unknown as FuzzTarget;
}
