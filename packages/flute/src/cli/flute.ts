#!/usr/bin/env node
/// <reference types="node" />
// flute: send and receive files with FLUTE (RFC 6726) over UDP multicast or unicast.
import { UsageError } from './args.js';
import { RECEIVE_USAGE, receive } from './receive.js';
import { SEND_USAGE, send } from './send.js';

const USAGE = `flute: file delivery over UDP multicast with FLUTE (RFC 6726)

Usage:
  flute send [options] <file or folder>...     send files as one FLUTE session
  flute receive --out DIR [options]            receive files into a folder
  flute <command> --help                       the options of a command

Examples:
  flute receive -g 239.255.0.1:4000 -i 127.0.0.1 -o inbox --once &
  flute send -g 239.255.0.1:4000 -i 127.0.0.1 --ttl 1 --fec raptorq --repair 15% files/
`;

/** Runs the tool on `argv` (without node and the script) and returns the exit code. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'send':
        return await send(rest);
      case 'receive':
      case 'recv':
        return await receive(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n${SEND_USAGE}\n${RECEIVE_USAGE}`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (expected send or receive)`);
    }
  } catch (e) {
    // One line, no stack: argument errors (ours, parseArgs' and the engines' RangeErrors) exit 2, the rest 1.
    // parseArgs writes some of its messages over several lines (e.g. a value starting with a dash).
    const message = (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
    const usage = e instanceof UsageError || e instanceof RangeError || String((e as { code?: unknown } | null)?.code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`flute: ${message}${usage ? ' (see flute --help)' : ''}\n`);
    return usage ? 2 : 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Sockets and timers are closed by now; exit without waiting for anything left behind (e.g. a file handle being closed).
setImmediate(() => process.exit(code));
