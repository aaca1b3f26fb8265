/** A capture file that cannot be read: bad magic, a record that runs past the end, and so on. */
export class PcapFormatError extends Error {
  override readonly name = 'PcapFormatError' as const;
  /** Byte offset in the file where the problem is. */
  readonly offset: number;

  constructor(offset: number, reason: string) {
    super(`capture file at offset ${offset}: ${reason}`);
    this.offset = offset;
  }
}
