/**
 * The Store contract as tests. Every adapter's test file calls describeStoreConformance with a
 * way to open a fresh, empty, migrated store; the same cases then run on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ID_PREFIXES,
  parseId,
  type CampaignId,
  type Id,
  type IdKind,
  type IdSource,
} from '@poms/core';
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  StaleRevisionError,
  type StoreError,
  type StoreErrorCode,
} from '../../ports/errors.ts';
import type { CampaignRecord, Store, StoreDeps } from '../../ports/store.ts';

/** Opens a fresh, empty, migrated store; deps not given are the adapter's test defaults. */
export type OpenFreshStore = (deps?: Partial<StoreDeps>) => Promise<Store>;

export function manualClock(start = Date.UTC(2030, 0, 2, 3, 4, 5, 6)) {
  let t = start;
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

/** Predictable ids: `cmp_00000000000000000000000001`, … */
export function counterIds(): IdSource {
  let n = 0;
  return {
    next<K extends IdKind>(kind: K): Id<K> {
      n += 1;
      return `${ID_PREFIXES[kind]}_${String(n).padStart(26, '0')}` as Id<K>;
    },
  };
}

async function rejectsWith<E extends StoreError>(
  promise: Promise<unknown>,
  kind: abstract new (...args: never[]) => E,
  code: StoreErrorCode,
  check?: (err: E) => void,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof kind, `expected ${kind.name}, got ${String(err)}`);
    assert.equal(err.code, code);
    check?.(err);
    return true;
  });
}

const notFound = (p: Promise<unknown>) => rejectsWith(p, NotFoundError, 'store.not-found');
const conflict = (p: Promise<unknown>) => rejectsWith(p, ConflictError, 'store.conflict');
const invalid = (p: Promise<unknown>, field?: string) =>
  rejectsWith(p, InvalidArgumentError, 'store.invalid-argument', (err) => {
    if (field !== undefined) assert.equal(err.field, field);
  });

// Line endings of three kinds, tabs, a BOM, trailing blanks, combining marks, astral and RTL
// characters, U+2028, NBSP, and no final newline.
const TRICKY_TEXT =
  '\uFEFF# ünïcödé 🚀 e\u0301 שלום 中文\r\nstages:\r\n\tgen:  \t\r\n    cmd: "a\\tb"\n\n' +
  '  trailing   \n\rold-mac\r\u2028\u00a0last line';

function bigText(): string {
  const line = 'stage_é\t🚀 data: "x"\r\n';
  return line.repeat(Math.ceil((1024 * 1024) / line.length)).slice(0, 1024 * 1024);
}

const MODEL = {
  name: 'reco',
  stages: [
    { name: 'gen', n: 3, f: 0.1 + 0.2, big: 1e300, tiny: 5e-324, neg: -42, on: true, none: null },
  ],
  tags: ['a', 'ü', '🚀'],
  // NUL is fine inside the model: JSON escapes it.
  text: 'line\r\n\t"quoted" \\ \u0000 end',
  nested: { deep: { deeper: [[], {}, [1, [2, [3]]]] } },
};

const SUMMARY_KEYS = [
  'active',
  'created_at',
  'current_revision',
  'experiment',
  'id',
  'name',
  'updated_at',
].sort();

