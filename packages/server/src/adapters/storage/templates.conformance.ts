/**
 * Templates saved in an experiment (ports/templates.ts) as tests, run on every store by
 * templates.sqlite.test.ts and templates.postgres.test.ts with an injected clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../ports/errors.ts';
import type { Store } from '../../ports/store.ts';
import type { NewExperimentTemplate } from '../../ports/templates.ts';
import { counterIds, manualClock, type OpenFreshStore } from './store.conformance.ts';

const TEXT = '# a comment kept as written\r\ncampaign: reco\nstages:\n  a: {job_type: x}\n';

function template(overrides: Partial<NewExperimentTemplate> = {}): NewExperimentTemplate {
  return {
    experiment: 'exp',
    name: 'reco-template',
    description: 'Reconstruction, ready to clone',
    tags: ['reco', 'template'],
    stages: ['a'],
    campaign: 'reco',
    text: TEXT,
    author: 'alice',
    ...overrides,
  };
}

export function describeTemplateConformance(name: string, open: OpenFreshStore): void {
  async function use(
    fn: (store: Store, clock: ReturnType<typeof manualClock>) => Promise<void>,
  ): Promise<void> {
    const clock = manualClock();
    const store = await open({ clock, ids: counterIds() });
    try {
      await store.experiments.create({ name: 'exp', display_name: 'Exp' });
      await store.experiments.create({ name: 'other', display_name: 'Other' });
      await fn(store, clock);
    } finally {
      await store.close();
    }
  }

  describe(name, () => {
    it('saves a template and reads it back verbatim, per experiment', () =>
      use(async (store, clock) => {
        const saved = await store.templates.save(template());
        const expected = {
          experiment: 'exp',
          name: 'reco-template',
          description: 'Reconstruction, ready to clone',
          tags: ['reco', 'template'],
          stages: ['a'],
          campaign: 'reco',
          author: 'alice',
          created_at: clock.now().toISOString(),
          text: TEXT,
        };
        assert.deepEqual(saved, expected);
        assert.deepEqual(await store.templates.get('exp', 'reco-template'), expected);
        await assert.rejects(store.templates.get('other', 'reco-template'), NotFoundError);
        await assert.rejects(store.templates.get('exp', 'nope'), NotFoundError);
        await assert.rejects(store.templates.get('exp', 'bad\u0000name'), NotFoundError);
        assert.deepEqual(await store.templates.list('other'), []);
      }));

    it('lists by name without the text', () =>
      use(async (store) => {
        await store.templates.save(template({ name: 'b', description: null }));
        await store.templates.save(template({ name: 'a', tags: [] }));
        await store.templates.save(template({ name: 'c', experiment: 'other' }));
        const list = await store.templates.list('exp');
        assert.deepEqual(
          list.map((t) => t.name),
          ['a', 'b'],
        );
        assert.equal('text' in list[0]!, false);
        assert.deepEqual(list[0]!.tags, []);
        assert.equal(list[1]!.description, null);
      }));

    it('refuses an existing name unless asked to overwrite, then replaces the template', () =>
      use(async (store, clock) => {
        await store.templates.save(template());
        await assert.rejects(
          store.templates.save(template({ author: 'bob', text: 'campaign: other\n' })),
          ConflictError,
        );
        assert.equal((await store.templates.get('exp', 'reco-template')).author, 'alice');
        clock.advance(60_000);
        const replaced = await store.templates.save(
          template({ author: 'bob', text: 'campaign: x\n', description: null, tags: ['new'] }),
          { overwrite: true },
        );
        assert.equal(replaced.author, 'bob');
        const read = await store.templates.get('exp', 'reco-template');
        assert.deepEqual(read, replaced);
        assert.equal(read.text, 'campaign: x\n');
        assert.equal(read.created_at, clock.now().toISOString());
        assert.equal(read.description, null);
        assert.deepEqual(read.tags, ['new']);
        assert.equal((await store.templates.list('exp')).length, 1);
        // Overwrite of a name that does not exist yet simply saves it.
        await store.templates.save(template({ name: 'fresh' }), { overwrite: true });
        assert.equal((await store.templates.list('exp')).length, 2);
      }));

    it('refuses unknown experiments and bad input', () =>
      use(async (store) => {
        await assert.rejects(
          store.templates.save(template({ experiment: 'nosuch' })),
          NotFoundError,
        );
        await assert.rejects(
          store.templates.save(template({ name: 'has space' })),
          InvalidArgumentError,
        );
        await assert.rejects(
          store.templates.save(template({ text: 'a\u0000b' })),
          InvalidArgumentError,
        );
        await assert.rejects(store.templates.save(template({ author: '' })), InvalidArgumentError);
        assert.deepEqual(await store.templates.list('exp'), []);
      }));

    it('deletes a template, saying whether there was one', () =>
      use(async (store) => {
        await store.templates.save(template());
        assert.equal(await store.templates.delete('other', 'reco-template'), false);
        assert.equal(await store.templates.delete('exp', 'reco-template'), true);
        assert.equal(await store.templates.delete('exp', 'reco-template'), false);
        await assert.rejects(store.templates.get('exp', 'reco-template'), NotFoundError);
      }));

    it('rolls back with the transaction it was saved in', () =>
      use(async (store) => {
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.templates.save(template());
            assert.equal((await tx.templates.list('exp')).length, 1);
            throw new Error('undo');
          }),
          /undo/,
        );
        assert.deepEqual(await store.templates.list('exp'), []);
      }));
  });
}
