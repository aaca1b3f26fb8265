/// <reference types="node" />
/**
 * CPU time of the calling thread alone (process.cpuUsage() counts every thread of the process: the
 * main thread, workers, libuv's pool, V8's helpers). Linux only: /proc/thread-self/schedstat gives
 * nanoseconds on the CPU, /proc/thread-self/stat clock ticks (utime + stime, USER_HZ = 100).
 */
import { readFileSync } from 'node:fs';

/** Microseconds of CPU the calling thread has used, or undefined where the system does not say. */
export function threadCpuMicros(): number | undefined {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
    if (ns > 0) return ns / 1000;
  } catch {
    // No schedstat: try stat.
  }
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}