export function describeStoreConformance(name: string, openFresh: OpenFreshStore): void {
  async function use(
    fn: (store: Store) => Promise<void>,
    deps?: Partial<StoreDeps>,
  ): Promise<void> {
    const store = await openFresh(deps);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  }

  async function withExperiment(store: Store, exp = 'mu2e'): Promise<string> {
    await store.experiments.create({ name: exp, display_name: exp.toUpperCase() });
    return exp;
  }

  async function newCampaign(store: Store, experiment: string, campaign: string, text = 'x: 1\n') {
    return store.campaigns.create({
      experiment,
      name: campaign,
      text,
      model: { campaign },
      author: 'alice',
    });
  }

  describe(name, () => {
    describe('experiments', () => {
      it('creates, gets and lists experiments by name in byte order', () =>
        use(
          async (store) => {
            const created = await store.experiments.create({
              name: 'mu2e',
              display_name: 'Mu2e — Müon-to-Electron 🧲',
            });
            assert.deepEqual(created, {
              name: 'mu2e',
              display_name: 'Mu2e — Müon-to-Electron 🧲',
              active: true,
              created_at: '2030-01-02T03:04:05.006Z',
              updated_at: '2030-01-02T03:04:05.006Z',
            });
            assert.deepEqual(await store.experiments.get('mu2e'), created);
            for (const n of ['b0', 'ab', 'a_b', 'a-b', 'a9']) {
              await store.experiments.create({ name: n, display_name: n });
            }
            const names = (await store.experiments.list()).map((e) => e.name);
            assert.deepEqual(names, ['a-b', 'a9', 'a_b', 'ab', 'b0', 'mu2e']);
          },
          { clock: manualClock() },
        ));

      it('refuses a duplicate name', () =>
        use(async (store) => {
          await store.experiments.create({ name: 'dune', display_name: 'DUNE' });
          await conflict(store.experiments.create({ name: 'dune', display_name: 'Other' }));
          assert.equal((await store.experiments.get('dune')).display_name, 'DUNE');
        }));

      it('rejects invalid names, unicode included, and stores nothing', () =>
        use(async (store) => {
          const bad = [
            'A',
            'a',
            '1ab',
            '_ab',
            'Mu2e',
            'müon',
            'аb',
            'ab cd',
            'ab\n',
            '',
            'a'.repeat(33),
          ];
          for (const n of bad)
            await invalid(store.experiments.create({ name: n, display_name: 'x' }), 'name');
          await store.experiments.create({ name: 'a'.repeat(32), display_name: 'longest' });
          assert.equal((await store.experiments.list()).length, 1);
        }));

      it('rejects empty, multi-line, too long or malformed display names', () =>
        use(async (store) => {
          for (const d of ['', '   ', 'a\nb', 'tab\there', 'x'.repeat(201), 'bad \uD800 half']) {
            await invalid(
              store.experiments.create({ name: 'nova', display_name: d }),
              'display_name',
            );
          }
          assert.deepEqual(await store.experiments.list(), []);
        }));

      it('sets active and bumps updated_at', () => {
        const clock = manualClock();
        return use(
          async (store) => {
            await store.experiments.create({ name: 'nova', display_name: 'NOvA' });
            clock.advance(1000);
            const off = await store.experiments.setActive('nova', false);
            assert.equal(off.active, false);
            assert.equal(off.created_at, '2030-01-02T03:04:05.006Z');
            assert.equal(off.updated_at, '2030-01-02T03:04:06.006Z');
            assert.equal((await store.experiments.get('nova')).active, false);
            assert.equal((await store.experiments.setActive('nova', true)).active, true);
          },
          { clock },
        );
      });

      it('reports unknown experiments as not found', () =>
        use(async (store) => {
          await notFound(store.experiments.get('nope'));
          await notFound(store.experiments.get('No\u0000Pe'));
          await notFound(store.experiments.setActive('nope', false));
        }));
    });

    describe('campaigns', () => {
      it('creates revision 1 with injected id and clock; get and getById agree', () =>
        use(
          async (store) => {
            const exp = await withExperiment(store);
            const saved = await store.campaigns.create({
              experiment: exp,
              name: 'reco_v1',
              text: 'name: reco_v1\n',
              model: MODEL,
              author: 'alice',
              message: 'first',
            });
            const expected: CampaignRecord = {
              id: 'cmp_00000000000000000000000001' as CampaignId,
              experiment: exp,
              name: 'reco_v1',
              current_revision: 1,
              active: true,
              created_at: '2030-01-02T03:04:05.006Z',
              updated_at: '2030-01-02T03:04:05.006Z',
              text: 'name: reco_v1\n',
              model: MODEL,
            };
            assert.deepEqual(saved.campaign, expected);
            assert.deepEqual(saved.revision, {
              campaign_id: expected.id,
              revision: 1,
              author: 'alice',
              message: 'first',
              created_at: '2030-01-02T03:04:05.006Z',
              text: 'name: reco_v1\n',
              model: MODEL,
            });
            assert.deepEqual(await store.campaigns.get(exp, 'reco_v1'), expected);
            assert.deepEqual(await store.campaigns.getById(expected.id), expected);
            assert.deepEqual(await store.campaigns.getRevision(expected.id, 1), saved.revision);
          },
          { clock: manualClock(), ids: counterIds() },
        ));

      it('uses the adapter default ids: prefixed cmp_', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const { campaign } = await newCampaign(store, exp, 'c1');
          assert.ok(parseId('campaign', campaign.id), campaign.id);
          assert.notEqual(campaign.id, (await newCampaign(store, exp, 'c2')).campaign.id);
        }));

      it('refuses duplicate names within an experiment but allows them across experiments', () =>
        use(async (store) => {
          const mu2e = await withExperiment(store, 'mu2e');
          const dune = await withExperiment(store, 'dune');
          await newCampaign(store, mu2e, 'reco');
          await conflict(newCampaign(store, mu2e, 'reco', 'other'));
          const other = await newCampaign(store, dune, 'reco', 'dune text');
          assert.equal(other.campaign.experiment, 'dune');
          // Names are case-sensitive.
          await newCampaign(store, mu2e, 'Reco');
          assert.equal((await store.campaigns.get(mu2e, 'reco')).text, 'x: 1\n');
          assert.equal((await store.campaigns.get(dune, 'reco')).text, 'dune text');
          assert.equal((await store.campaigns.list(mu2e)).total, 2);
        }));

      it('refuses a campaign in an unknown experiment', () =>
        use(async (store) => {
          await notFound(newCampaign(store, 'nope', 'reco'));
          await notFound(newCampaign(store, 'NOPE!', 'reco'));
        }));

      it('rejects invalid campaign names, unicode included, and stores nothing', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const bad = [
            'müon',
            'rеco',
            'ﬁle',
            'reco v1',
            '',
            ' reco',
            'reco\n',
            'a/b',
            '.hidden',
            'a'.repeat(129),
          ];
          for (const n of bad) await invalid(newCampaign(store, exp, n), 'name');
          await newCampaign(store, exp, 'A'.repeat(128));
          assert.equal((await store.campaigns.list(exp)).total, 1);
        }));

      it('stores text byte for byte: CRLF, tabs, BOM, unicode, 1 MB', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const big = bigText();
          assert.equal(big.length, 1024 * 1024);
          const a = await newCampaign(store, exp, 'tricky', TRICKY_TEXT);
          const b = await newCampaign(store, exp, 'big', big);
          assert.equal((await store.campaigns.get(exp, 'tricky')).text, TRICKY_TEXT);
          assert.equal((await store.campaigns.getById(b.campaign.id)).text, big);
          const saved = await store.campaigns.saveRevision({
            campaignId: a.campaign.id,
            expectedRevision: 1,
            text: big + TRICKY_TEXT,
            model: null,
            author: 'bob',
          });
          assert.equal(saved.campaign.text, big + TRICKY_TEXT);
          assert.equal(
            (await store.campaigns.getRevision(a.campaign.id, 2)).text,
            big + TRICKY_TEXT,
          );
          assert.equal((await store.campaigns.getRevision(a.campaign.id, 1)).text, TRICKY_TEXT);
          assert.equal(
            Buffer.from((await store.campaigns.getById(a.campaign.id)).text, 'utf8').equals(
              Buffer.from(big + TRICKY_TEXT, 'utf8'),
            ),
            true,
          );
        }));

      it('refuses text no store can keep faithfully: NUL, lone surrogates', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          await invalid(newCampaign(store, exp, 'nul', 'a\u0000b'), 'text');
          await invalid(newCampaign(store, exp, 'half', 'a\uDC00b'), 'text');
          assert.equal((await store.campaigns.list(exp)).total, 0);
        }));

      it('round-trips JSON models, and refuses values that are not JSON', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const { campaign } = await newCampaign(store, exp, 'm');
          let revision = 1;
          for (const model of [MODEL, null, 'just a string', 42, [1, 'two', { three: [3] }], {}]) {
            const saved = await store.campaigns.saveRevision({
              campaignId: campaign.id,
              expectedRevision: revision,
              text: `rev ${revision + 1}`,
              model,
              author: 'alice',
            });
            revision = saved.revision.revision;
            assert.deepEqual(saved.campaign.model, model);
            assert.deepEqual((await store.campaigns.getById(campaign.id)).model, model);
            assert.deepEqual(
              (await store.campaigns.getRevision(campaign.id, revision)).model,
              model,
            );
          }
          await invalid(
            store.campaigns.saveRevision({
              campaignId: campaign.id,
              expectedRevision: revision,
              text: 't',
              model: undefined,
              author: 'alice',
            }),
            'model',
          );
          const cyclic: Record<string, unknown> = {};
          cyclic.self = cyclic;
          await invalid(
            store.campaigns.saveRevision({
              campaignId: campaign.id,
              expectedRevision: revision,
              text: 't',
              model: cyclic,
              author: 'alice',
            }),
            'model',
          );
          assert.equal((await store.campaigns.getById(campaign.id)).current_revision, revision);
        }));

      it('lists by name in byte order, in pages, with total and no text', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const names = ['b', 'B', 'a_b', 'a-b', 'ab', 'A', '0x', 'a.b', 'Z9'];
          for (let i = 0; i < 16; i++) names.push(`c${String(i).padStart(2, '0')}`);
          for (const n of names) await newCampaign(store, exp, n);
          const sorted = [...names].sort();

          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const page = await store.campaigns.list(exp, { limit: 10, cursor });
            assert.equal(page.total, 25);
            for (const item of page.items) assert.deepEqual(Object.keys(item).sort(), SUMMARY_KEYS);
            seen.push(...page.items.map((c) => c.name));
            cursor = page.next_cursor;
            pages += 1;
          } while (cursor !== null);
          assert.equal(pages, 3);
          assert.deepEqual(seen, sorted);

          const exact = await store.campaigns.list(exp, { limit: 25 });
          assert.equal(exact.items.length, 25);
          assert.equal(exact.next_cursor, null);
          const first = await store.campaigns.list(exp);
          assert.equal(first.items.length, 25, 'default limit is larger than 25');
        }));

      it("reads a page's tags, owners and current models in one go", () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const a = await store.campaigns.create({
            experiment: exp,
            name: 'a',
            text: 'a',
            model: { v: 1 },
            author: 'alice',
            tags: ['z', 'mc', '🚀', 'Mc', 'mc'],
          });
          const b = await newCampaign(store, exp, 'b');
          await store.campaigns.saveRevision({
            campaignId: a.campaign.id,
            expectedRevision: 1,
            text: 'a2',
            model: { v: 2, stages: { x: {} } },
            author: 'bob',
            tags: ['new', 'mc'],
          });
          const many = [];
          for (let i = 0; i < 520; i++) many.push(await newCampaign(store, exp, `m${i}`));
          const facts = await store.campaigns.facts([
            b.campaign.id,
            'cmp_nope' as CampaignId,
            a.campaign.id,
            b.campaign.id,
          ]);
          assert.deepEqual(facts, [
            { id: b.campaign.id, tags: [], owner: 'alice', model: { campaign: 'b' } },
            {
              id: a.campaign.id,
              tags: ['mc', 'new'],
              owner: 'alice',
              model: { v: 2, stages: { x: {} } },
            },
          ]);
          // More ids than one statement takes: every one answered, in order.
          const all = await store.campaigns.facts(many.map((m) => m.campaign.id));
          assert.equal(all.length, 520);
          assert.deepEqual(all[519]?.model, { campaign: 'm519' });
          assert.deepEqual(
            all.map((f) => f.id),
            many.map((m) => m.campaign.id),
          );
          assert.deepEqual(await store.campaigns.facts([]), []);
          const tagged = await store.campaigns.create({
            experiment: exp,
            name: 't',
            text: 't',
            model: {},
            author: 'carol',
            tags: ['z', 'Mc', '🚀', 'a'],
          });
          assert.deepEqual((await store.campaigns.facts([tagged.campaign.id]))[0]?.tags, [
            'Mc',
            'a',
            'z',
            '🚀',
          ]);
        }));

      it('filters by name fragment (case-insensitive, % and _ literal) and by active', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          for (const n of ['reco_v1', 'Reco-V2', 'recoxv3', 'sim', 'mixed_RECO']) {
            await newCampaign(store, exp, n);
          }
          const names = async (options: Parameters<Store['campaigns']['list']>[1]) =>
            (await store.campaigns.list(exp, options)).items.map((c) => c.name);

          assert.deepEqual(await names({ nameContains: 'RECO' }), [
            'Reco-V2',
            'mixed_RECO',
            'reco_v1',
            'recoxv3',
          ]);
          assert.deepEqual(await names({ nameContains: '_v' }), ['reco_v1']);
          assert.deepEqual(await names({ nameContains: '%' }), []);
          const page = await store.campaigns.list(exp, { nameContains: 'reco', limit: 2 });
          assert.equal(page.total, 4);
          assert.deepEqual(
            (await store.campaigns.list(exp, { nameContains: 'reco', cursor: page.next_cursor }))
              .items.length,
            2,
          );

          const sim = await store.campaigns.get(exp, 'sim');
          await store.campaigns.setActive(sim.id, false);
          assert.deepEqual(await names({ activeOnly: true, nameContains: 's' }), []);
          assert.deepEqual(await names({ activeOnly: false, nameContains: 's' }), ['sim']);
          assert.equal((await store.campaigns.list(exp, { activeOnly: true })).total, 4);
        }));

      it('refuses bad page options and unknown experiments', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          for (const limit of [0, -1, 1.5, 1001, Number.NaN]) {
            await invalid(store.campaigns.list(exp, { limit }), 'limit');
          }
          await invalid(store.campaigns.list(exp, { cursor: 'not a cursor!' }), 'cursor');
          await invalid(store.campaigns.list(exp, { nameContains: 'a\u0000' }), 'nameContains');
          await notFound(store.campaigns.list('nope'));
        }));

      it('appends revisions; history is immutable and listed newest first', () => {
        const clock = manualClock();
        return use(
          async (store) => {
            const exp = await withExperiment(store);
            const { campaign } = await newCampaign(store, exp, 'reco', 'v1');
            for (let r = 1; r < 5; r++) {
              clock.advance(1000);
              const saved = await store.campaigns.saveRevision({
                campaignId: campaign.id,
                expectedRevision: r,
                text: `v${r + 1}`,
                model: { r: r + 1 },
                author: `user${r + 1}`,
                message: r % 2 === 0 ? `save ${r + 1}` : undefined,
              });
              assert.equal(saved.revision.revision, r + 1);
              assert.equal(saved.campaign.current_revision, r + 1);
              assert.equal(saved.campaign.text, `v${r + 1}`);
              assert.equal(saved.campaign.created_at, '2030-01-02T03:04:05.006Z');
              assert.equal(saved.campaign.updated_at, clock.now().toISOString());
            }
            const current = await store.campaigns.get(exp, 'reco');
            assert.equal(current.current_revision, 5);
            assert.equal(current.text, 'v5');
            assert.deepEqual(current.model, { r: 5 });
            const one = await store.campaigns.getRevision(campaign.id, 1);
            assert.equal(one.text, 'v1');
            assert.equal(one.author, 'alice');
            assert.equal(one.message, null);

            const all = await store.campaigns.listRevisions(campaign.id);
            assert.equal(all.total, 5);
            assert.deepEqual(
              all.items.map((r) => r.revision),
              [5, 4, 3, 2, 1],
            );
            assert.deepEqual(Object.keys(all.items[0] ?? {}).sort(), [
              'author',
              'campaign_id',
              'created_at',
              'message',
              'revision',
            ]);
            assert.deepEqual(all.items[2], {
              campaign_id: campaign.id,
              revision: 3,
              author: 'user3',
              message: 'save 3',
              created_at: '2030-01-02T03:04:07.006Z',
            });
            const page = await store.campaigns.listRevisions(campaign.id, { limit: 2, offset: 2 });
            assert.deepEqual(
              page.items.map((r) => r.revision),
              [3, 2],
            );
            assert.equal(page.total, 5);
            assert.deepEqual(
              (await store.campaigns.listRevisions(campaign.id, { offset: 9 })).items,
              [],
            );
            await invalid(store.campaigns.listRevisions(campaign.id, { offset: -1 }), 'offset');
          },
          { clock },
        );
      });

      it('refuses a stale save and changes nothing', () => {
        const clock = manualClock();
        return use(
          async (store) => {
            const exp = await withExperiment(store);
            const { campaign } = await newCampaign(store, exp, 'reco', 'v1');
            await store.campaigns.saveRevision({
              campaignId: campaign.id,
              expectedRevision: 1,
              text: 'v2',
              model: { v: 2 },
              author: 'alice',
            });
            const before = await store.campaigns.getById(campaign.id);
            clock.advance(5000);
            for (const expectedRevision of [1, 3, 99]) {
              await rejectsWith(
                store.campaigns.saveRevision({
                  campaignId: campaign.id,
                  expectedRevision,
                  text: 'lost',
                  model: { v: 'lost' },
                  author: 'bob',
                }),
                StaleRevisionError,
                'store.stale-revision',
                (err) => {
                  assert.equal(err.expected, expectedRevision);
                  assert.equal(err.current, 2);
                  assert.equal(err.campaignId, campaign.id);
                },
              );
            }
            assert.deepEqual(await store.campaigns.getById(campaign.id), before);
            assert.equal((await store.campaigns.listRevisions(campaign.id)).total, 2);
            await notFound(store.campaigns.getRevision(campaign.id, 3));
            await invalid(
              store.campaigns.saveRevision({
                campaignId: campaign.id,
                expectedRevision: 0,
                text: 'x',
                model: null,
                author: 'bob',
              }),
              'expectedRevision',
            );
          },
          { clock },
        );
      });

      it('lets exactly one of 10 concurrent saves from the same revision win', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const { campaign } = await newCampaign(store, exp, 'reco', 'v1');
          const results = await Promise.allSettled(
            Array.from({ length: 10 }, (_, i) =>
              store.campaigns.saveRevision({
                campaignId: campaign.id,
                expectedRevision: 1,
                text: `v2 by ${i}`,
                model: { i },
                author: `writer${i}`,
              }),
            ),
          );
          const won = results.filter((r) => r.status === 'fulfilled');
          const lost = results.filter((r) => r.status === 'rejected');
          assert.equal(won.length, 1);
          assert.equal(lost.length, 9);
          for (const r of lost) {
            assert.ok(r.reason instanceof StaleRevisionError, String(r.reason));
            assert.equal(r.reason.current, 2);
          }
          const winner = won[0]?.value;
          assert.ok(winner);
          const now = await store.campaigns.getById(campaign.id);
          assert.equal(now.current_revision, 2);
          assert.equal(now.text, winner.campaign.text);
          assert.equal((await store.campaigns.listRevisions(campaign.id)).total, 2);
        }));

      it('loses no update when concurrent writers retry on stale saves', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const { campaign } = await newCampaign(store, exp, 'reco', 'v1');
          const writers = 5;
          const savesEach = 4;
          const writer = async (w: number) => {
            for (let k = 0; k < savesEach; k++) {
              for (;;) {
                const current = await store.campaigns.getById(campaign.id);
                try {
                  await store.campaigns.saveRevision({
                    campaignId: campaign.id,
                    expectedRevision: current.current_revision,
                    text: `${current.text}\nw${w}k${k}`,
                    model: null,
                    author: `writer${w}`,
                    message: `w${w}k${k}`,
                  });
                  break;
                } catch (err) {
                  if (!(err instanceof StaleRevisionError)) throw err;
                }
              }
            }
          };
          await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));

          const total = 1 + writers * savesEach;
          const history = await store.campaigns.listRevisions(campaign.id, { limit: 100 });
          assert.equal(history.total, total);
          assert.deepEqual(
            history.items.map((r) => r.revision),
            Array.from({ length: total }, (_, i) => total - i),
          );
          const messages = history.items.map((r) => r.message).filter((m) => m !== null);
          assert.equal(new Set(messages).size, writers * savesEach);
          // Every save built on the one before it: the final text holds all 20 lines.
          const final = await store.campaigns.getById(campaign.id);
          assert.equal(final.text.split('\n').length, total);
        }));

      it('lets exactly one of concurrent creates of the same name win', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const results = await Promise.allSettled(
            Array.from({ length: 8 }, (_, i) => newCampaign(store, exp, 'same', `text ${i}`)),
          );
          assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
          for (const r of results) {
            if (r.status === 'rejected')
              assert.ok(r.reason instanceof ConflictError, String(r.reason));
          }
          const page = await store.campaigns.list(exp);
          assert.equal(page.total, 1);
          assert.equal((await store.campaigns.listRevisions(page.items[0]!.id)).total, 1);
        }));

      it('renames without touching text or revisions', () => {
        const clock = manualClock();
        return use(
          async (store) => {
            const exp = await withExperiment(store);
            const { campaign } = await newCampaign(store, exp, 'old', 'name: old\n');
            await newCampaign(store, exp, 'taken');
            clock.advance(1000);
            const renamed = await store.campaigns.rename(campaign.id, 'new');
            assert.equal(renamed.name, 'new');
            assert.equal(renamed.current_revision, 1);
            assert.equal(renamed.updated_at, '2030-01-02T03:04:06.006Z');
            assert.equal((await store.campaigns.get(exp, 'new')).text, 'name: old\n');
            await notFound(store.campaigns.get(exp, 'old'));
            await conflict(store.campaigns.rename(campaign.id, 'taken'));
            await invalid(store.campaigns.rename(campaign.id, 'nëw'), 'name');
            assert.equal((await store.campaigns.getById(campaign.id)).name, 'new');
            assert.equal((await store.campaigns.listRevisions(campaign.id)).total, 1);
          },
          { clock },
        );
      });

      it('sets active', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const { campaign } = await newCampaign(store, exp, 'reco');
          assert.equal((await store.campaigns.setActive(campaign.id, false)).active, false);
          assert.equal((await store.campaigns.getById(campaign.id)).active, false);
          assert.equal((await store.campaigns.setActive(campaign.id, true)).active, true);
        }));

      it('reports unknown campaigns and revisions as not found', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          const { campaign } = await newCampaign(store, exp, 'reco');
          const absent = `cmp_${'z'.repeat(26)}` as CampaignId;
          const garbage = 'cmp_\u0000' as CampaignId;
          await notFound(store.campaigns.get(exp, 'nope'));
          await notFound(store.campaigns.get('nope', 'reco'));
          for (const id of [absent, garbage]) {
            await notFound(store.campaigns.getById(id));
            await notFound(store.campaigns.getRevision(id, 1));
            await notFound(store.campaigns.listRevisions(id));
            await notFound(store.campaigns.rename(id, 'x'));
            await notFound(store.campaigns.setActive(id, false));
            await notFound(
              store.campaigns.saveRevision({
                campaignId: id,
                expectedRevision: 1,
                text: 'x',
                model: null,
                author: 'alice',
              }),
            );
          }
          for (const revision of [0, 2, 1.5, -1]) {
            await notFound(store.campaigns.getRevision(campaign.id, revision));
          }
        }));
    });

    describe('migrations', () => {
      it('re-running migrations applies nothing and keeps the data', () =>
        use(async (store) => {
          const exp = await withExperiment(store);
          await newCampaign(store, exp, 'reco');
          assert.deepEqual(await store.migrate(), { applied: [] });
          assert.deepEqual(await store.migrate(), { applied: [] });
          assert.equal((await store.campaigns.get(exp, 'reco')).text, 'x: 1\n');
        }));

      it('closes idempotently', async () => {
        const store = await openFresh();
        await store.close();
        await store.close();
      });
    });
  });
}
