// The template library over real HTTP: an experiment's library is the built-in templates plus the
// ones people saved in it; saving needs what creating that campaign needs, a taken name needs
// overwrite (its author's or an admin's), deleting is the author's or an admin's, and cloning takes
// either kind, with keyword values and replacements. Every change leaves an audit entry.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import { apiCaller, apiToken, errorCode } from './api-testing.ts';

const ADMIN_PASSWORD = 'correct horse battery staple';

interface Item {
  name: string;
  source: string;
  campaign: string;
  description: string | null;
  tags: string[];
  stages: string[];
  file: string | null;
  author: string | null;
  created_at: string | null;
  text?: string;
}

describe('template library routes', () => {
  let server: RunningServer;
  const call = apiCaller(() => server.url);
  const tokens: Record<string, string> = {};

  const tokenFor = (username: string, password: string) => apiToken(call, username, password);
  const as = (who: string) => ({
    call: (method: string, path: string, body?: unknown) =>
      call(method, path, { token: tokens[who] ?? '', body }),
  });
  const expectStatus = async (
    who: string,
    method: string,
    path: string,
    status: number,
    body?: unknown,
  ) => {
    const answer = await as(who).call(method, path, body);
    assert.equal(answer.status, status, `${who} ${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer;
  };
  const library = async (query = '', who = 'admin') =>
    (await expectStatus(who, 'GET', `/experiments/demo/templates${query}`, 200))
      .body as unknown as {
      items: Item[];
      total: number;
    };
  const campaignText = async (name: string) =>
    String(
      (await expectStatus('admin', 'GET', `/experiments/demo/campaigns/${name}`, 200)).body.text,
    );
  const auditActions = async (objectId: string) =>
    (
      await expectStatus(
        'admin',
        'GET',
        `/experiments/demo/audit?object_type=template&object_id=${objectId}`,
        200,
      )
    ).list.map((e) => `${String(e.action)} by ${String(e.actor)}`);

  before(async () => {
    server = await startServer({ memory: true, port: 0, adminPassword: ADMIN_PASSWORD });
    await server.store.experiments.create({ name: 'other', display_name: 'Another experiment' });
    const { hashPassword } = await import('../../services/auth/passwords.ts');
    for (const username of ['bob', 'pete', 'olga']) {
      await server.store.identity.createUser({
        username,
        displayName: username,
        passwordHash: await hashPassword(`${username} has a long password`),
      });
    }
    tokens.admin = await tokenFor('admin', ADMIN_PASSWORD);
    for (const [username, experiment, role] of [
      ['bob', 'demo', 'analysis'],
      ['pete', 'demo', 'production'],
      ['olga', 'other', 'superuser'],
    ] as const) {
      await expectStatus('admin', 'PUT', `/experiments/${experiment}/members/${username}`, 200, {
        role,
      });
      tokens[username] = await tokenFor(username, `${username} has a long password`);
    }
  });
  after(async () => {
    await server.close();
  });

  it('lists the built-in templates with the saved ones, each with its source', async () => {
    const builtin = (await expectStatus('admin', 'GET', '/templates?limit=1000', 200)).list;
    const before = await library('?limit=1000');
    assert.equal(before.total, builtin.length);
    assert.ok(before.items.every((t) => t.source === 'builtin' && t.author === null));
    assert.deepEqual(
      before.items.map((t) => t.name).sort(),
      builtin.map((t) => String(t.campaign)).sort(),
    );

    const saved = await expectStatus('pete', 'POST', '/experiments/demo/templates', 201, {
      name: 'mc-base',
      description: 'Our MC chain, as production runs it',
      from_campaign: 'mc_chain',
    });
    const item = saved.body as unknown as Item;
    assert.equal(item.source, 'experiment');
    assert.equal(item.author, 'pete');
    assert.equal(item.campaign, 'mc_chain');
    assert.deepEqual(item.tags, ['mc', 'template']);
    assert.equal(item.text, await campaignText('mc_chain'));

    const all = await library('?limit=1000');
    assert.equal(all.total, builtin.length + 1);
    const names = all.items.map((t) => t.name);
    assert.deepEqual(names, [...names].sort());
    const mine = all.items.find((t) => t.name === 'mc-base');
    assert.equal(mine?.source, 'experiment');
    assert.equal(mine?.description, 'Our MC chain, as production runs it');
    assert.equal('text' in (mine ?? {}), false);

    // Paging walks the merged list in the same order.
    const second = await library('?limit=2&offset=1');
    assert.deepEqual(
      second.items.map((t) => t.name),
      names.slice(1, 3),
    );
    // q looks in names and descriptions; tag filters both kinds.
    assert.deepEqual(
      (await library('?q=AS PRODUCTION')).items.map((t) => t.name),
      ['mc-base'],
    );
    const mc = await library('?tag=mc');
    assert.ok(mc.items.some((t) => t.name === 'mc-base'));
    assert.ok(mc.items.some((t) => t.source === 'builtin' && t.name === 'mc_chain'));
    assert.ok(mc.items.every((t) => t.tags.includes('mc')));
    assert.equal((await library('?tag=mc&q=nothing-like-this')).total, 0);

    // Another experiment does not see it; the built-in library is unchanged.
    const other = (
      await expectStatus('olga', 'GET', '/experiments/other/templates?limit=1000', 200)
    ).list;
    assert.equal(other.length, builtin.length);
    assert.ok(!other.some((t) => t.name === 'mc-base'));
    const plain = await expectStatus('admin', 'GET', '/templates?limit=1000', 200);
    assert.equal(plain.list.length, builtin.length);
    assert.equal('source' in (plain.list[0] ?? {}), false);
    // Outsiders cannot see an experiment's library at all.
    await expectStatus('olga', 'GET', '/experiments/demo/templates', 404);
    await expectStatus('olga', 'GET', '/experiments/demo/templates/mc-base', 404);
    assert.deepEqual(await auditActions('mc-base'), ['template.create by pete']);
  });

  it('reads a template of either kind with its text', async () => {
    const saved = await expectStatus('bob', 'GET', '/experiments/demo/templates/mc-base', 200);
    assert.equal(saved.body.source, 'experiment');
    assert.equal(saved.body.text, await campaignText('mc_chain'));
    const builtin = await expectStatus(
      'bob',
      'GET',
      '/experiments/demo/templates/toy_z_chain',
      200,
    );
    assert.equal(builtin.body.source, 'builtin');
    assert.equal(builtin.body.file, 'demo-physics.yaml');
    assert.match(String(builtin.body.text), /^campaign: toy_z_chain$/m);
    await expectStatus('bob', 'GET', '/experiments/demo/templates/nope', 404);
  });

  it('saving needs the right to create that campaign, a free name, and sound text', async () => {
    // bob (analysis) may not create production campaigns, so may not save one as a template…
    const refused = await expectStatus('bob', 'POST', '/experiments/demo/templates', 403, {
      name: 'bob-mc',
      from_campaign: 'mc_chain',
    });
    assert.equal(errorCode(refused), 'auth.forbidden');
    // …but may save an analysis one, which he would own.
    const text = await campaignText('numu_cc_inclusive_ntuples');
    const bobs = await expectStatus('bob', 'POST', '/experiments/demo/templates', 201, {
      name: 'bob-ntuples',
      text,
      tags: ['ntuple', 'mine'],
    });
    assert.deepEqual(bobs.body.tags, ['ntuple', 'mine']);
    assert.equal(bobs.body.description, (await library('?q=numu_cc')).items[0]?.description);

    // A taken name needs overwrite, and only the author or an admin may overwrite.
    const taken = await expectStatus('pete', 'POST', '/experiments/demo/templates', 409, {
      name: 'mc-base',
      from_campaign: 'keepup_reco',
    });
    assert.equal(errorCode(taken), 'store.conflict');
    await expectStatus('bob', 'POST', '/experiments/demo/templates', 403, {
      name: 'mc-base',
      text,
      overwrite: true,
    });
    const over = await expectStatus('pete', 'POST', '/experiments/demo/templates', 201, {
      name: 'mc-base',
      from_campaign: 'keepup_reco',
      overwrite: true,
    });
    assert.equal(over.body.campaign, 'keepup_reco');
    assert.equal(
      (await expectStatus('pete', 'GET', '/experiments/demo/templates/mc-base', 200)).body.text,
      await campaignText('keepup_reco'),
    );
    assert.deepEqual(await auditActions('mc-base'), [
      'template.overwrite by pete',
      'template.create by pete',
    ]);
    // Built-in names are taken for good.
    await expectStatus('pete', 'POST', '/experiments/demo/templates', 409, {
      name: 'toy_z_chain',
      from_campaign: 'mc_chain',
    });
    // Exactly one source of text, and text that is a campaign.
    for (const body of [
      { name: 'x' },
      { name: 'x', text, from_campaign: 'mc_chain' },
      { name: 'has space', text },
    ]) {
      await expectStatus('pete', 'POST', '/experiments/demo/templates', 400, body);
    }
    const invalid = await expectStatus('pete', 'POST', '/experiments/demo/templates', 400, {
      name: 'broken',
      text: 'campaign: broken\nstages: 12\n',
    });
    assert.equal(errorCode(invalid), 'campaign.invalid');
    await expectStatus('pete', 'POST', '/experiments/demo/templates', 404, {
      name: 'ghost',
      from_campaign: 'no_such_campaign',
    });
  });

  it('clones a saved or a built-in template with keywords and replacements', async () => {
    const fromSaved = await expectStatus(
      'pete',
      'POST',
      '/experiments/demo/campaigns/from-template',
      201,
      {
        template: 'mc-base',
        name: 'keepup_copy',
        replace: [{ from: 'reco1_keepup_physics.fcl', to: 'reco2_keepup.fcl' }],
        keywords: { release: 'v11_00_00' },
      },
    );
    const revision = fromSaved.body.revision as { message: string; author: string };
    assert.equal(revision.message, 'cloned from experiment template mc-base');
    assert.equal(revision.author, 'pete');
    const copy = await campaignText('keepup_copy');
    assert.match(copy, /^campaign: keepup_copy$/m);
    assert.match(copy, /^ {2}release: v11_00_00$/m);
    assert.ok(copy.includes('reco2_keepup.fcl'));
    assert.ok(!copy.includes('reco1_keepup_physics.fcl'));

    await expectStatus('pete', 'POST', '/experiments/demo/campaigns/from-template', 201, {
      template: 'toy_z_chain',
      name: 'toy_copy',
      keywords: { nevents: '50' },
    });
    const toy = await campaignText('toy_copy');
    assert.match(toy, /^ {2}nevents: "?50"?$/m);
    // The comment above the keyword stays.
    assert.ok(toy.includes('# Events per generator job'));

    const unknown = await expectStatus(
      'pete',
      'POST',
      '/experiments/demo/campaigns/from-template',
      400,
      { template: 'mc-base', name: 'k2', keywords: { nonsense: '1' } },
    );
    assert.equal((unknown.body.error as { field?: string }).field, 'keywords');
    await expectStatus('pete', 'POST', '/experiments/demo/campaigns/from-template', 404, {
      template: 'nope',
      name: 'k3',
    });
    // Another experiment cannot clone demo's saved template: it is not in its library.
    await expectStatus('olga', 'POST', '/experiments/other/campaigns/from-template', 404, {
      template: 'mc-base',
      name: 'k4',
    });
  });

  it('deleting is for the author or an experiment admin', async () => {
    await expectStatus('bob', 'DELETE', '/experiments/demo/templates/mc-base', 403);
    await expectStatus('pete', 'DELETE', '/experiments/demo/templates/mc-base', 200);
    await expectStatus('pete', 'DELETE', '/experiments/demo/templates/mc-base', 404);
    // Built-in templates are not the experiment's to delete.
    await expectStatus('admin', 'DELETE', '/experiments/demo/templates/toy_z_chain', 404);
    await expectStatus('admin', 'DELETE', '/experiments/demo/templates/bob-ntuples', 200);
    assert.ok(!(await library('?limit=1000')).items.some((t) => t.source === 'experiment'));
    assert.deepEqual(await auditActions('mc-base'), [
      'template.delete by pete',
      'template.overwrite by pete',
      'template.create by pete',
    ]);
    assert.deepEqual(await auditActions('bob-ntuples'), [
      'template.delete by admin',
      'template.create by bob',
    ]);
  });
});
