// Shell injection, end to end: hostile text in a campaign's keywords, its job type's command and
// parameters, a launch setup's environment, overrides given at launch and the input files' names
// must reach the job as data — the exact bytes, each value in the one argv word or variable it
// was written in — and never as code. A job run by the local engine writes down what it received;
// a marker file that any of the values would create if a shell ever interpreted it must not exist.
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { harness, type Harness } from './execution-testing.ts';

/** Every way a shell would run `touch MARKER`, and characters that split or redirect. */
function hostile(marker: string): string {
  return [
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `; touch ${marker};`,
    `&& touch ${marker} ||`,
    `| tee ${marker} >${marker} <x`,
    `"dq" 'sq' \\ * ? ~ # {a,b} $HOME`,
    '../../etc/passwd',
    '<b onclick="x">html</b>',
  ].join(' ');
}

/** Writes, per run, its argv and one environment variable, NUL-separated, where the test reads them. */
function argsProgram(seen: string): string {
  return `#!/bin/sh
out="${seen}/$POMS_SUBMISSION_ID.$POMS_JOB_INDEX.$$"
printf '%s\\0' "$@" > "$out"
printf 'EVIL_ENV=%s\\0' "$EVIL_ENV" >> "$out"
`;
}

/** Files anywhere under `dir` whose name starts with `pwned`. */
function markers(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name.startsWith('pwned')) found.push(join(d, entry.name));
      if (entry.isDirectory()) walk(join(d, entry.name));
    }
  };
  walk(dir);
  return found;
}

describe('hostile values reach jobs as data, never as code', () => {
  let h: Harness;
  let root: string;
  let seen: string;
  before(async () => {
    h = await harness();
    root = join(h.bin, '..');
    seen = join(root, 'seen');
    mkdirSync(seen);
    writeFileSync(join(h.bin, 'args.sh'), argsProgram(seen));
    chmodSync(join(h.bin, 'args.sh'), 0o755);
  });
  after(async () => {
    await h.close();
  });

  it('passes keywords, parameters, environment, launch overrides and file names verbatim', async () => {
    const evil = hostile(join(root, 'pwned-keyword'));
    // File names have no slashes: the marker is relative to the job's working folder.
    const files = [
      'evt $(touch pwned-file) ;touch pwned-file.dat',
      'evt `touch pwned-file` \'q\' "q" & | > < *.dat',
    ];
    await h.declareInputs(files, { data_tier: 'hostile_raw' });
    const override = hostile(join(root, 'pwned-override'));
    await h.campaign(`campaign: hostile
keywords:
  evil: ${JSON.stringify(evil)}
job_types:
  echoargs:
    command: ${h.bin}/args.sh %(evil)s
    parameters: [["--kw=", "%(evil)s"], ["-c ", "%(evil)s"]]
launch_setups:
  here:
    engine: local
    environment:
      EVIL_ENV: "%(evil)s"
stages:
  run:
    input: "data_tier = hostile_raw"
    job_type: echoargs
    launch_setup: here
    completion: {type: complete}
`);
    const outcome = await h.launch('hostile', 'run', {
      overrides: [['--late=', override.replaceAll('%', '%%')]],
    });
    assert.equal(outcome.kind, 'launched', JSON.stringify(outcome));
    const settled = await h.settle();
    assert.deepEqual(
      settled.map((s) => s.status),
      ['Located'],
    );

    const runs = readdirSync(seen).map((name) =>
      readFileSync(join(seen, name), 'utf8').split('\0').slice(0, -1),
    );
    assert.equal(runs.length, files.length, 'one run per input file');
    const received = new Set<string>();
    for (const words of runs) {
      const input = words.at(-2) ?? '';
      received.add(input.slice(input.lastIndexOf('/') + 1));
      assert.deepEqual(words.slice(0, -2), [
        evil,
        `--kw=${evil}`,
        '-c',
        evil,
        `--late=${override}`,
      ]);
      assert.equal(words.at(-1), `EVIL_ENV=${evil}`);
    }
    assert.deepEqual([...received].sort(), [...files].sort(), 'each file name arrives whole');
    const ledger = await h.server.store.submissions.ledger(settled[0]?.id ?? '');
    assert.deepEqual(
      ledger.items.map((e) => e.state),
      files.map(() => 'consumed'),
    );
    // The jobs ran in the server's data folder; the test's own folder holds the absolute markers.
    assert.deepEqual([...markers(root), ...markers(h.server.dataDir)], [], 'no value ran as code');
    assert.equal(existsSync(join(root, 'pwned-keyword')), false);
  });
});
