import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseCrashAt } from './crash-points.ts';

const MODULE = pathToFileURL(new URL('./crash-points.ts', import.meta.url).pathname).href;

/** A child that reaches each of `points` in turn, then exits 0: how it ended, and its stderr. */
function run(
  crashAt: string | undefined,
  points: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const env = { ...process.env };
  delete env.POMS_CRASH_AT;
  if (crashAt !== undefined) env.POMS_CRASH_AT = crashAt;
  const script = `const { crashPoint } = await import(${JSON.stringify(MODULE)});
for (const name of ${JSON.stringify(points)}) crashPoint(name);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr += text));
  return new Promise((done) =>
    child.once('close', (code, signal) => done({ code, signal, stderr })),
  );
}

describe('crash points', () => {
  it('reads name and name:N, and arms nothing for anything else', () => {
    assert.deepEqual(parseCrashAt('launch.recorded'), { name: 'launch.recorded', nth: 1 });
    assert.deepEqual(parseCrashAt(' poll.applied:3 '), { name: 'poll.applied', nth: 3 });
    for (const bad of [undefined, '', 'x:0', 'x:-1', 'x:two', 'X', 'a b', 'x:1:2']) {
      assert.equal(parseCrashAt(bad), undefined, String(bad));
    }
  });

  it('kills the process by SIGKILL at the armed point, and only there', async () => {
    const [armed, nth, notReached, unset] = await Promise.all([
      run('b.point', ['a.point', 'b.point', 'c.point']),
      run('b.point:2', ['b.point', 'a.point', 'b.point']),
      // Armed for a third arrival that never comes, past points of other names.
      run('b.point:3', ['b.point', 'z.point', 'b.point']),
      run(undefined, ['a.point', 'b.point']),
    ]);
    assert.equal(armed.signal, 'SIGKILL', armed.stderr);
    assert.match(armed.stderr, /crash point b\.point \(arrival 1\): SIGKILL/);
    assert.equal(nth.signal, 'SIGKILL', nth.stderr);
    assert.match(nth.stderr, /crash point b\.point \(arrival 2\)/);
    for (const [what, ended] of Object.entries({ notReached, unset })) {
      assert.deepEqual([ended.code, ended.signal], [0, null], `${what}: ${ended.stderr}`);
      assert.doesNotMatch(ended.stderr, /crash point/, what);
    }
  });
});
