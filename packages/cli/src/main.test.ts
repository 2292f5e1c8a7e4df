import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPoms } from './cli-testing.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const template = join(repo, 'templates/mc-chain.yaml');
const sample = join(repo, 'packages/campaign-file/src/ini/__fixtures__/sample_mc.ini');

const poms = runPoms;

function tempDir() {
  return mkdtempSync(join(tmpdir(), 'poms-cli-'));
}

describe('poms campaign', () => {
  it('validate: exit 0 on a clean file', async () => {
    const result = await poms('campaign', 'validate', template);
    assert.equal(result.code, 0, result.err);
  });

  it('validate: exit 1 and FILE:LINE:COL: error CODE: message for each problem', async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'bad.yaml');
      writeFileSync(
        file,
        readFileSync(template, 'utf8').replace('needs: [simulate]', 'needs: [simulat]'),
      );
      const result = await poms('campaign', 'validate', file);
      assert.equal(result.code, 1);
      assert.match(
        result.err,
        new RegExp(`^${file}:\\d+:\\d+: error campaign\\.unknown-stage: `, 'm'),
      );
      const json = await poms('campaign', 'validate', '--json', file);
      const report = JSON.parse(json.out) as {
        ok: boolean;
        files: { diagnostics: { code: string; line: number }[] }[];
      };
      assert.equal(report.ok, false);
      assert.equal(report.files[0]?.diagnostics[0]?.code, 'campaign.unknown-stage');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validate: exit 2 for a missing file', async () => {
    const result = await poms('campaign', 'validate', '/nonexistent/x.yaml');
    assert.equal(result.code, 2);
    assert.match(result.err, /cannot read \/nonexistent\/x.yaml: no such file/);
  });

  it('show --json prints the effective model', async () => {
    const result = await poms('campaign', 'show', '--json', template);
    assert.equal(result.code, 0);
    const model = JSON.parse(result.out) as { stages: { name: string; launch_setup: string }[] };
    assert.equal(model.stages[1]?.launch_setup, 'production_local');
  });

  it('fmt --check, fmt in place, fmt --stdout', async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'c.yaml');
      writeFileSync(file, 'stages:\n  a:\n    input: d\n    type: generator\ncampaign: c\n');
      assert.equal((await poms('campaign', 'fmt', '--check', file)).code, 1);
      assert.equal((await poms('campaign', 'fmt', file)).code, 0);
      assert.equal(
        readFileSync(file, 'utf8'),
        'campaign: c\nstages:\n  a:\n    type: generator\n    input: d\n',
      );
      assert.equal((await poms('campaign', 'fmt', '--check', file)).code, 0);
      assert.equal(
        (await poms('campaign', 'fmt', '--stdout', file)).out,
        readFileSync(file, 'utf8'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('import-ini, export-ini and diff round trip a POMS file', async () => {
    const dir = tempDir();
    try {
      const yaml = join(dir, 'mc.yaml');
      const ini = join(dir, 'mc.ini');
      assert.equal((await poms('campaign', 'import-ini', sample, '-o', yaml)).code, 0);
      assert.equal((await poms('campaign', 'validate', yaml)).code, 0);
      assert.equal((await poms('campaign', 'export-ini', yaml, '-o', ini)).code, 0);
      const same = await poms('campaign', 'diff', sample, ini);
      assert.equal(same.code, 0, same.out + same.err);
      const changed = join(dir, 'changed.yaml');
      writeFileSync(changed, readFileSync(yaml, 'utf8').replaceAll('v1_0', 'v2_0'));
      const differs = await poms('campaign', 'diff', yaml, changed);
      assert.equal(differs.code, 1);
      assert.match(differs.out, /v1_0/);
      assert.match(differs.out, /v2_0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit 2 on an unknown command or option', async () => {
    assert.equal((await poms('campaign', 'frobnicate')).code, 2);
    assert.equal((await poms('campaign', 'validate', '--nope', template)).code, 2);
  });

  it('runs as `npx poms` through its bin script', () => {
    const result = spawnSync(
      process.execPath,
      [join(repo, 'packages/cli/bin/poms.js'), 'campaign', 'validate', template],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /1 file valid/);
  });
});
