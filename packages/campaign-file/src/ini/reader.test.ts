import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readIni, valuePosition } from './reader.ts';

function values(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const s of readIni(text).sections) {
    out[s.header] = Object.fromEntries(s.entries.map((e) => [e.key, e.value]));
  }
  return out;
}

describe('readIni (ConfigParser semantics)', () => {
  it('reads sections and key=value / key = value / key: value, keys lower-cased', () => {
    const doc = readIni('[campaign]\nName=a\nexperiment = hypot\nPOMS_ROLE: analysis\n');
    assert.deepEqual(doc.problems, []);
    assert.deepEqual(values('[campaign]\nName=a\nexperiment = hypot\nPOMS_ROLE: analysis\n'), {
      campaign: { name: 'a', experiment: 'hypot', poms_role: 'analysis' },
    });
    assert.equal(doc.sections[0]?.entries[0]?.raw_key, 'Name');
  });

  it('splits at the first = or : and keeps the rest of the value raw (%% included)', () => {
    assert.deepEqual(values('[s]\nurl=http://x/?a=b\nk: v=w\npat=%%.root\n'), {
      s: { url: 'http://x/?a=b', k: 'v=w', pat: '%%.root' },
    });
  });

  it('joins indented continuation lines with newlines, keeps inner blank lines, drops trailing ones', () => {
    const text = '[s]\nsetup=line one\n    line two\n\n  line three\n\n\nnext=1\n';
    assert.deepEqual(values(text), {
      s: { setup: 'line one\nline two\n\nline three', next: '1' },
    });
  });

  it('skips # and ; comment lines anywhere, even between continuation lines', () => {
    const text = '# top\n[s]\n; note\nsetup=a\n    # not part of it\n    b\n  ; nor this\n    c\n';
    assert.deepEqual(values(text), { s: { setup: 'a\nb\nc' } });
  });

  it('has no inline comments: # after a value is part of it', () => {
    assert.deepEqual(values('[s]\nk=v # still v\n'), { s: { k: 'v # still v' } });
  });

  it('handles CRLF line ends and a byte order mark', () => {
    assert.deepEqual(values('\uFEFF[s]\r\nk=v\r\n    w\r\n'), { s: { k: 'v\nw' } });
  });

  it('an indented key after a key continues that key, as in ConfigParser', () => {
    assert.deepEqual(values('[s]\na=1\n  b=2\n'), { s: { a: '1\nb=2' } });
  });

  it('reports text before the first section, lines without =, empty keys', () => {
    const doc = readIni('stray\n[s]\nno delimiter here\n=value\nok=1\n');
    assert.deepEqual(
      doc.problems.map((p) => [p.code, p.severity, p.span.line]),
      [
        ['ini.syntax', 'error', 1],
        ['ini.syntax', 'error', 3],
        ['ini.syntax', 'error', 4],
      ],
    );
    assert.deepEqual(values('stray\n[s]\nno delimiter here\n=value\nok=1\n'), { s: { ok: '1' } });
  });

  it('reports repeated sections and keys as errors (strict mode), with both lines', () => {
    const doc = readIni('[s]\na=1\n[t]\n[s]\nA=2\n');
    assert.deepEqual(
      doc.problems.map((p) => [p.code, p.span.line, p.message.includes('line')]),
      [
        ['ini.duplicate-section', 4, true],
        ['ini.duplicate-key', 5, true],
      ],
    );
  });

  it('warns about text after a section header', () => {
    const doc = readIni('[s] trailing\n');
    assert.equal(doc.sections[0]?.header, 's');
    assert.deepEqual(
      doc.problems.map((p) => [p.code, p.severity, p.span.column]),
      [['ini.section-trailing-text', 'warning', 5]],
    );
  });

  it('keeps the line and column of keys and of each value piece', () => {
    const doc = readIni('[s]\n  key = value\nsetup=a\n      bc\n');
    const [key, setup] = doc.sections[0]?.entries ?? [];
    assert.deepEqual(key?.key_span, { line: 2, column: 3, end_line: 2, end_column: 6 });
    assert.deepEqual(key?.pieces, [{ line: 2, column: 9, text: 'value' }]);
    assert.ok(setup);
    // offset 3 of "a\nbc" is "c", on line 4 column 8
    assert.deepEqual(valuePosition(setup, 3), { line: 4, column: 8, end_line: 4, end_column: 9 });
  });
});
