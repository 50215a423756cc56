import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepRunRecord } from '../../src/domain/index.js';
import type { RunCreateInput, Store } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { postgresFixture, postgresUnavailable, sqliteFixture, type StoreFixture } from './dialects.js';
import { stepRecord as baseStepRecord } from '../helpers/step-record.js';

const pgProblem = await postgresUnavailable();
if (pgProblem !== null) console.warn(`store tests: skipping the PostgreSQL variant, cannot connect: ${pgProblem}`);

const DIALECTS = [
  { dialect: 'sqlite' as const, fixture: sqliteFixture, skip: false },
  { dialect: 'postgres' as const, fixture: postgresFixture, skip: pgProblem !== null },
];

function stepRecord(id: string, sequence: number, status: StepRunRecord['status'] = 'running'): StepRunRecord {
  return baseStepRecord(id, { sequence, status, groupId: 'group-1', elementExists: null, ended: null });
}

describe.each(DIALECTS)('store on $dialect', ({ dialect, fixture, skip }) => {
  let fx: StoreFixture;
  let store: Store;

  beforeAll(async () => {
    if (skip) return;
    fx = fixture();
    store = await fx.open();
  });

  afterAll(async () => {
    if (skip) return;
    await store.close();
    await fx.dispose();
  });

  async function newProject(s: Store = store) {
    const slug = `p-${randomUUID().slice(0, 8)}`;
    return s.projects.create({ name: `Project ${slug}`, slug });
  }

  function runInput(projectId: string, extra: Partial<RunCreateInput> = {}): RunCreateInput {
    return { projectId, testName: 'A test', triggeredBy: 'api', runMode: 'server', screenSizeType: 'desktop', ...extra };
  }

  describe.skipIf(skip)('', () => {
    it('reports its dialect', () => {
      expect(store.dialect).toBe(dialect);
    });

    describe('migrations', () => {
      it('applies each migration once when the store is opened again', async () => {
        const second = await fx.open();
        await second.close();
        const applied = await fx.raw<{ name: string }>('select name from kysely_migration');
        expect(applied.map((m) => m.name)).toEqual(Object.keys(MIGRATIONS).sort());
        // The first store still works after the second one migrated (nothing was re-created).
        const project = await newProject();
        expect(await store.projects.get(project.id)).toEqual(project);
      });

      it.runIf(dialect === 'postgres')('migrates once when two processes open a fresh database at the same time', async () => {
        const fresh = fixture();
        try {
          const stores = await Promise.all([fresh.open(), fresh.open(), fresh.open()]);
          const project = await stores[0].projects.create({ name: 'P', slug: 'p' });
          expect(await stores[2].projects.getBySlug('p')).toEqual(project);
          await Promise.all(stores.map((s) => s.close()));
          const applied = await fresh.raw<{ name: string }>('select name from kysely_migration');
          expect(applied).toHaveLength(Object.keys(MIGRATIONS).length);
        } finally {
          await fresh.dispose();
        }
      });

      it('keeps data across close and reopen', async () => {
        const own = fixture();
        try {
          const first = await own.open();
          const project = await newProject(first);
          const test = await first.tests.upsert(project.id, { slug: 'login', name: 'Login', data: { groups: [1, 2] } });
          const run = await first.runs.create(runInput(project.id, { testId: test.id, plan: { steps: ['a'] } }));
          await first.close();
          await first.close(); // closing twice is harmless

          const second = await own.open();
          expect(await second.projects.getDefault()).toEqual(project);
          expect((await second.tests.get(project.id, test.id))?.data).toEqual({ groups: [1, 2] });
          expect(await second.runs.getById(run.id)).toEqual(run);
          await second.close();
        } finally {
          await own.dispose();
        }
      });
    });

    describe('projects', () => {
      it('finds projects by id and slug and updates settings as JSON', async () => {
        const project = await store.projects.create({ name: 'Shop', slug: `shop-${randomUUID()}`, settings: { general: { default_sleep: 1 } } });
        expect(project.settings).toEqual({ general: { default_sleep: 1 } });
        expect(await store.projects.getBySlug(project.slug)).toEqual(project);
        const updated = await store.projects.updateSettings(project.id, { name: 'Shop 2', settings: { browser: { language: 'pl' } } });
        expect(updated).toMatchObject({ id: project.id, name: 'Shop 2', settings: { browser: { language: 'pl' } } });
        expect(await store.projects.updateSettings(randomUUID(), { settings: null })).toBeNull();
        expect(await store.projects.get(randomUUID())).toBeNull();
      });

      it('names the first project created as the default', async () => {
        const own = fixture();
        try {
          const s = await own.open();
          expect(await s.projects.getDefault()).toBeNull();
          const first = await s.projects.create({ name: 'First', slug: 'first' });
          await s.projects.create({ name: 'Second', slug: 'second' });
          expect((await s.projects.getDefault())?.id).toBe(first.id);
          await s.close();
        } finally {
          await own.dispose();
        }
      });
    });

    describe('tokens', () => {
      it('finds the project of a token, stores only its hash, and forgets it once revoked', async () => {
        const project = await newProject();
        const other = await newProject();
        const { id, token } = await store.tokens.create(project.id, 'ci');
        expect(token).toMatch(/^[0-9a-f]{40}$/);
        expect(await store.tokens.findProject(token)).toBe(project.id);
        expect(await store.tokens.findProject(`${token}x`)).toBeNull();
        expect(await store.tokens.findProject('')).toBeNull();

        const rows = await fx.raw<Record<string, unknown>>(`select * from api_tokens where id = '${id}'`);
        expect(rows).toHaveLength(1);
        for (const value of Object.values(rows[0])) expect(String(value)).not.toContain(token);
        expect(rows[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));

        const listed = await store.tokens.list(project.id);
        expect(listed).toEqual([{ id, name: 'ci', prefix: token.slice(0, 8), created: expect.any(String), lastUsed: expect.any(String), revoked: false }]);
        expect(await store.tokens.list(other.id)).toEqual([]);

        expect(await store.tokens.revoke(other.id, id)).toBe(false);
        expect(await store.tokens.revoke(project.id, id)).toBe(true);
        expect(await store.tokens.revoke(project.id, id)).toBe(false);
        expect(await store.tokens.findProject(token)).toBeNull();
        expect((await store.tokens.list(project.id))[0]?.revoked).toBe(true);
      });

      it('a revoke by another process applies to the very next lookup', async () => {
        const project = await newProject();
        const elsewhere = await fx.open();
        try {
          const { id, token } = await store.tokens.create(project.id, 'revoked elsewhere');
          expect(await store.tokens.findProject(token)).toBe(project.id);
          await elsewhere.tokens.revoke(project.id, id);
          expect(await store.tokens.findProject(token)).toBeNull();
        } finally {
          await elsewhere.close();
        }
      });

      it('accepts a chosen plaintext and ensures a configured token idempotently', async () => {
        const project = await newProject();
        const other = await newProject();
        const plaintext = `env-token-${randomUUID()}`;
        const first = await store.tokens.ensure(project.id, 'BUGRUN_TOKEN', plaintext);
        const again = await store.tokens.ensure(project.id, 'BUGRUN_TOKEN', plaintext);
        expect(first.created).toBe(true);
        expect(again).toEqual({ id: first.id, created: false });
        expect(await store.tokens.list(project.id)).toHaveLength(1);
        expect(await store.tokens.findProject(plaintext)).toBe(project.id);

        await store.tokens.revoke(project.id, first.id);
        expect(await store.tokens.ensure(project.id, 'BUGRUN_TOKEN', plaintext)).toEqual({ id: first.id, created: false });
        expect(await store.tokens.findProject(plaintext)).toBe(project.id);
        await expect(store.tokens.ensure(other.id, 'BUGRUN_TOKEN', plaintext)).rejects.toThrow(/another project/);

        const chosen = await store.tokens.create(other.id, 'chosen', `chosen-${randomUUID()}`);
        expect(await store.tokens.findProject(chosen.token)).toBe(other.id);
      });
    });

    describe('definitions', () => {
      it('updates an existing slug in place and keeps its id', async () => {
        const project = await newProject();
        const other = await newProject();
        const created = await store.tests.upsert(project.id, { slug: 'login', name: 'Login', data: { v: 1 } });
        expect(created.created).toBe(true);
        const before = await store.tests.get(project.id, created.id);
        const updated = await store.tests.upsert(project.id, { slug: 'login', name: 'Log in', data: { v: 2 } });
        expect(updated).toEqual({ id: created.id, created: false });
        const after = await store.tests.getBySlug(project.id, 'login');
        expect(after).toMatchObject({ id: created.id, projectId: project.id, slug: 'login', name: 'Log in', data: { v: 2 }, created: before?.created });
        expect(after!.modified >= before!.modified).toBe(true);
        expect(await store.tests.listAll(project.id)).toHaveLength(1);

        // Same slug, other project or other table: separate rows.
        expect((await store.tests.upsert(other.id, { slug: 'login', name: 'Login', data: {} })).created).toBe(true);
        expect((await store.components.upsert(project.id, { slug: 'login', name: 'Login', data: {} })).created).toBe(true);
        expect(await store.tests.get(other.id, created.id)).toBeNull();
        expect(await store.suites.getBySlug(project.id, 'login')).toBeNull();
      });

      it('lists with a case-insensitive name search, ordering, pagination and count', async () => {
        const project = await newProject();
        const names = ['Banana', 'apple', 'Cherry pie', 'cherry', '50%_off', 'Żółw'];
        for (const [i, name] of names.entries()) await store.tests.upsert(project.id, { slug: `t${i}`, name, data: { i } });
        const all = await store.tests.listAll(project.id);

        const byName = await store.tests.list(project.id, { ordering: 'name', offset: 0, limit: 100 });
        expect(byName.count).toBe(6);
        expect(byName.rows.map((r) => r.name)).toEqual(['50%_off', 'apple', 'Banana', 'cherry', 'Cherry pie', 'Żółw']);
        const byNameDesc = await store.tests.list(project.id, { ordering: '-name', offset: 0, limit: 100 });
        expect(byNameDesc.rows.map((r) => r.name)).toEqual([...byName.rows.map((r) => r.name)].reverse());

        const search = await store.tests.list(project.id, { query: 'CHERRY', ordering: 'name', offset: 0, limit: 100 });
        expect(search).toMatchObject({ count: 2 });
        expect(search.rows.map((r) => r.name)).toEqual(['cherry', 'Cherry pie']);
        expect((await store.tests.list(project.id, { query: 'żÓŁ', ordering: 'name', offset: 0, limit: 10 })).rows.map((r) => r.name)).toEqual(['Żółw']);
        // LIKE wildcards in the query are literal characters.
        for (const query of ['%', '_', '0%_']) {
          const hits = await store.tests.list(project.id, { query, ordering: 'name', offset: 0, limit: 10 });
          expect(hits.rows.map((r) => r.name)).toEqual(['50%_off']);
        }

        const expectedCreated = [...all].sort((a, b) => (a.created === b.created ? (a.id < b.id ? -1 : 1) : a.created < b.created ? -1 : 1));
        const byCreated = await store.tests.list(project.id, { ordering: 'created', offset: 0, limit: 100 });
        expect(byCreated.rows.map((r) => r.id)).toEqual(expectedCreated.map((r) => r.id));
        const byCreatedDesc = await store.tests.list(project.id, { ordering: '-created', offset: 0, limit: 100 });
        expect(byCreatedDesc.rows.map((r) => r.id)).toEqual(expectedCreated.map((r) => r.id).reverse());

        const page = await store.tests.list(project.id, { ordering: 'name', offset: 2, limit: 2 });
        expect(page.count).toBe(6);
        expect(page.rows.map((r) => r.name)).toEqual(['Banana', 'cherry']);
        const pastEnd = await store.tests.list(project.id, { ordering: 'name', offset: 10, limit: 2 });
        expect(pastEnd).toEqual({ count: 6, rows: [] });
      });

      it('breaks ties between equal names by id', async () => {
        const project = await newProject();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await store.suites.upsert(project.id, { slug: `s${i}`, name: 'Same', data: null })).id);
        const sorted = [...ids].sort();
        expect((await store.suites.list(project.id, { ordering: 'name', offset: 0, limit: 10 })).rows.map((r) => r.id)).toEqual(sorted);
        expect((await store.suites.list(project.id, { ordering: '-name', offset: 0, limit: 10 })).rows.map((r) => r.id)).toEqual([...sorted].reverse());
        const pages = [0, 2, 4].map((offset) => store.suites.list(project.id, { ordering: 'name', offset, limit: 2 }));
        expect((await Promise.all(pages)).flatMap((p) => p.rows.map((r) => r.id))).toEqual(sorted);
      });

      it('keeps at most one default profile per project', async () => {
        const project = await newProject();
        const other = await newProject();
        const otherDefault = await store.profiles.upsert(other.id, { slug: 'd', name: 'Other', data: {}, isDefault: true });
        expect(await store.profiles.getDefault(project.id)).toBeNull();
        const a = await store.profiles.upsert(project.id, { slug: 'a', name: 'A', data: { variables: [] }, isDefault: true });
        expect((await store.profiles.getDefault(project.id))?.id).toBe(a.id);
        const b = await store.profiles.upsert(project.id, { slug: 'b', name: 'B', data: {}, isDefault: true });
        expect((await store.profiles.getDefault(project.id))?.id).toBe(b.id);
        expect((await store.profiles.get(project.id, a.id))?.isDefault).toBe(false);
        // Re-importing without the flag keeps it; an explicit false clears it.
        await store.profiles.upsert(project.id, { slug: 'b', name: 'B2', data: {} });
        expect(await store.profiles.getDefault(project.id)).toMatchObject({ id: b.id, name: 'B2', isDefault: true });
        await store.profiles.upsert(project.id, { slug: 'b', name: 'B2', data: {}, isDefault: false });
        expect(await store.profiles.getDefault(project.id)).toBeNull();
        const listed = await store.profiles.list(project.id, { ordering: 'name', offset: 0, limit: 10 });
        expect(listed.rows.map((p) => [p.name, p.isDefault])).toEqual([
          ['A', false],
          ['B2', false],
        ]);
        expect((await store.profiles.getDefault(other.id))?.id).toBe(otherDefault.id);
      });
    });

    describe('runs', () => {
      it('numbers 20 concurrent runs of a project 1..20, and each project from 1', async () => {
        const project = await newProject();
        const other = await newProject();
        const runs = await Promise.all(Array.from({ length: 20 }, () => store.runs.create(runInput(project.id))));
        expect(runs.map((r) => r.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect((await store.runs.create(runInput(other.id))).sequence).toBe(1);
        expect((await store.runs.create(runInput(project.id))).sequence).toBe(21);
      });

      it('creates a queued run with its JSON fields and only shows it to its own project', async () => {
        const project = await newProject();
        const other = await newProject();
        const id = randomUUID();
        const run = await store.runs.create(
          runInput(project.id, {
            id,
            testId: randomUUID(),
            profileName: 'Default',
            variables: [
              { key: 'email', value: 'a@b.c' },
              { key: 'empty', value: null },
            ],
            plan: { runId: id, groups: [] },
            totalSteps: 3,
            browserWidth: 1366,
            browserHeight: 768,
          }),
        );
        expect(run).toMatchObject({
          id,
          projectId: project.id,
          status: 'queued',
          profileName: 'Default',
          variables: [
            { key: 'email', value: 'a@b.c' },
            { key: 'empty', value: null },
          ],
          plan: { runId: id, groups: [] },
          totalSteps: 3,
          finishedSteps: 0,
          browserWidth: 1366,
          started: null,
          sortTime: run.queued,
        });
        expect(await store.runs.get(project.id, id)).toEqual(run);
        expect(await store.runs.get(other.id, id)).toBeNull();
        expect(await store.runs.getById(randomUUID())).toBeNull();
        await expect(store.runs.create(runInput(randomUUID()))).rejects.toThrow(/no such project/);
      });

      it('updates fields, moves sortTime with started, and counts finished steps', async () => {
        const project = await newProject();
        const run = await store.runs.create(runInput(project.id, { queued: '2026-01-01T10:00:00.000Z' }));
        const started = await store.runs.update(run.id, { status: 'running', started: '2026-01-01T10:05:00+00:00', browserName: 'chromium' });
        expect(started).toMatchObject({
          status: 'running',
          started: '2026-01-01T10:05:00.000Z',
          sortTime: '2026-01-01T10:05:00.000Z',
          browserName: 'chromium',
        });
        expect(started.modified > run.modified || started.modified === run.modified).toBe(true);
        const requeued = await store.runs.update(run.id, { started: null, queued: '2026-01-01T11:00:00.000Z' });
        expect(requeued).toMatchObject({ started: null, sortTime: '2026-01-01T11:00:00.000Z' });
        const unrelated = await store.runs.update(run.id, { errorMessage: 'x' });
        expect(unrelated.sortTime).toBe('2026-01-01T11:00:00.000Z');
        expect(await store.runs.incrementFinishedSteps(run.id)).toBe(1);
        expect(await store.runs.incrementFinishedSteps(run.id)).toBe(2);
        expect((await store.runs.getById(run.id))?.finishedSteps).toBe(2);
        expect(await store.runs.incrementFinishedSteps(randomUUID())).toBeNull();
        await expect(store.runs.update(randomUUID(), { status: 'error' })).rejects.toThrow(/no such run/);
      });

      it('reads just the status fields of a run, only for its own project', async () => {
        const project = await newProject();
        const other = await newProject();
        const run = await store.runs.create(runInput(project.id, { totalSteps: 4, plan: { big: 'x'.repeat(1000) } }));
        await store.runs.incrementFinishedSteps(run.id);
        const full = await store.runs.getById(run.id);
        expect(await store.runs.getStatus(project.id, run.id)).toEqual({
          id: run.id,
          status: 'queued',
          finishedSteps: 1,
          totalSteps: 4,
          modified: full?.modified,
        });
        expect(await store.runs.getStatus(other.id, run.id)).toBeNull();
        expect(await store.runs.getStatus(project.id, randomUUID())).toBeNull();
      });

      it('keeps the unfiltered list count exact whoever writes the runs (count kept by triggers)', async () => {
        const project = await newProject();
        const other = await newProject();
        const count = async (projectId = project.id) => (await store.runs.list(projectId, { ordering: '-started', offset: 0, limit: 1 })).count;
        // The filtered path still counts rows: both must agree.
        const counted = async () =>
          (await store.runs.list(project.id, { startedBefore: '2999-01-01T00:00:00Z', ordering: '-started', offset: 0, limit: 1 })).count;
        const made = await Promise.all(Array.from({ length: 3 }, () => store.runs.create(runInput(project.id))));
        await store.transaction((tx) => tx.runs.create(runInput(project.id)));
        await store.runs.create(runInput(other.id));
        expect(await count()).toBe(4);
        expect(await counted()).toBe(4);
        await expect(
          store.transaction(async (tx) => {
            await tx.runs.create(runInput(project.id));
            throw new Error('roll back');
          }),
        ).rejects.toThrow('roll back');
        expect(await count()).toBe(4);

        // Another process (or an operator) deletes and copies runs with plain SQL.
        await fx.exec(`delete from test_runs where id = '${made[0].id}'`);
        await fx.exec(`insert into test_runs (id, project_id, test_name, status, triggered_by, run_mode, screen_size_type, sequence, queued, modified, sort_time, variables)
          select '${randomUUID()}', project_id, test_name, status, triggered_by, run_mode, screen_size_type, sequence + 100, queued, modified, sort_time, variables from test_runs where id = '${made[1].id}'`);
        expect(await count()).toBe(4);
        expect(await counted()).toBe(4);
        expect(await count(other.id)).toBe(1);
        expect(await count(randomUUID())).toBe(0);
        const beyond = await store.runs.list(project.id, { ordering: 'started', offset: 10, limit: 5 });
        expect(beyond).toEqual({ count: 4, rows: [] });
        // Deleting a project cascades to its runs without tripping over its own counter.
        await fx.exec(`delete from projects where id = '${other.id}'`);
        expect(await store.runs.getById((await store.runs.list(project.id, { ordering: 'started', offset: 0, limit: 1 })).rows[0].id)).not.toBeNull();
      });

      it('returns every page exactly as slices of the whole list, deep pages read from the other end included', async () => {
        const project = await newProject();
        const at = (minute: number) => `2026-04-01T12:${String(minute).padStart(2, '0')}:00.000Z`;
        for (let i = 0; i < 23; i++) {
          const run = await store.runs.create(runInput(project.id, { queued: at(i % 7) })); // ties on time
          if (i % 3 === 0) await store.runs.update(run.id, { status: 'passed', started: at(30 + (i % 4)) });
        }
        for (const status of [undefined, 'passed' as const]) {
          for (const ordering of ['started', '-started'] as const) {
            const all = await store.runs.list(project.id, { status, ordering, offset: 0, limit: 100 });
            for (let offset = 0; offset < all.count + 5; offset += 4) {
              const page = await store.runs.list(project.id, { status, ordering, offset, limit: 4 });
              expect(page.count).toBe(all.count);
              expect(page.rows.map((r) => r.id)).toEqual(all.rows.slice(offset, offset + 4).map((r) => r.id));
            }
          }
        }
      });

      it('lists with filters, both orderings and an id tie-break for equal times', async () => {
        const project = await newProject();
        const other = await newProject();
        const testA = randomUUID();
        const testB = randomUUID();
        const at = (minute: number) => `2026-03-01T12:${String(minute).padStart(2, '0')}:00.000Z`;
        const made = [];
        // Three runs share minute 10 to exercise the tie-break.
        for (const [minute, testId] of [
          [5, testA],
          [10, testA],
          [10, testB],
          [10, testA],
          [20, testB],
        ] as const) {
          made.push(await store.runs.create(runInput(project.id, { testId, queued: at(minute) })));
        }
        await store.runs.create(runInput(other.id, { testId: testA, queued: at(10) }));
        await store.runs.update(made[4].id, { status: 'passed', started: at(30) });

        const expectedAsc = [...made]
          .map((r, i) => ({ id: r.id, t: i === 4 ? at(30) : r.queued }))
          .sort((a, b) => (a.t === b.t ? (a.id < b.id ? -1 : 1) : a.t < b.t ? -1 : 1))
          .map((r) => r.id);

        const asc = await store.runs.list(project.id, { ordering: 'started', offset: 0, limit: 50 });
        expect(asc.count).toBe(5);
        expect(asc.rows.map((r) => r.id)).toEqual(expectedAsc);
        const desc = await store.runs.list(project.id, { ordering: '-started', offset: 0, limit: 50 });
        expect(desc.rows.map((r) => r.id)).toEqual([...expectedAsc].reverse());
        const pages = await Promise.all([0, 2, 4].map((offset) => store.runs.list(project.id, { ordering: '-started', offset, limit: 2 })));
        expect(pages.flatMap((p) => p.rows.map((r) => r.id))).toEqual([...expectedAsc].reverse());
        expect(pages.map((p) => p.count)).toEqual([5, 5, 5]);

        const passed = await store.runs.list(project.id, { status: 'passed', ordering: '-started', offset: 0, limit: 50 });
        expect(passed).toMatchObject({ count: 1, rows: [{ id: made[4].id }] });
        const waiting = await store.runs.list(project.id, { status: ['queued', 'running'], ordering: 'started', offset: 0, limit: 50 });
        expect(waiting.count).toBe(4);
        const ofTestB = await store.runs.list(project.id, { testId: testB, ordering: 'started', offset: 0, limit: 50 });
        expect(ofTestB.rows.map((r) => r.id)).toEqual([made[2].id, made[4].id]);
        // Bounds are inclusive and compare the instant, whatever offset notation they use.
        const window = await store.runs.list(project.id, {
          startedAfter: '2026-03-01T13:10:00+01:00',
          startedBefore: at(30),
          ordering: 'started',
          offset: 0,
          limit: 50,
        });
        expect(window.count).toBe(4);
        expect(window.rows.map((r) => r.id)).toEqual(expectedAsc.slice(1));
        const combined = await store.runs.list(project.id, { testId: testA, startedBefore: at(10), ordering: 'started', offset: 0, limit: 1 });
        expect(combined.count).toBe(3);
        expect(combined.rows).toHaveLength(1);
      });

      it('lets exactly one of two concurrent transitions from running win', async () => {
        const project = await newProject();
        const run = await store.runs.create(runInput(project.id));
        expect(await store.runs.transition(run.id, ['queued'], { status: 'running', started: new Date().toISOString() })).toMatchObject({ status: 'running' });
        const [finish, stop] = await Promise.all([
          store.runs.transition(run.id, ['running'], { status: 'passed', ended: new Date().toISOString() }),
          store.runs.transition(run.id, ['running'], { status: 'stopped', ended: new Date().toISOString() }),
        ]);
        const winners = [finish, stop].filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect((await store.runs.getById(run.id))?.status).toBe(winners[0].status);
        // A terminal run no longer matches; nothing changes.
        const before = await store.runs.getById(run.id);
        expect(await store.runs.transition(run.id, ['queued', 'running'], { status: 'error' })).toBeNull();
        expect(await store.runs.transition(run.id, [], { status: 'error' })).toBeNull();
        expect(await store.runs.getById(run.id)).toEqual(before);
      });
    });

    describe('step runs', () => {
      it('upserts step runs by id, lists them in execution order and keeps a screenshot id', async () => {
        const project = await newProject();
        const run = await store.runs.create(runInput(project.id));
        const ids = [randomUUID(), randomUUID(), randomUUID()];
        await store.stepRuns.upsert(run.id, stepRecord(ids[2], 2));
        await store.stepRuns.upsert(run.id, stepRecord(ids[0], 0));
        await store.stepRuns.upsert(run.id, stepRecord(ids[1], 1));
        expect((await store.stepRuns.listByRun(run.id)).map((s) => s.record.sequence)).toEqual([0, 1, 2]);

        await store.stepRuns.upsert(run.id, stepRecord(ids[0], 0, 'passed'), 'shot-0');
        await store.stepRuns.upsert(run.id, { ...stepRecord(ids[0], 0, 'passed'), computedUrl: 'https://x' });
        const listed = await store.stepRuns.listByRun(run.id);
        expect(listed).toHaveLength(3);
        expect(listed[0]).toEqual({ record: { ...stepRecord(ids[0], 0, 'passed'), computedUrl: 'https://x' }, screenshotKey: 'shot-0' });
        expect(listed[1].screenshotKey).toBeNull();
        expect(await store.stepRuns.get(ids[0])).toEqual({ runId: run.id, ...listed[0] });

        await store.stepRuns.upsert(run.id, stepRecord(ids[0], 0, 'passed'), null);
        expect((await store.stepRuns.get(ids[0]))?.screenshotKey).toBeNull();
        expect(await store.stepRuns.get(randomUUID())).toBeNull();
        expect(await store.stepRuns.listByRun(randomUUID())).toEqual([]);
      });

      it("moves a run's stepsVersion on every write to its step runs, whoever writes", async () => {
        const project = await newProject();
        const run = await store.runs.create(runInput(project.id));
        const other = await store.runs.create(runInput(project.id));
        const version = async (id = run.id) => (await store.runs.getById(id))!.stepsVersion;
        const seen = [await version()];
        const id = randomUUID();
        await store.stepRuns.upsert(run.id, stepRecord(id, 0));
        seen.push(await version());
        await store.stepRuns.upsert(run.id, stepRecord(id, 0, 'passed'), 'shot');
        seen.push(await version());
        await fx.exec(`delete from step_runs where id = '${id}'`);
        seen.push(await version());
        for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
        expect(await version(other.id)).toBe(0);
        // Lists carry it too, and other run updates leave it alone.
        await store.runs.update(run.id, { status: 'passed' });
        const listed = await store.runs.list(project.id, { ordering: 'started', offset: 0, limit: 10 });
        expect(listed.rows.find((r) => r.id === run.id)?.stepsVersion).toBe(seen.at(-1));
      });

      it("fences a worker's writes to the runs it owns: a stopped run's owner still records how it ended, a reaped run's does not", async () => {
        const project = await newProject();
        const fence = { workerId: 'worker-a' };
        const claim = async () =>
          (await store.runs.transition((await store.runs.create(runInput(project.id))).id, ['queued'], { status: 'initialized', workerId: 'worker-a' }))!;
        const stopped = await claim();
        expect(await store.runs.transition(stopped.id, ['initialized'], { status: 'running' }, { workerId: 'worker-b' })).toBeNull();
        expect(await store.stepRuns.upsert(stopped.id, stepRecord(randomUUID(), 0), undefined, { workerId: 'worker-b' })).toBe(false);
        await store.runs.transition(stopped.id, ['initialized'], { status: 'stopped' });
        // Stopped through another process: the owner writes its last step records, not the status.
        expect(await store.stepRuns.upsert(stopped.id, stepRecord(randomUUID(), 0, 'passed'), undefined, fence)).toBe(true);
        expect(await store.runs.incrementFinishedSteps(stopped.id, fence)).toBe(1);
        expect(await store.runs.transition(stopped.id, ['initialized', 'running'], { status: 'passed' }, fence)).toBeNull();

        // Ended by a reaper, which takes the run away from its owner: nothing of the owner lands.
        const reaped = await claim();
        expect(await store.runs.transition(reaped.id, ['initialized'], { status: 'error', errorCode: 'INTERNAL_ERROR', workerId: null })).not.toBeNull();
        expect(await store.stepRuns.upsert(reaped.id, stepRecord(randomUUID(), 0), undefined, fence)).toBe(false);
        expect(await store.runs.incrementFinishedSteps(reaped.id, fence)).toBeNull();
        expect(await store.runs.transition(reaped.id, ['error'], { status: 'passed' }, fence)).toBeNull();
        expect(await store.stepRuns.listByRun(reaped.id)).toEqual([]);
        expect(await store.runs.getById(reaped.id)).toMatchObject({ status: 'error', finishedSteps: 0, workerId: null });
      });

      it('lists the step runs of several runs in one call, each in execution order', async () => {
        const project = await newProject();
        const a = await store.runs.create(runInput(project.id));
        const b = await store.runs.create(runInput(project.id));
        const empty = await store.runs.create(runInput(project.id));
        await store.stepRuns.upsert(a.id, stepRecord(randomUUID(), 1));
        await store.stepRuns.upsert(a.id, stepRecord(randomUUID(), 0));
        await store.stepRuns.upsert(b.id, stepRecord(randomUUID(), 0));
        const byRun = await store.stepRuns.listByRuns([a.id, b.id, empty.id]);
        expect(byRun.get(a.id)?.map((s) => s.record.sequence)).toEqual([0, 1]);
        expect(byRun.get(b.id)).toHaveLength(1);
        expect(byRun.get(empty.id)).toEqual([]);
        expect((await store.stepRuns.listByRuns([])).size).toBe(0);
      });
    });

    describe('artifacts', () => {
      it('replaces a kind atomically, finds the latest of a kind and lists expired ones', async () => {
        const project = await newProject();
        const run = await store.runs.create(runInput(project.id));
        const base = { runId: run.id, contentType: 'text/plain', size: 3 };
        const first = await store.artifacts.replace(run.id, 'logs_partial', {
          ...base,
          kind: 'logs_partial',
          name: 'logs-partial.txt',
          blobKey: `${run.id}/p1`,
        });
        expect(first.replaced).toEqual([]);
        const second = await store.artifacts.replace(run.id, 'logs_partial', {
          ...base,
          kind: 'logs_partial',
          name: 'logs-partial.txt',
          blobKey: `${run.id}/p2`,
          size: 5_000_000_000,
        });
        expect(second.replaced).toEqual([first.artifact]);
        const partials = (await store.artifacts.listByRun(run.id)).filter((a) => a.kind === 'logs_partial');
        expect(partials).toEqual([second.artifact]);
        expect(partials[0].size).toBe(5_000_000_000);

        const older = await store.artifacts.add({
          ...base,
          kind: 'dom_snapshot',
          name: 'a.html',
          blobKey: 'a',
          created: '2026-01-01T00:00:00.000Z',
          expiresAt: '2026-01-02T00:00:00.000Z',
        });
        const newer = await store.artifacts.add({
          ...base,
          kind: 'dom_snapshot',
          name: 'b.html',
          blobKey: 'b',
          created: '2026-01-03T00:00:00.000Z',
          expiresAt: '2099-01-01T00:00:00.000Z',
        });
        expect(await store.artifacts.latestByKind(run.id, 'dom_snapshot')).toEqual(newer);
        expect(await store.artifacts.latestByKind(run.id, 'logs')).toBeNull();
        // Written back to back (likely in the same millisecond), the later one is still the latest.
        const logs = [];
        for (let i = 0; i < 5; i++) logs.push(await store.artifacts.add({ ...base, kind: 'logs', name: `l${i}.txt`, blobKey: `l${i}` }));
        expect((await store.artifacts.latestByKind(run.id, 'logs'))?.id).toBe(logs[4].id);
        for (const l of logs) await store.artifacts.delete(l.id);
        expect(await store.artifacts.get(older.id)).toEqual(older);
        expect((await store.artifacts.listByRun(run.id)).map((a) => a.id)).toEqual([older.id, newer.id, second.artifact.id]);

        const expired = await store.artifacts.listExpired('2026-06-01T00:00:00.000Z');
        expect(expired.map((a) => a.id)).toContain(older.id);
        expect(expired.map((a) => a.id)).not.toContain(newer.id);
        expect(expired.map((a) => a.id)).not.toContain(second.artifact.id);

        expect(await store.artifacts.delete(older.id)).toBe(true);
        expect(await store.artifacts.delete(older.id)).toBe(false);
        expect(await store.artifacts.get(older.id)).toBeNull();
        await expect(store.artifacts.replace(run.id, 'logs', { ...base, kind: 'logs_partial', name: 'x', blobKey: 'x' })).rejects.toThrow(RangeError);
      });
    });

    describe('transactions', () => {
      it('rolls everything back when the callback throws', async () => {
        const project = await newProject();
        await expect(
          store.transaction(async (tx) => {
            await tx.tests.upsert(project.id, { slug: 'rolled-back', name: 'X', data: {} });
            await tx.profiles.upsert(project.id, { slug: 'p', name: 'P', data: {}, isDefault: true });
            await tx.runs.create(runInput(project.id));
            await tx.projects.updateSettings(project.id, { settings: { changed: true } });
            throw new Error('import failed');
          }),
        ).rejects.toThrow('import failed');
        expect(await store.tests.getBySlug(project.id, 'rolled-back')).toBeNull();
        expect(await store.profiles.listAll(project.id)).toEqual([]);
        expect((await store.runs.list(project.id, { ordering: 'started', offset: 0, limit: 10 })).count).toBe(0);
        expect((await store.projects.get(project.id))?.settings).toBeNull();
        // The sequence counter rolled back too.
        expect((await store.runs.create(runInput(project.id))).sequence).toBe(1);
      });

      it('commits everything the callback wrote and returns its value', async () => {
        const project = await newProject();
        const result = await store.transaction(async (tx) => {
          const a = await tx.components.upsert(project.id, { slug: 'c', name: 'C', data: {} });
          const nested = await tx.transaction(async (inner) => inner.tests.upsert(project.id, { slug: 't', name: 'T', data: {} }));
          return [a.id, nested.id];
        });
        expect((await store.components.getBySlug(project.id, 'c'))?.id).toBe(result[0]);
        expect((await store.tests.getBySlug(project.id, 't'))?.id).toBe(result[1]);
      });
    });
  });
});
