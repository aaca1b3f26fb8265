import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The CLI runs as its own process from the built package (the root `pnpm test` builds first).
export const EFP_CLI = fileURLToPath(new URL('../dist/cli/efp.js', import.meta.url));

export interface Run {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exit: Promise<number | null>;
}

export function runCli(args: string[], input?: Uint8Array, timeoutMs = 60_000): Run {
  if (!existsSync(EFP_CLI)) throw new Error(`${EFP_CLI} is missing: build the package first (pnpm build)`);
  const child = spawn(process.execPath, [EFP_CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  if (input !== undefined) child.stdin!.end(input);
  else child.stdin!.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Resolves with the first match of `re` in the process's stderr. */
export async function waitForStderr(run: Run, re: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
  const start = Date.now();
  for (;;) {
    const m = re.exec(run.stderr());
    if (m !== null) return m;
    if (Date.now() - start > timeoutMs || run.child.exitCode !== null) throw new Error(`no ${re} in stderr: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface JsonFrame {
  sfn: number;
  size: number;
  stream: number;
  pts: string;
  dts: string;
  content: string;
  code: string;
  flags: string;
  broken: boolean;
  sha256: string;
}

export const lines = (text: string): JsonFrame[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JsonFrame);

