// Expires values (RFC 6726 §3.3): "the 32 most significant bits of a 64-bit NTP time value"
// (RFC 5905), i.e. whole seconds since 1900-01-01T00:00:00Z modulo 2^32. NTP era 0 ends on
// 2036-02-07T06:28:16Z; after that the seconds count wraps to 0 (era 1). GPAC writes the constant
// 4294944000 (2036-02-07T00:00:00Z). Conversions here pick the era explicitly instead of assuming
// era 0, which is what breaks most receivers after 2036.

import type { FdtInstance } from './model.js';

/** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;
/** Length of one NTP era in seconds: 2^32. */
export const NTP_ERA_SECONDS = 2 ** 32;
const ERA_MS = NTP_ERA_SECONDS * 1000;
const MAX_U32 = 0xffff_ffff;

function checkNtpSeconds(ntpSeconds: number): void {
  if (!Number.isInteger(ntpSeconds) || ntpSeconds < 0 || ntpSeconds > MAX_U32) {
    throw new RangeError(`NTP seconds must be an integer in 0..${MAX_U32}, got ${ntpSeconds}`);
  }
}

/**
 * Converts a 32-bit NTP seconds value to Unix epoch milliseconds.
 *
 * With `referenceMs` (normally "now"), the era is the one that puts the result closest to the
 * reference: correct for any value within 68 years of it (RFC 5905 §6). Without it, the RFC 4330
 * §3 rule applies: values with the most significant bit set are in era 0 (1968..2036), the others
 * in era 1 (2036..2104).
 */
export function ntpSecondsToEpochMs(ntpSeconds: number, referenceMs?: number): number {
  checkNtpSeconds(ntpSeconds);
  const era0 = (ntpSeconds - NTP_UNIX_OFFSET_SECONDS) * 1000;
  if (referenceMs === undefined) return ntpSeconds >= 0x8000_0000 ? era0 : era0 + ERA_MS;
  if (!Number.isFinite(referenceMs)) throw new RangeError(`referenceMs must be finite, got ${referenceMs}`);
  return era0 + Math.round((referenceMs - era0) / ERA_MS) * ERA_MS;
}

/**
 * Converts Unix epoch milliseconds to 32-bit NTP seconds (rounded down to the second, wrapped
 * into the NTP era of the date). Throws RangeError before 1900 or for a non-finite value.
 */
export function epochMsToNtpSeconds(epochMs: number): number {
  if (!Number.isFinite(epochMs) || epochMs < -NTP_UNIX_OFFSET_SECONDS * 1000) {
    throw new RangeError(`epochMs must be a finite time after 1900-01-01, got ${epochMs}`);
  }
  return (Math.floor(epochMs / 1000) + NTP_UNIX_OFFSET_SECONDS) % NTP_ERA_SECONDS;
}

/** `ntpSecondsToEpochMs` as a Date. */
export function ntpSecondsToDate(ntpSeconds: number, reference?: Date): Date {
  return new Date(ntpSecondsToEpochMs(ntpSeconds, reference?.getTime()));
}

/** `epochMsToNtpSeconds` from a Date. */
export function dateToNtpSeconds(date: Date): number {
  return epochMsToNtpSeconds(date.getTime());
}

/**
 * The expiry of an FDT instance in Unix epoch milliseconds, with the NTP era chosen closest to
 * `nowMs`.
 */
export function fdtExpiresAt(instance: Pick<FdtInstance, 'expires'>, nowMs: number): number {
  return ntpSecondsToEpochMs(instance.expires, nowMs);
}

/**
 * Whether an FDT instance has expired at `nowMs` (Unix epoch milliseconds, normally the sender's
 * clock from EXT_TIME when known, else the local clock). An instance is expired from its Expires
 * second on.
 */
export function isExpired(instance: Pick<FdtInstance, 'expires'>, nowMs: number): boolean {
  return nowMs >= fdtExpiresAt(instance, nowMs);
}
