// The permission matrix: every role × action × ownership, written out as a table so that a
// change of rule shows up as a change of this table (POMS-REFERENCE §9).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACTIONS,
  decide,
  requirePermission,
  type Action,
  type Actor,
  type Target,
} from './permissions.ts';

const ACTORS: Record<string, Actor> = {
  outsider: { username: 'olga', root: false, role: undefined },
  analysis: { username: 'ana', root: false, role: 'analysis' },
  shifter: { username: 'sam', root: false, role: 'production-shifter' },
  production: { username: 'pat', root: false, role: 'production' },
  superuser: { username: 'sue', root: false, role: 'superuser' },
  root: { username: 'root', root: true, role: undefined },
};
const COLUMNS = Object.keys(ACTORS);

/** Ownership: a production campaign, an analysis campaign of the actor, of someone else. */
type Owner = 'none' | 'production' | 'own-analysis' | 'other-analysis';

function target(owner: Owner, actor: Actor): Target {
  switch (owner) {
    case 'none':
      return { experiment: 'dune' };
    case 'production':
      return { experiment: 'dune', campaign: { role: 'production', owner: 'pat' } };
    case 'own-analysis':
      return { experiment: 'dune', campaign: { role: 'analysis', owner: actor.username } };
    case 'other-analysis':
      return { experiment: 'dune', campaign: { role: 'analysis', owner: 'someone-else' } };
  }
}

// Y allowed, N forbidden (403), H hidden (404). Columns: outsider analysis shifter production
// superuser root.
const MATRIX: [Action, Owner, string][] = [
  ['view', 'none', 'H Y Y Y Y Y'],
  ['audit.view', 'none', 'H Y Y Y Y Y'],
  ['catalog.write', 'none', 'H Y Y Y Y Y'],
  ['experiment.hold', 'none', 'H N Y Y Y Y'],
  ['experiment.admin', 'none', 'H N N N Y Y'],
  ['global.hold', 'none', 'N N N N N Y'],

  ['campaign.create', 'production', 'H N N Y Y Y'],
  ['campaign.create', 'own-analysis', 'H Y Y Y Y Y'],
  ['campaign.create', 'other-analysis', 'H N N N Y Y'],

  ['campaign.edit', 'production', 'H N N Y Y Y'],
  ['campaign.edit', 'own-analysis', 'H Y Y Y Y Y'],
  ['campaign.edit', 'other-analysis', 'H N N N Y Y'],

  ['stage.launch', 'production', 'H N Y Y Y Y'],
  ['stage.launch', 'own-analysis', 'H Y Y Y Y Y'],
  ['stage.launch', 'other-analysis', 'H N N N Y Y'],

  ['jobs.control', 'production', 'H N Y Y Y Y'],
  ['jobs.control', 'own-analysis', 'H Y Y Y Y Y'],
  ['jobs.control', 'other-analysis', 'H N N N Y Y'],

  ['submission.approve', 'production', 'H N N Y Y Y'],
  ['submission.approve', 'own-analysis', 'H Y Y Y Y Y'],
  ['submission.approve', 'other-analysis', 'H N N N Y Y'],

  ['stage.hold', 'production', 'H N Y Y Y Y'],
  ['stage.hold', 'own-analysis', 'H Y Y Y Y Y'],
  ['stage.hold', 'other-analysis', 'H N N N Y Y'],

  ['stage.schedule', 'production', 'H N N Y Y Y'],
  ['stage.schedule', 'own-analysis', 'H Y Y Y Y Y'],
  ['stage.schedule', 'other-analysis', 'H N N N Y Y'],
];

describe('permissions', () => {
  it('covers every action', () => {
    assert.deepEqual(new Set(MATRIX.map(([action]) => action)), new Set(ACTIONS));
  });

  for (const [action, owner, row] of MATRIX) {
    it(`${action} on ${owner}: ${row}`, () => {
      const want = row.split(' ');
      const got = COLUMNS.map((name) => {
        const actor = ACTORS[name];
        assert.ok(actor);
        const decision = decide(actor, action, target(owner, actor));
        return decision.allowed ? 'Y' : decision.hidden ? 'H' : 'N';
      });
      assert.deepEqual(got, want, `columns: ${COLUMNS.join(' ')}`);
    });
  }

  it('says why, and whether to answer 404 or 403', () => {
    const shifter = ACTORS.shifter;
    const outsider = ACTORS.outsider;
    assert.ok(shifter && outsider);
    const production = target('production', shifter);
    assert.throws(() => requirePermission(shifter, 'campaign.edit', production), {
      code: 'auth.forbidden',
      message: /needs the production role or higher \(you act as production-shifter\)/,
    });
    assert.throws(() => requirePermission(outsider, 'view', production), {
      code: 'auth.not-found',
      message: /olga is not a member of experiment dune/,
    });
    assert.doesNotThrow(() => requirePermission(shifter, 'stage.launch', production));
    const campaignless = decide(shifter, 'stage.launch', { experiment: 'dune' });
    assert.equal(campaignless.allowed, false);
  });
});
