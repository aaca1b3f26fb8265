import { describe, expect, it } from 'vitest';
import { dateToNtpSeconds, epochMsToNtpSeconds, fdtExpiresAt, isExpired, ntpSecondsToDate, ntpSecondsToEpochMs, NTP_UNIX_OFFSET_SECONDS } from '../src/index.js';

const ERA1_START_MS = Date.UTC(2036, 1, 7, 6, 28, 16);

describe('NTP seconds ↔ epoch milliseconds', () => {
  it('maps the Unix epoch and the end of NTP era 0', () => {
    expect(ntpSecondsToEpochMs(NTP_UNIX_OFFSET_SECONDS)).toBe(0);
    expect(epochMsToNtpSeconds(0)).toBe(NTP_UNIX_OFFSET_SECONDS);
    expect(ntpSecondsToEpochMs(0xffffffff)).toBe(ERA1_START_MS - 1000);
    expect(epochMsToNtpSeconds(ERA1_START_MS)).toBe(0);
    expect(ntpSecondsToEpochMs(0)).toBe(ERA1_START_MS);
  });

  it('reads the constant GPAC writes as 2036-02-07T00:00:00Z', () => {
    expect(new Date(ntpSecondsToEpochMs(4294944000)).toISOString()).toBe('2036-02-07T00:00:00.000Z');
  });

  it('picks the era closest to a reference time across the 2036 rollover', () => {
    const after = ERA1_START_MS + 3600_000; // 2036-02-07T07:28:16Z
    const expires = epochMsToNtpSeconds(after + 3600_000); // small value, era 1
    expect(expires).toBe(7200);
    expect(ntpSecondsToEpochMs(expires, after)).toBe(after + 3600_000);
    // Just before the rollover, a value written just after it is still one hour ahead, not 136 years back.
    expect(ntpSecondsToEpochMs(expires, ERA1_START_MS - 1000)).toBe(after + 3600_000);
    // A reference in 2025 reads a 2025 value in era 0.
    const t2025 = Date.UTC(2025, 3, 13, 10, 0, 0);
    expect(ntpSecondsToEpochMs(epochMsToNtpSeconds(t2025), Date.UTC(2025, 0, 1))).toBe(t2025);
    // Far in era 1.
    const t2090 = Date.UTC(2090, 5, 1);
    expect(ntpSecondsToEpochMs(epochMsToNtpSeconds(t2090), t2090 - 86_400_000)).toBe(t2090);
    expect(ntpSecondsToEpochMs(epochMsToNtpSeconds(t2090))).toBe(t2090);
  });

  it('round-trips Dates to the second', () => {
    const d = new Date('2031-12-31T23:59:59.750Z');
    expect(ntpSecondsToDate(dateToNtpSeconds(d), d).toISOString()).toBe('2031-12-31T23:59:59.000Z');
  });

  it('refuses values that are not 32-bit NTP seconds', () => {
    expect(() => ntpSecondsToEpochMs(-1)).toThrow(RangeError);
    expect(() => ntpSecondsToEpochMs(2 ** 32)).toThrow(RangeError);
    expect(() => ntpSecondsToEpochMs(1.5)).toThrow(RangeError);
    expect(() => epochMsToNtpSeconds(Number.NaN)).toThrow(RangeError);
    expect(() => epochMsToNtpSeconds(Date.UTC(1899, 11, 31))).toThrow(RangeError);
  });
});

describe('isExpired', () => {
  it('is false before the Expires second and true from it on', () => {
    const now = Date.UTC(2025, 3, 13, 10, 0, 0);
    const instance = { expires: epochMsToNtpSeconds(now + 10_000) };
    expect(isExpired(instance, now)).toBe(false);
    expect(isExpired(instance, now + 9_999)).toBe(false);
    expect(isExpired(instance, now + 10_000)).toBe(true);
    expect(fdtExpiresAt(instance, now)).toBe(now + 10_000);
  });

  it('does not expire a post-2036 FDT early when read before the rollover', () => {
    const instance = { expires: 100 }; // 2036-02-07T06:29:56Z
    expect(isExpired(instance, ERA1_START_MS - 60_000)).toBe(false);
    expect(isExpired(instance, ERA1_START_MS + 100_000)).toBe(true);
    // GPAC's constant has not expired in 2026.
    expect(isExpired({ expires: 4294944000 }, Date.UTC(2026, 10, 22))).toBe(false);
  });
});
