/** What the readers return, whatever the container format. */

/** LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) this package understands. */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

/** One captured frame. */
export interface CaptureFrame {
  /** Link-layer type of `data` (LINKTYPE_*). */
  readonly linkType: number;
  /** Capture time: whole seconds since the Unix epoch. */
  readonly seconds: number;
  /** Capture time: nanoseconds within the second. */
  readonly nanos: number;
  /** Captured bytes (a view into the file buffer). */
  readonly data: Uint8Array;
  /** Length of the frame on the wire (≥ data.length when the capture was cut by the snap length). */
  readonly originalLength: number;
}

/** A whole capture file. */
export interface Capture {
  readonly format: 'pcap' | 'pcapng';
  readonly frames: readonly CaptureFrame[];
}
