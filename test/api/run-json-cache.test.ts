import { describe, expect, it } from 'vitest';
import { RunJsonCache } from '../../src/api/run-json-cache.js';
import type { RunListRow } from '../../src/store/index.js';

const b = (text: string) => Buffer.from(text);
/** The expiry of the file links in the cached JSON. */
const E = 1_000;

function run(extra: Partial<RunListRow> = {}): RunListRow {
  return {
    id: 'run-1',
    projectId: 'p',
    testId: null,
    testName: 'T',
    profileId: null,
    profileName: null,
    status: 'passed',
    errorCode: null,
    errorMessage: null,
    triggeredBy: 'api',
    runMode: 'server',
    screenSizeType: 'desktop',
    browserName: null,
    browserVersion: null,
    browserWidth: null,
    browserHeight: null,
    osName: null,
    sequence: 1,
    queued: 'q',
    started: 's',
    ended: 'e',
    modified: 'm',
    sortTime: 's',
    totalSteps: 1,
    finishedSteps: 1,
    variables: [],
    suiteRunId: null,
    userId: null,
    stepsVersion: 2,
    workerId: null,
    suitePosition: null,
    attempt: 1,
    held: false,
    scheduleId: null,
    scheduledFor: null,
    ...extra,
  };
}

describe('cache of finished runs serialized', () => {
  it('answers for a finished run while its row, step-runs version included, is the same', () => {
    const cache = new RunJsonCache();
    expect(cache.get(run(), E)).toBeNull();
    expect(cache.remember(run(), b('{"a":1}'), E).toString()).toBe('{"a":1}');
    // Equal content in a new object (a fresh query) is a hit.
    expect(cache.get(run(), E)?.toString()).toBe('{"a":1}');
  });

  it('forgets the JSON when anything of the run changed', () => {
    const cache = new RunJsonCache();
    cache.remember(run(), b('{"a":1}'), E);
    expect(cache.get(run({ stepsVersion: 3 }), E)).toBeNull(); // a step run was written
    expect(cache.get(run(), E)).toBeNull(); // and the entry is gone
    cache.remember(run(), b('{"a":1}'), E);
    expect(cache.get(run({ status: 'stopped' }), E)).toBeNull();
    cache.remember(run(), b('{"a":1}'), E);
    expect(cache.get(run({ variables: [{ key: 'k', value: 'v' }] }), E)).toBeNull();
  });

  it('forgets the JSON once file links are made with a later expiry', () => {
    const cache = new RunJsonCache();
    cache.remember(run(), b('{"a":1}'), E);
    expect(cache.get(run(), E + 3600)).toBeNull();
    expect(cache.get(run(), E)).toBeNull(); // and the entry is gone
  });

  it('never keeps a run that is still going, and stays within its size', () => {
    const cache = new RunJsonCache(10_000);
    cache.remember(run({ status: 'running' }), b('{}'), E);
    expect(cache.get(run({ status: 'running' }), E)).toBeNull();
    expect(cache.size).toBe(0);
    for (let i = 0; i < 50; i++) cache.remember(run({ id: `run-${i}` }), b(`{"i":${i}}`), E);
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThan(50);
    expect(cache.get(run({ id: 'run-49' }), E)?.toString()).toBe('{"i":49}'); // the most recent stays
    expect(cache.get(run({ id: 'run-0' }), E)).toBeNull();
  });

  it('assembles a page body once for the same run JSON, and again when a run changed', () => {
    const cache = new RunJsonCache();
    const one = b('{"id":1}');
    const two = b('{"id":2}');
    const body = cache.page('{"count":2,"results":[', [one, two]);
    expect(body.toString()).toBe('{"count":2,"results":[{"id":1},{"id":2}]}');
    expect(cache.page('{"count":2,"results":[', [one, two])).toBe(body);
    const changed = cache.page('{"count":2,"results":[', [one, b('{"id":2}')]);
    expect(changed).not.toBe(body);
    expect(changed.toString()).toBe(body.toString());
    expect(cache.page('{"count":3,"results":[', [one, two]).toString()).toBe('{"count":3,"results":[{"id":1},{"id":2}]}');
    expect(cache.page('{"count":0,"results":[', []).toString()).toBe('{"count":0,"results":[]}');
  });
});
