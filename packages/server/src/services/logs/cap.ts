// The size bound of a kept log: the end of a job's output is what explains how it ended, so a log
// over the cap keeps its last bytes, after one line saying what was left out.
import { Buffer } from 'node:buffer';

/** Default bytes kept per stream (stdout, stderr) of a job. */
export const DEFAULT_CAP_BYTES = 8 * 1024 * 1024;

/**
 * `text` bounded to its last `cap` bytes. When bytes are cut here (or the engine already cut the
 * start, `engineTruncated`), the result starts with one marker line saying so.
 */
export function capLog(text: string, cap: number, engineTruncated = false): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= cap) {
    if (!engineTruncated) return bytes;
    const marker = `[poms: the start of this log was cut by the engine; the last ${bytes.length} bytes are kept]\n`;
    return Buffer.concat([Buffer.from(marker, 'utf8'), bytes]);
  }
  let start = bytes.length - cap;
  // Never start inside a UTF-8 character: skip continuation bytes (10xxxxxx).
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  const kept = bytes.subarray(start);
  const more = engineTruncated ? 'more than ' : '';
  const marker = `[poms: ${more}${start} bytes cut from the start of this log; the last ${kept.length} bytes are kept]\n`;
  return Buffer.concat([Buffer.from(marker, 'utf8'), kept]);
}
