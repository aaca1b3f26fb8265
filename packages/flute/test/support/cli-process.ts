// Running the built `flute` command (dist/cli/flute.js) as separate processes in tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FLUTE = fileURLToPath(new URL('../../dist/cli/flute.js', import.meta.url));

export function requireBuild(): void {
  if (!existsSync(FLUTE)) throw new Error(`${FLUTE} is missing: build first (pnpm test builds every package before vitest)`);
}

export interface Run {
  readonly child: ChildProcess;
  /** JSON events printed so far (stdout lines). */
  readonly events: Record<string, unknown>[];
  stderr: string;
  stdout: string;
  /** Resolves with the exit code (or -1 when killed by the time limit). */
  readonly exit: Promise<number>;
  /** Resolves with the first event of this type. */
  waitFor(event: string): Promise<Record<string, unknown>>;
}

/** Starts `flute ...args`; it is killed after `limitMs` so no test waits for ever. */
export function flute(args: readonly string[], limitMs = 60_000, env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [FLUTE, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const waiters: { event: string; resolve: (e: Record<string, unknown>) => void }[] = [];
  const run: Run = {
    child,
    events: [],
    stderr: '',
    stdout: '',
    exit: new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve(code ?? -1);
      });
    }),
    waitFor(event) {
      const seen = run.events.find((e) => e['event'] === event);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ event, resolve });
        void run.exit.then((code) => reject(new Error(`flute ${args.join(' ')} exited (${code}) before "${event}": ${run.stderr}`)));
      });
    },
  };
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    run.stdout += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const e = JSON.parse(line) as Record<string, unknown>;
      run.events.push(e);
      for (const w of waiters.filter((x) => x.event === e['event'])) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  return run;
}
