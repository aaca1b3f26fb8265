// Wire constants of the Elastic Frame Protocol, reference 0.4 (agilecontent/efp 3f72183).
// All multi-byte fields are little-endian; byte 0 of every packet holds the frame type (low nibble)
// and the flags (high nibble).

/** Frame types (low nibble of byte 0). 0 is private and dropped by receivers; 4..15 are unknown. */
export const EFP_TYPE0 = 0;
export const EFP_TYPE1 = 1;
export const EFP_TYPE2 = 2;
export const EFP_TYPE3 = 3;

/** Header sizes. Type 2 is 32 bytes: the reference's packing pragma has no effect, so the compiler pads it. */
export const EFP_TYPE1_HEADER_SIZE = 8;
export const EFP_TYPE2_HEADER_SIZE = 32;
export const EFP_TYPE3_HEADER_SIZE = 8;

/** Smallest and largest MTU the sender accepts. */
export const EFP_MIN_MTU = 255;
export const EFP_MAX_MTU = 65535;

/** Flags (high nibble of byte 0). */
export const EFP_FLAG_NONE = 0x00;
/** INLINE_PAYLOAD: the superframe starts with embedded-data records (see `extractEmbeddedData`). */
export const EFP_FLAG_EMBEDDED = 0x10;
/** Priority flags P1..P3; defined by the reference, unused by it. */
export const EFP_FLAG_PRIORITY_1 = 0x20;
export const EFP_FLAG_PRIORITY_2 = 0x40;
export const EFP_FLAG_PRIORITY_3 = 0x60;
/** Undefined by the reference. */
export const EFP_FLAG_UNDEFINED = 0x80;

/** Reserved "unknown" values: a sender may not use them; a receiver reports them when the Type 2 is missing. */
export const EFP_UNKNOWN_PTS = 0xffff_ffff_ffff_ffffn;
export const EFP_UNKNOWN_DTS = 0xffff_ffff_ffff_ffffn;
export const EFP_UNKNOWN_CODE = 0xffff_ffff;
/** A Type 2 dtsPtsDiff of this value means the DTS is unknown. */
export const EFP_UNKNOWN_DTS_PTS_DIFF = 0xffff_ffff;

/** The receiver's reassembly slots, indexed by superFrameNo & EFP_SLOT_MASK. */
export const EFP_SLOT_COUNT = 8192;
export const EFP_SLOT_MASK = EFP_SLOT_COUNT - 1;

/**
 * dataContent values (Type 2 byte 2). With the most significant bit set, `code` names the format
 * (a fourcc such as "ANXB" or "AVCC").
 */
export const EfpContent = {
  unknown: 0x00,
  privatedata: 0x01,
  adts: 0x02,
  mpegts: 0x03,
  mpegpes: 0x04,
  jpeg2000: 0x05,
  jpeg: 0x06,
  jpegxs: 0x07,
  pcmaudio: 0x08,
  ndi: 0x09,
  json: 0x0a,
  efpsig: 0x80,
  didsdid: 0x81,
  sdi: 0x82,
  h264: 0x83,
  h265: 0x84,
  h266: 0x85,
  av1: 0x86,
  mp4: 0x87,
  aac: 0x88,
  opus: 0x89,
  flac: 0x8a,
} as const;

/** Name of an EfpContent value. */
export type EfpContentName = keyof typeof EfpContent;

/** Embedded-data record types (flag 0x10). 0 is illegal; bit 0x80 marks the last record. */
export const EfpEmbeddedType = {
  privateData: 0x01,
  h222Pmt: 0x02,
  mp4FragBox: 0x03,
} as const;
export const EFP_EMBEDDED_LAST = 0x80;
export const EFP_EMBEDDED_HEADER_SIZE = 4;

const CONTENT_NAMES = new Map<number, EfpContentName>(
  (Object.entries(EfpContent) as [EfpContentName, number][]).map(([name, value]) => [value, name]),
);

/** The name of a dataContent value (`0x83` → `'h264'`), or undefined when the value is not defined. */
export function efpContentName(value: number): EfpContentName | undefined {
  return CONTENT_NAMES.get(value);
}
