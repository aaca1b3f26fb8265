/**
 * NTP timestamps (RFC 5905 §6) to and from milliseconds since the Unix epoch, correct across the
 * 2036-02-07T06:28:16Z era rollover.
 *
 * A 32-bit NTP seconds field does not say which 136-year era it belongs to. Without a hint the
 * RFC 4330 §3 rule applies: values with the top bit set are in era 0 (1968-01-20 .. 2036-02-07),
 * values with it clear are in era 1 (2036-02-07 .. 2104-02-26). With a `pivotMs` (e.g. the local
 * clock) the era whose time lies closest to the pivot wins, which works for any date.
 */

/** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

const ERA_SECONDS = 4_294_967_296; // 2^32
const FRACTION_PER_MS = ERA_SECONDS / 1000;

/** An NTP timestamp as carried in EXT_TIME (SCT-High, SCT-Low) or the FDT `Expires` attribute. */
export interface NtpTime {
  /** Seconds since 1900-01-01 modulo 2^32 (32 bits). */
  readonly seconds: number;
  /** Fraction of a second in units of 2^-32 s (32 bits); absent means 0. */
  readonly fraction?: number;
}

function checkU32(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${field}: ${v} is not an unsigned 32-bit integer`);
}

/**
 * Converts an NTP timestamp (or bare NTP seconds) to milliseconds since the Unix epoch.
 * @param pivotMs optional Unix time in ms near the expected result; picks the nearest era.
 */
export function ntpToUnixMs(ntp: NtpTime | number, pivotMs?: number): number {
  const seconds = typeof ntp === 'number' ? ntp : ntp.seconds;
  const fraction = typeof ntp === 'number' ? 0 : (ntp.fraction ?? 0);
  checkU32('NTP seconds', seconds);
  checkU32('NTP fraction', fraction);
  let era: number;
  if (pivotMs === undefined) {
    era = seconds >= 0x80000000 ? 0 : 1;
  } else {
    if (!Number.isFinite(pivotMs)) throw new RangeError(`pivotMs: ${pivotMs} is not a finite number`);
    era = Math.round((pivotMs / 1000 + NTP_UNIX_OFFSET_SECONDS - seconds) / ERA_SECONDS);
  }
  const unixSeconds = seconds + era * ERA_SECONDS - NTP_UNIX_OFFSET_SECONDS;
  return unixSeconds * 1000 + fraction / FRACTION_PER_MS;
}

/**
 * Converts milliseconds since the Unix epoch to an NTP timestamp (seconds modulo 2^32, so times
 * after 2036-02-07 land in era 1 as NTP prescribes). The fraction is rounded to the nearest 2^-32 s.
 */
export function unixMsToNtp(ms: number): { seconds: number; fraction: number } {
  if (!Number.isFinite(ms)) throw new RangeError(`ms: ${ms} is not a finite number`);
  let wholeSeconds = Math.floor(ms / 1000);
  let fraction = Math.round((ms - wholeSeconds * 1000) * FRACTION_PER_MS);
  if (fraction >= ERA_SECONDS) {
    fraction -= ERA_SECONDS;
    wholeSeconds += 1;
  }
  const ntpSeconds = wholeSeconds + NTP_UNIX_OFFSET_SECONDS;
  const seconds = ((ntpSeconds % ERA_SECONDS) + ERA_SECONDS) % ERA_SECONDS;
  return { seconds, fraction };
}
