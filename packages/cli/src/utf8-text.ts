// Files read as text must be UTF-8: a byte that is not is refused with where it is, rather than
// read as U+FFFD and parsed into a campaign that silently differs from the file.

/** Where the first byte that is not UTF-8 is, or undefined when all of `bytes` is UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): { offset: number; line: number } | undefined {
  let line = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      if (b === 0x0a) line++;
      i++;
      continue;
    }
    const length = sequenceLength(bytes, i);
    if (length === 0) return { offset: i, line };
    i += length;
  }
  return undefined;
}

/** The length of the well-formed UTF-8 sequence at `i` (RFC 3629 table 3-7), or 0. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i] ?? 0;
  const at = (k: number) => bytes[i + k] ?? -1;
  const cont = (k: number, low = 0x80, high = 0xbf) => at(k) >= low && at(k) <= high;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) return cont(1) && cont(2) ? 3 : 0;
  // ED A0..BF would be a UTF-16 surrogate.
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

export class NotUtf8Error extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly line: number,
    readonly byte: number,
  ) {
    super(
      `${file}:${line}: not UTF-8 text: byte 0x${byte.toString(16).padStart(2, '0')} at offset ${offset} (save the file as UTF-8)`,
    );
  }
}

/** The text of `bytes`, which must be UTF-8 (a leading byte-order mark is dropped). */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The decoder says only that something is wrong; find where, for the message.
    const bad = firstInvalidUtf8(bytes) ?? { offset: 0, line: 1 };
    throw new NotUtf8Error(file, bad.offset, bad.line, bytes[bad.offset] ?? 0);
  }
}
