// What the fuzz tests of the campaign-file readers (YAML and POMS .ini) throw at them: the damage
// an editor, a paste or a file transfer does to a good text, and names no one should have chosen.
import fc from 'fast-check';

/** One piece of damage to a text. */
export const textDamage = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bits: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('indent' as const),
    at: fc.nat(),
    by: fc.integer({ min: -4, max: 6 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('line-ends' as const),
    eol: fc.constantFrom('\r\n', '\r', '\n\n', '\u2028'),
  }),
);
export type TextDamage = typeof textDamage extends fc.Arbitrary<infer D> ? D : never;

/** `text` with the damage `d` done to it (positions wrap around the text's length). */
export function damageText(text: string, d: TextDamage): string {
  const lines = text.split('\n');
  const line = 'at' in d ? d.at % lines.length : 0;
  const at = 'at' in d ? d.at % (text.length + 1) : 0;
  switch (d.kind) {
    case 'flip':
      return (
        text.slice(0, at) +
        String.fromCharCode((text.charCodeAt(at) || 32) ^ d.bits) +
        text.slice(at + 1)
      );
    case 'truncate':
      return text.slice(0, at);
    case 'duplicate-line':
      lines.splice(line, 0, lines[line] ?? '');
      return lines.join('\n');
    case 'indent': {
      const current = lines[line] ?? '';
      lines[line] =
        d.by >= 0 ? ' '.repeat(d.by) + current : current.replace(new RegExp(`^ {0,${-d.by}}`), '');
      return lines.join('\n');
    }
    case 'insert':
      return text.slice(0, at) + d.text + text.slice(at);
    case 'line-ends':
      return lines.join(d.eol);
  }
}

/** Names and values with markup, quotes, shell, paths, control and odd Unicode, and length. */
export const HOSTILE_TEXTS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"quoted"',
  "it's",
  '$(rm -rf /)',
  '`id`',
  '../../etc/passwd',
  'a\u0000b',
  'line\nbreak',
  'x'.repeat(5000),
  '%(experiment)s',
  '\u202eevil',
  '\ud800',
  '🙂',
];
