import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NTP_UNIX_OFFSET_SECONDS, ntpToUnixMs, unixMsToNtp } from '@proto/lct';

const ERA = 2 ** 32;
const ROLLOVER_MS = (ERA - NTP_UNIX_OFFSET_SECONDS) * 1000; // 2036-02-07T06:28:16Z

describe('NTP time', () => {
  it('knows the epochs', () => {
    expect(ntpToUnixMs(NTP_UNIX_OFFSET_SECONDS)).toBe(0);
    expect(new Date(ROLLOVER_MS).toISOString()).toBe('2036-02-07T06:28:16.000Z');
    expect(ntpToUnixMs({ seconds: NTP_UNIX_OFFSET_SECONDS, fraction: 2 ** 31 })).toBe(500);
  });

  it('crosses the 2036 era rollover', () => {
    expect(unixMsToNtp(ROLLOVER_MS - 1000)).toEqual({ seconds: ERA - 1, fraction: 0 });
    expect(unixMsToNtp(ROLLOVER_MS)).toEqual({ seconds: 0, fraction: 0 });
    expect(new Date(ntpToUnixMs(ERA - 1)).toISOString()).toBe('2036-02-07T06:28:15.000Z');
    expect(new Date(ntpToUnixMs(0)).toISOString()).toBe('2036-02-07T06:28:16.000Z');
    expect(new Date(ntpToUnixMs(1)).toISOString()).toBe('2036-02-07T06:28:17.000Z');
    // GPAC's constant FDT Expires, just before the rollover.
    expect(new Date(ntpToUnixMs(4294944000)).toISOString()).toBe('2036-02-07T00:00:00.000Z');
  });

  it('uses RFC 4330 eras by default and the nearest era to a pivot when given one', () => {
    expect(new Date(ntpToUnixMs(0x80000000)).toISOString()).toBe('1968-01-20T03:14:08.000Z');
    expect(new Date(ntpToUnixMs(0x7fffffff)).toISOString()).toBe('2104-02-26T09:42:23.000Z');
    const pivot2100 = Date.UTC(2100, 0, 1);
    expect(new Date(ntpToUnixMs(0x80000000, pivot2100)).toISOString()).toBe('2104-02-26T09:42:24.000Z');
    expect(new Date(ntpToUnixMs(0x7fffffff, Date.UTC(1950, 0, 1))).toISOString()).toBe('1968-01-20T03:14:07.000Z');
  });

  it('round-trips any millisecond time from 1968 to 2104', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31) * 1000 + 1, max: (2 ** 31 - 1) * 1000 }), (offset) => {
        const ms = ROLLOVER_MS + offset;
        const ntp = unixMsToNtp(ms);
        expect(ntp.seconds).toBeLessThan(ERA);
        expect(ntp.fraction).toBeLessThan(ERA);
        expect(Math.abs(ntpToUnixMs(ntp) - ms)).toBeLessThan(1e-3);
        expect(Math.abs(ntpToUnixMs(ntp, ms) - ms)).toBeLessThan(1e-3);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any time with a pivot within 68 years', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5e12, max: 1e13 }), fc.integer({ min: -2e12, max: 2e12 }), (ms, skew) => {
        expect(Math.abs(ntpToUnixMs(unixMsToNtp(ms), ms + skew) - ms)).toBeLessThan(1e-3);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses values that are not 32-bit', () => {
    expect(() => ntpToUnixMs(ERA)).toThrow(/^NTP seconds: /);
    expect(() => ntpToUnixMs({ seconds: 0, fraction: -1 })).toThrow(/^NTP fraction: /);
    expect(() => unixMsToNtp(Number.NaN)).toThrow(/^ms: /);
  });
});
