import type { AlertPayload } from '../../src/domain/index.js';

/** A failed single test run, as the dispatcher would capture it. */
export function testPayload(overrides: Partial<AlertPayload> = {}): AlertPayload {
  return {
    event: 'finished',
    target: 'test',
    runId: '3f1c2d4e-0000-4000-8000-000000000001',
    testRunId: '3f1c2d4e-0000-4000-8000-000000000001',
    suiteRunId: null,
    testId: 'a1b2c3d4-0000-4000-8000-000000000002',
    suiteId: null,
    name: 'Sign in',
    status: 'failed',
    previousStatus: 'passed',
    errorCode: 'ELEMENT_DOES_NOT_EXIST',
    errorMessage: 'Element "#login" was not found',
    triggeredBy: 'scheduler',
    profileId: 'b1b2c3d4-0000-4000-8000-000000000003',
    profileName: 'Staging',
    scheduleId: 'c1b2c3d4-0000-4000-8000-000000000004',
    scheduleName: 'Nightly',
    queued: '2024-05-01T10:00:00.000000Z',
    started: '2024-05-01T10:00:01.000000Z',
    ended: '2024-05-01T10:00:31.500000Z',
    duration: '00:00:30.500000',
    webappUrl: 'http://bugrun.test/projects/p1/runs/3f1c2d4e-0000-4000-8000-000000000001',
    projectId: 'd1b2c3d4-0000-4000-8000-000000000005',
    projectName: 'Shop',
    ...overrides,
  };
}

/** A suite run that just started. */
export function suitePayload(overrides: Partial<AlertPayload> = {}): AlertPayload {
  return testPayload({
    event: 'started',
    target: 'suite',
    runId: '5e5e5e5e-0000-4000-8000-000000000006',
    testRunId: null,
    suiteRunId: '5e5e5e5e-0000-4000-8000-000000000006',
    testId: null,
    suiteId: 'e1b2c3d4-0000-4000-8000-000000000007',
    name: 'Checkout',
    status: 'running',
    previousStatus: null,
    errorCode: null,
    errorMessage: null,
    triggeredBy: 'api',
    ended: null,
    duration: null,
    webappUrl: 'http://bugrun.test/projects/p1/suiteruns/5e5e5e5e-0000-4000-8000-000000000006',
    ...overrides,
  });
}
