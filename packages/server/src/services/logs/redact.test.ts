import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HIDDEN, redactEnvironments } from './redact.ts';

describe('redactEnvironments', () => {
  it('hides secret-looking values of every environment map, keeping names and the rest', () => {
    const config = {
      launch: {
        environment: { RUCIO_TOKEN: 'abc', DB_PASSWORD: 'pw', PATH: '/bin', api_key: 'k' },
        command: ['run', '--token', 'not an environment'],
      },
      launch_setup: { environment: { AWS_SECRET_ACCESS_KEY: 's', HOME: '/h' } },
      keywords: { key: 'value' },
      list: [{ environment: { MY_TOKEN: 't' } }],
    };
    assert.deepEqual(redactEnvironments(config), {
      launch: {
        environment: { RUCIO_TOKEN: HIDDEN, DB_PASSWORD: HIDDEN, PATH: '/bin', api_key: HIDDEN },
        command: ['run', '--token', 'not an environment'],
      },
      launch_setup: { environment: { AWS_SECRET_ACCESS_KEY: HIDDEN, HOME: '/h' } },
      keywords: { key: 'value' },
      list: [{ environment: { MY_TOKEN: HIDDEN } }],
    });
    // The input is not changed.
    assert.equal(config.launch.environment.RUCIO_TOKEN, 'abc');
  });
});
