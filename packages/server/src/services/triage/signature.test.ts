// Signatures: the same failure with other numbers, paths, ids and times is one signature; another
// message, exit code or signal is another; the title is the last line that reads like an error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { failureSignature, normaliseLine, tailLines } from './signature.ts';

const word = fc.stringMatching(/^[a-z]{3,10}$/);
const variable = fc.record({
  n: fc.nat(),
  hex: fc.stringMatching(/^[0-9a-f]{6,12}$/),
  dir: fc.stringMatching(/^[a-z0-9]{1,8}$/),
  sub: fc.stringMatching(/^[0-9A-Z]{8,20}$/),
});

function failure(message: string[], v: { n: number; hex: string; dir: string; sub: string }) {
  return [
    `2025-01-0${(v.n % 9) + 1}T12:${String(v.n % 60).padStart(2, '0')}:00Z start of sub_${v.sub}`,
    `reading /tmp/job_${v.dir}/input_${v.n}.root event ${v.n} at 0x${v.hex}`,
    `Error: ${message.join(' ')}`,
    'poms-job: done: 0 consumed, 1 failed',
  ].join('\n');
}

describe('failure signatures', () => {
  it('is the same for the same failure with other numbers, paths, ids and times', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), variable, variable, (m, a, b) => {
        const one = failureSignature({
          exit_code: 3,
          signal: null,
          stdout: '',
          stderr: failure(m, a),
        });
        const two = failureSignature({
          exit_code: 3,
          signal: null,
          stdout: '',
          stderr: failure(m, b),
        });
        assert.equal(one.id, two.id);
        assert.equal(one.title, `Error: ${m.join(' ')}`);
      }),
    );
  });

  it('differs for another message, exit code or signal', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 6 }),
        fc.array(word, { minLength: 1, maxLength: 6 }),
        variable,
        (m1, m2, v) => {
          fc.pre(m1.join(' ') !== m2.join(' '));
          const log = (m: string[]) => ({
            exit_code: 3,
            signal: null,
            stdout: '',
            stderr: failure(m, v),
          });
          assert.notEqual(failureSignature(log(m1)).id, failureSignature(log(m2)).id);
          assert.notEqual(
            failureSignature(log(m1)).id,
            failureSignature({ ...log(m1), exit_code: 4 }).id,
          );
          assert.match(failureSignature({ ...log(m1), signal: 'SIGKILL' }).id, /^SIGKILL-/);
        },
      ),
    );
  });

  it('normalises what varies and keeps the words', () => {
    assert.equal(
      normaliseLine('  Error in <TFile::Open>:   cannot open /data/run_0042/f_7.root (errno 5) '),
      'Error in <TFile::Open>: cannot open PATH (errno N)',
    );
    assert.equal(
      normaliseLine('track stuck in volume MuonChamber_MB2 while processing gen_sub_01J4X_3.evt'),
      'track stuck in volume ID while processing FILE',
    );
    assert.equal(
      normaliseLine('G4Exception: std::bad_alloc EXIT_FAILURE on node17'),
      'G4Exception: std::bad_alloc EXIT_FAILURE on nodeN',
    );
    assert.equal(
      normaliseLine('job sub_01HXABCDEF at deadbeef12 took 1.5e-3 s'),
      'job SUB at X took N s',
    );
  });

  it('reads stderr, else stdout; the runtime lines only when alone', () => {
    assert.deepEqual(tailLines({ stdout: 'out\n', stderr: '\nerr\n\n' }), ['err']);
    assert.deepEqual(tailLines({ stdout: 'a\nb\n', stderr: '' }), ['a', 'b']);
    assert.deepEqual(tailLines({ stdout: '', stderr: 'poms-job: internal error' }), [
      'poms-job: internal error',
    ]);
    const long = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    assert.equal(tailLines({ stdout: '', stderr: long }).length, 20);
    assert.equal(
      failureSignature({ exit_code: 1, signal: null, stdout: '', stderr: '' }).title,
      '(empty log)',
    );
  });
});
