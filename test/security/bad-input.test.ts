import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/** Inputs that once answered 500: each now gets a clear 4xx, and a refused import writes nothing. */
let bugrun: TestBugrun;
let testId: string;

beforeAll(async () => {
  bugrun = await startBugrun();
  await bugrun.importYaml({ 'a.yaml': yamlTest('a', yamlStep('goto', "url: 'about:blank'")) });
  testId = (await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'a'))?.id ?? '';
});
afterAll(() => bugrun?.close());

describe('request fields of the wrong type', () => {
  it('answers a profileName that is an object with a field error', async () => {
    const res = await bugrun.api('POST', '/api/v2/testruns/', { testId, profileName: { toString: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ profileName: ['Not a valid string.'] });
  });

  it('answers a triggeredBy that is an object with a field error', async () => {
    const res = await bugrun.api('POST', '/api/v2/testruns/', { testId, triggeredBy: { toString: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ triggeredBy: ['{"toString":"x"} is not a valid choice.'] });
  });

  it.each(['/api/v2/tests/', '/api/v2/profiles/', '/api/v2/testruns/', '/api/v1/tests/'])(
    'answers a page number too large for any list with 404 Invalid page on %s',
    async (path) => {
      for (const page of ['99999999999999999999', '1e3', '10000000000']) {
        const res = await bugrun.api('GET', `${path}?page=${page}`);
        expect(res.statusCode, page).toBe(404);
        expect(res.json()).toEqual({ detail: 'Invalid page.' });
      }
    },
  );

  it('answers a web UI path that decodes to a stray % with 404', async () => {
    for (const path of ['/ui/%25', '/ui/%25zz', '/ui/%00', '/ui/%2e%2e/%2e%2e/package.json']) {
      const res = await bugrun.service.app.inject({ method: 'GET', url: path });
      expect(res.statusCode, path).toBe(404);
      expect(res.json()).toEqual({ detail: 'Not found.' });
    }
    expect((await bugrun.service.app.inject({ method: 'GET', url: '/ui/app.js' })).statusCode).toBe(200);
  });
});

describe('import file paths', () => {
  const bad: [string, string][] = [
    ['a//b.txt', 'the path has an empty segment (// or a trailing /)'],
    ['a/./b.txt', 'the path must not contain . or .. segments'],
    ['a/../../b.txt', 'the path must not contain . or .. segments'],
    ['a/\u0000.txt', 'the path contains a control character'],
    ['a/', 'the path has an empty segment (// or a trailing /)'],
    ['', 'the path is empty'],
    ['/etc/passwd', 'the path must be relative to the bundle'],
    ['a\\b.txt', 'the path must use / as its separator'],
    [`${'n'.repeat(300)}.txt`, 'a name in the path is longer than 255 bytes'],
  ];

  it.each(bad)('refuses %j with a field error and writes nothing, its YAML included', async (path, problem) => {
    const res = await bugrun.api('POST', '/api/v2/import/', {
      files: [
        { path: 'new.yaml', content: yamlTest('new-test', yamlStep('goto', "url: 'about:blank'")) },
        { path, content: 'hello' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ files: [`Item 1: ${problem}.`] });
    expect(await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'new-test')).toBeNull();
    const stored = await readdir(join(bugrun.dataDir, 'artifacts'), { recursive: true });
    expect(stored.filter((f) => f.startsWith('bundle-files'))).toEqual([]);
  });

  it('keeps a file with a good path', async () => {
    const res = await bugrun.api('POST', '/api/v2/import/', {
      files: [
        { path: 'a.yaml', content: yamlTest('a', yamlStep('goto', "url: 'about:blank'")) },
        { path: 'files/ok.txt', content: 'hello' },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(await bugrun.service.store.blobs.get(`bundle-files/${bugrun.service.projectId}/files/ok.txt`)).toEqual(Buffer.from('hello'));
  });
});

describe('deeply nested documents', () => {
  it('answers an ifCondition nested past the limit with a file:line:col error, not a stack overflow', async () => {
    let steps = '';
    for (let depth = 0; depth < 40; depth++) {
      const pad = ' '.repeat(8 + depth * 4);
      steps += `${pad}- action: ifCondition\n${pad}  action_details: { selector: 'css=body' }\n${pad}  conditional_steps:\n`;
    }
    steps += `${' '.repeat(8 + 40 * 4)}- { action: goto, action_details: { url: 'about:blank' } }\n`;
    const res = await bugrun.api('POST', '/api/v2/import/', { files: [{ path: 'nested.yaml', content: yamlTest('nested', steps) }] });
    expect(res.statusCode).toBe(400);
    const { errors } = res.json() as { errors: string[] };
    expect(errors).toEqual([expect.stringMatching(/^nested\.yaml:\d+:\d+: nested more than 64 levels deep \(the limit\)$/)]);
    expect(errors.join('\n')).not.toMatch(/call stack/i);
  });
});
