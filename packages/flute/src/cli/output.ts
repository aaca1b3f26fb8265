/// <reference types="node" />
// What the flute tool prints: progress bars on a terminal (cli-progress), one JSON object per line
// for scripts, or nothing (--quiet). Errors always go to stderr as one line.
import cliProgress from 'cli-progress';
import { formatBytes } from './args.js';

export type OutputMode = 'bars' | 'json' | 'quiet';

/** Bars on a terminal unless --json or --quiet; JSON lines when stderr is not a terminal. */
export function outputMode(json: boolean, quiet: boolean): OutputMode {
  if (quiet) return 'quiet';
  if (json || process.stderr.isTTY !== true) return 'json';
  return 'bars';
}

function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  return value;
}

/** One progress bar. */
export interface Bar {
  update(value: number, payload?: Record<string, string | number>): void;
  setTotal(total: number): void;
  remove(): void;
}

const NAME_WIDTH = 28;

function fit(name: string): string {
  return name.length > NAME_WIDTH ? `…${name.slice(-(NAME_WIDTH - 1))}` : name.padEnd(NAME_WIDTH);
}

/** A sliding-window rate: bytes per second over about the last two seconds. */
export class RateMeter {
  readonly #samples: { t: number; v: number }[] = [];
  sample(value: number, t = performance.now()): number {
    this.#samples.push({ t, v: value });
    while (this.#samples.length > 2 && t - this.#samples[1]!.t > 2000) this.#samples.shift();
    const first = this.#samples[0]!;
    return t > first.t ? ((value - first.v) * 1000) / (t - first.t) : 0;
  }
}

export class Output {
  readonly mode: OutputMode;
  readonly #multi: cliProgress.MultiBar | undefined;
  readonly #t0 = performance.now();

  constructor(mode: OutputMode) {
    this.mode = mode;
    if (mode === 'bars') {
      this.#multi = new cliProgress.MultiBar(
        {
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
          autopadding: true,
          barsize: 24,
          fps: 8,
          format: '{name} [{bar}] {percentage}% {done}/{size}',
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  /** A JSON line on stdout (json mode only): the event name, milliseconds since start, the fields. */
  json(event: string, fields: Record<string, unknown> = {}): void {
    if (this.mode === 'json') process.stdout.write(`${JSON.stringify({ event, ms: Math.round(performance.now() - this.#t0), ...fields }, jsonValue)}\n`);
  }

  /** A line for people (bars mode only), printed above the bars. */
  log(line: string): void {
    if (this.#multi !== undefined) this.#multi.log(`${line}\n`);
  }

  /** A bar (bars mode only; otherwise a bar that does nothing). `format` may use {name}, {done}, {size} and payload keys. */
  bar(name: string, total: number, format?: string, payload: Record<string, string | number> = {}): Bar {
    const multi = this.#multi;
    if (multi === undefined) return { update() {}, setTotal() {}, remove() {} };
    const fields = (value: number, t: number): Record<string, string | number> => ({ name: fit(name), done: formatBytes(Math.round(value)), size: formatBytes(t), ...payload });
    let t = Math.max(total, 0);
    const bar = multi.create(Math.max(t, 1), 0, fields(0, t), format === undefined ? {} : { format });
    return {
      update(value, extra) {
        Object.assign(payload, extra);
        bar.update(t === 0 ? 1 : value, fields(value, t));
      },
      setTotal(total) {
        t = total;
        bar.setTotal(Math.max(total, 1));
      },
      remove() {
        multi.remove(bar);
      },
    };
  }

  /** Stops drawing (the last frame stays on screen). */
  stop(): void {
    this.#multi?.stop();
  }

  /** One-line error on stderr (every mode), and an `error` event in json mode. */
  error(message: string): void {
    this.stop();
    this.json('error', { message });
    process.stderr.write(`flute: ${message}\n`);
  }
}
