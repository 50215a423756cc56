import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { registeredRoutes } from '../../src/api/route-list.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { stepRecord } from '../helpers/step-record.js';

/**
 * A server with two projects, for the tests that play an attacker holding a valid token of one
 * project. Project A's test uses a component that does not exist, so each of its runs ends
 * `error` at planning, without a browser: the tests can create hundreds of them.
 */
export interface TwoProjects {
  bugrun: TestBugrun;
  /** Project A's ids, by the name of the route parameter that takes them. */
  ids: { run: string; test: string; profile: string; suite: string; suiteRun: string; stepRun: string; schedule: string; alert: string };
  otherToken: string;
  revokedToken: string;
  /** An authenticated request through inject, with any Authorization header (or none). */
  request(
    method: string,
    url: string,
    opts?: { authorization?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** Every route of the app, as registered (`/api/v2/testruns/:id/`). */
  routes(): { method: string; url: string }[];
  close(): Promise<void>;
}

export async function startTwoProjects(): Promise<TwoProjects> {
  const bugrun = await startBugrun({ maxQueued: 100_000 });
  const { store } = bugrun.service;
  await bugrun.importYaml({
    'profile.yaml': `schema_version: '1.0'
schema_type: profile
data:
  name: 'Default'
  is_default: true
  variables:
    - { name: 'Password', key: 'password', type: 'string', value: 'a-secret', has_secret_value: true }
`,
    'test.yaml': `schema_version: '1.0'
schema_type: test
data:
  name: 'Uses a missing component'
  slug: 'ghostly'
  runtime: browser
  screen_size: desktop
  groups:
    - component_source: 'ghost'
`,
    'suite.yaml': `schema_version: '1.0'
schema_type: suite
data:
  suite_name: 'Ghostly suite'
  slug: 'ghostly-suite'
  suite_settings: { run_in_parallel: false, auto_retry: 0, auto_add_new_tests: false }
  tests:
    - test_source: 'ghostly'
`,
  });
  const test = await store.tests.getBySlug(bugrun.service.projectId, 'ghostly');
  const profile = (await store.profiles.listAll(bugrun.service.projectId))[0];
  if (!test || !profile) throw new Error('fixture import failed');
  const run = await bugrun.startRun('ghostly');
  await bugrun.waitFor(run, ['error']);
  // Its test cannot be planned either: the suite run ends at once.
  const suite = await store.suites.getBySlug(bugrun.service.projectId, 'ghostly-suite');
  const suiteRun = (await bugrun.api('POST', '/api/v2/suiteruns/', { suiteId: suite?.id })).json() as { id: string };
  // A step run of project A's run, as a recorder would have written it.
  const stepRun = randomUUID();
  await store.stepRuns.upsert(run, stepRecord(stepRun));

  // A disabled schedule (it never fires) and a webhook alert with a credential in its URL and a header.
  const schedule = (await bugrun.api('POST', '/api/v2/schedules/', { name: 'Nightly', testId: test.id, cron: '0 3 * * *', enabled: false })).json() as {
    id: string;
  };
  const alert = (
    await bugrun.api('POST', '/api/v2/alerts/', {
      name: 'Tell CI',
      event: 'finished',
      enabled: false,
      action: { type: 'webhook', url: 'https://hooks.example.com/a-secret-path?token=a-secret', headers: { 'X-Api-Key': 'a-secret' } },
    })
  ).json() as { id: string };

  const other = await store.projects.create({ name: 'Other project', slug: 'other' });
  const { token: otherToken } = await store.tokens.create(other.id, 'other');
  const revoked = await store.tokens.create(bugrun.service.projectId, 'revoked');
  await store.tokens.revoke(bugrun.service.projectId, revoked.id);

  return {
    bugrun,
    ids: { run, test: test.id, profile: profile.id, suite: suite?.id ?? '', suiteRun: suiteRun.id, stepRun, schedule: schedule.id, alert: alert.id },
    otherToken,
    revokedToken: revoked.token,
    request(method, url, opts = {}) {
      const authorization = opts.authorization === undefined ? `Token ${bugrun.token}` : opts.authorization;
      return bugrun.service.app.inject({
        method: method as 'GET',
        url,
        headers: { ...(authorization === null ? {} : { authorization }), ...opts.headers },
        ...(opts.body === undefined ? {} : { payload: opts.body as object }),
      });
    },
    routes: () => [...registeredRoutes(bugrun.service.app)],
    close: () => bugrun.close(),
  };
}

/** The project A id a route's `:id` names: routes are grouped by their first path segment. */
export function idFor(fixture: TwoProjects, url: string): string {
  const resource = /^(?:\/api\/v\d)?\/([^/]+)\//.exec(url)?.[1];
  const { ids } = fixture;
  const id = {
    runs: ids.run,
    testruns: ids.run,
    tests: ids.test,
    profiles: ids.profile,
    suites: ids.suite,
    'suite-runs': ids.suiteRun,
    suiteruns: ids.suiteRun,
    stepruns: ids.stepRun,
    schedules: ids.schedule,
    alerts: ids.alert,
  }[resource ?? ''];
  if (!id) throw new Error(`no fixture id for the parameters of ${url}: add one to test/security/two-projects.ts`);
  return id;
}

/** Fills a registered URL's parameters with project A's ids (`:kind` with an artifact kind). */
export function concreteUrl(fixture: TwoProjects, url: string): string {
  const filled = url
    .replace(/:kind/g, 'logs')
    .replace(/:id/g, () => idFor(fixture, url))
    .replace(/\*$/, 'x');
  if (/:\w/.test(filled)) throw new Error(`${url} has a parameter test/security/two-projects.ts cannot fill`);
  return filled;
}
