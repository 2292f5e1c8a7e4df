import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOperationalLog, serviceLog } from './operational-log.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createOperationalLog({
    write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>),
  });
  return { lines, logger };
}

describe('operational log', () => {
  it('writes JSON lines whose fields name the submissions a message is about', () => {
    const { lines, logger } = capture();
    const log = serviceLog(logger, 'executor');
    const a = 'sub_01m8k8cahf07wkd7ae8wx3fjjr';
    const b = 'sub_01m8k8cahf07wkd7ae8wx3fjjs';
    log(`${a}: launched reco with 3 file(s): launched`);
    log(`poll of slurm failed: controller down (${a}, ${b})`);
    log('executor cycle took long');
    assert.equal(lines.length, 3);
    assert.equal(lines[0]?.submission_id, a);
    assert.equal(lines[0]?.component, 'executor');
    assert.equal(lines[0]?.service, 'poms');
    assert.equal(lines[0]?.level, 30);
    assert.match(String(lines[0]?.time), /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(lines[1]?.submission_ids, [a, b]);
    assert.equal(lines[1]?.level, 40, 'a failure is a warning');
    assert.equal(lines[2]?.submission_id, undefined);
  });

  it('redacts credentials in request headers', () => {
    const { lines, logger } = capture();
    logger.info(
      { req: { headers: { authorization: 'Bearer secret', cookie: 'poms_session=s', host: 'h' } } },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    assert.ok(!text.includes('secret') && !text.includes('poms_session=s'));
    assert.match(text, /\[redacted\]/);
  });
});
