import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dataSystemsFrom, DataConfigError, readDataConfig } from './data-config.ts';
import { DATASET_QUERY, startFakeMetacat } from './metacat/metacat-testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'poms-data-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('POMS_DATA_CONFIG', () => {
  it('builds the clients an experiment names, reading secrets from files and variables', async () => {
    const metacat = await startFakeMetacat();
    try {
      const tokenFile = write('metacat.token', 'secret-token\n');
      const file = write('ok.json', {
        experiments: {
          dune: {
            metacat: {
              url: metacat.url,
              namespace: 'poms_out',
              token: { file: tokenFile },
              input_files: { folder: '/pnfs/dune' },
            },
            rucio: {
              url: 'https://rucio.example.org',
              account: 'pomsprod',
              auth: { kind: 'userpass', username: 'poms', password: { env: 'RUCIO_PW' } },
              scope: 'dune',
              rse: 'FNAL_DCACHE',
              pfn: { path: '/data/out', url: 'root://fndca1.fnal.gov/pnfs/out' },
              locations: { tape: 'FNAL_DCACHE_TAPE' },
            },
          },
        },
      });
      const systems = dataSystemsFrom(readDataConfig(file), file, { RUCIO_PW: 'pw' });
      const dune = systems('dune');
      assert.equal(systems('nova'), undefined);
      assert.equal(dune?.metadata?.kind, 'metacat');
      assert.equal(dune?.metadataNamespace, 'poms_out');
      assert.deepEqual(dune?.inputFiles, { folder: '/pnfs/dune', location: 'local' });
      assert.equal(dune?.rucio?.rse, 'FNAL_DCACHE');
      assert.deepEqual(dune?.rucio?.locations, { tape: 'FNAL_DCACHE_TAPE' });
      assert.equal(
        dune?.rucio?.pfn?.('/data/out/a/b.root'),
        'root://fndca1.fnal.gov/pnfs/out/a/b.root',
      );
      assert.equal(dune?.rucio?.pfn?.('/elsewhere/b.root'), 'file:///elsewhere/b.root');
      // The client is the real one, pointed at the configured server, with the file's token.
      const page = await dune?.metadata?.listFiles(DATASET_QUERY);
      assert.equal(page?.files.length, 5);
      assert.equal(metacat.requests[0]?.headers['x-authentication-token'], 'secret-token');
    } finally {
      await metacat.close();
    }
  });

  it('refuses a bad file naming the file and the field, and never shows a secret', () => {
    const bad = (name: string, value: unknown, env: NodeJS.ProcessEnv = {}) => {
      const file = write(name, value);
      try {
        dataSystemsFrom(readDataConfig(file), file, env);
      } catch (error) {
        assert.ok(error instanceof DataConfigError);
        return error.message;
      }
      assert.fail('accepted');
    };
    assert.match(bad('syntax.json', '{"experiments": '), /syntax\.json: /);
    assert.match(
      bad('url.json', { experiments: { dune: { metacat: { url: 'ftp://x' } } } }),
      /url\.json: experiments\.dune\.metacat\.url: /,
    );
    assert.match(
      bad('both.json', {
        experiments: { dune: { metacat: { url: 'https://m' }, sam: { url: 'https://s' } } },
      }),
      /one metadata catalog/,
    );
    assert.match(
      bad('inline.json', {
        experiments: { dune: { metacat: { url: 'https://m', token: 'abc' } } },
      }),
      /experiments\.dune\.metacat\.token/,
    );
    const rucio = {
      url: 'https://r',
      account: 'a',
      auth: { kind: 'token', token: { env: 'RUCIO_TOKEN' } },
      scope: 's',
      rse: 'R',
    };
    assert.match(
      bad('noenv.json', { experiments: { dune: { rucio } } }),
      /noenv\.json: experiments\.dune\.rucio\.auth\.token: environment variable RUCIO_TOKEN is not set/,
    );
    const message = bad('nofile.json', {
      experiments: {
        dune: { rucio: { ...rucio, auth: { kind: 'token', token: { file: join(dir, 'none') } } } },
      },
    });
    assert.match(message, /experiments\.dune\.rucio\.auth\.token: cannot read/);
  });
});
