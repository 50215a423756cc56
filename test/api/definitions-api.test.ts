import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

const EXAMPLES = fileURLToPath(new URL('../definitions/fixtures/bugbug-examples/', import.meta.url));
const read = (kind: 'valid' | 'invalid') =>
  readdirSync(join(EXAMPLES, kind))
    .sort()
    .map((name) => ({ path: `${kind}/${name}`, content: readFileSync(join(EXAMPLES, kind, name), 'utf8') }));

let bugrun: TestBugrun;
beforeAll(async () => {
  bugrun = await startBugrun();
});
afterAll(async () => bugrun?.close());

describe('POST /api/v2/import/', () => {
  it('imports every valid BugBug example, and re-importing keeps ids', async () => {
    // One file per import: two of the examples are project documents, and one bundle may hold only one.
    const importEach = async () => {
      const objects: { type: string; slug: string; id: string; status: string }[] = [];
      const warnings: string[] = [];
      for (const file of read('valid')) {
        const res = await bugrun.api('POST', '/api/v2/import/', { files: [file] });
        expect(res.statusCode, `${file.path}: ${res.body}`).toBe(200);
        const body = res.json() as { objects: typeof objects; warnings: string[] };
        objects.push(...body.objects);
        warnings.push(...body.warnings);
      }
      return { objects, warnings };
    };
    const first = await importEach();
    expect(
      first.objects
        .filter((o) => o.type === 'test')
        .map((o) => o.slug)
        .sort(),
    ).toEqual(['login-smoke-test', 'minimal-test']);
    expect(new Set(first.objects.map((o) => o.type))).toEqual(new Set(['project', 'profile', 'component', 'test', 'suite']));
    // full-login-test uses a component no example defines: a warning, not an error.
    expect(first.warnings.join('\n')).toMatch(/cookie-consent/);

    const second = await importEach();
    expect(second.objects.map((o) => o.id)).toEqual(first.objects.map((o) => o.id));
    expect(second.objects.filter((o) => o.type !== 'project').every((o) => o.status === 'updated')).toBe(true);
  });

  it('rejects every invalid example with file:line:col and writes nothing', async () => {
    const before = await bugrun.api('GET', '/api/v2/tests/?page_size=100');
    for (const file of read('invalid')) {
      const res = await bugrun.api('POST', '/api/v2/import/', {
        files: [
          file,
          {
            path: 'good.yaml',
            content:
              "schema_version: '1.0'\nschema_type: test\ndata:\n  name: 'Should not be written'\n  slug: 'not-written'\n  runtime: browser\n  screen_size: desktop\n",
          },
        ],
      });
      expect(res.statusCode, file.path).toBe(400);
      const errors = (res.json() as { errors: string[] }).errors;
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e).toMatch(new RegExp(`^${file.path.replace('.', '\\.')}:\\d+:\\d+: .+`));
    }
    const after = await bugrun.api('GET', '/api/v2/tests/?page_size=100');
    expect((after.json() as { count: number }).count).toBe((before.json() as { count: number }).count);
    expect(await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'not-written')).toBeNull();
  });

  it('answers 400 for a body without files', async () => {
    const res = await bugrun.api('POST', '/api/v2/import/', { nope: true });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toHaveProperty('files');
  });
});

describe('tests and profiles', () => {
  it('lists tests with query, ordering and pagination', async () => {
    const all = (await bugrun.api('GET', '/api/v2/tests/?ordering=-name')).json() as { count: number; results: { id: string; name: string }[] };
    expect(all.results.map((t) => t.name)).toEqual(['Minimal test', 'Login smoke test']);
    const found = (await bugrun.api('GET', '/api/v2/tests/?query=smoke')).json() as { count: number; results: { id: string; name: string }[] };
    expect(found.results.map((t) => t.name)).toEqual(['Login smoke test']);
    const paged = (await bugrun.api('GET', '/api/v2/tests/?page_size=1&ordering=name')).json() as { next: string | null; results: unknown[] };
    expect(paged.results).toHaveLength(1);
    expect(paged.next).toMatch(/page=2/);
    const one = await bugrun.api('GET', `/api/v2/tests/${all.results[0].id}/`);
    expect(one.json()).toMatchObject({ id: all.results[0].id, name: 'Minimal test' });
    expect((await bugrun.api('GET', '/api/v2/tests/00000000-0000-4000-8000-000000000000/')).statusCode).toBe(404);
    expect((await bugrun.api('GET', '/api/v2/tests/?ordering=bogus')).statusCode).toBe(400);
  });

  it('lists profiles and never shows secret values', async () => {
    const list = (await bugrun.api('GET', '/api/v2/profiles/')).json() as { results: { id: string; name: string; isDefault: boolean }[] };
    const profile = list.results.find((p) => p.name === 'Default profile');
    expect(profile?.isDefault).toBe(true);
    const detail = (await bugrun.api('GET', `/api/v2/profiles/${profile!.id}/`)).json() as {
      variables: { key: string; value: string | null; hasSecretValue: boolean }[];
    };
    expect(detail.variables.find((v) => v.key === 'password')).toMatchObject({ hasSecretValue: true, value: '********' });
    expect(detail.variables.find((v) => v.key === 'email')?.value).toBe('demo@example.com');
    expect((await bugrun.api('GET', '/api/v2/profiles/nope/')).statusCode).toBe(404);
  });

  it('serves the same routes under /api/v1/', async () => {
    const res = await bugrun.api('GET', '/api/v1/tests/');
    expect(res.statusCode).toBe(200);
    expect((res.json() as { count: number }).count).toBe(2);
  });
});

// Last: it adds a test, which the listings above do not expect.
describe('bundle files', () => {
  it("keeps the bundle's other files for uploadFile, and warns about missing ones", async () => {
    const yaml = (source: string) =>
      yamlTest('upload', yamlStep('goto', "url: 'http://127.0.0.1:1/'") + yamlStep('uploadFile', `selector: 'css=input', file_source: '${source}'`), {
        name: 'Upload',
      });
    const missing = await bugrun.api('POST', '/api/v2/import/', { files: [{ path: 'upload.yaml', content: yaml('files/missing.pdf') }] });
    expect(missing.statusCode).toBe(200);
    expect((missing.json() as { warnings: string[] }).warnings.join('\n')).toMatch(/files\/missing\.pdf.*FILE_DOES_NOT_EXIST/);
    const withFile = await bugrun.api('POST', '/api/v2/import/', {
      files: [
        { path: 'upload.yaml', content: yaml('files/photo.png') },
        { path: 'files/photo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'), encoding: 'base64' },
      ],
    });
    expect((withFile.json() as { warnings: string[] }).warnings).toEqual([]);
    const stored = await bugrun.service.store.blobs.get(`bundle-files/${bugrun.service.projectId}/files/photo.png`);
    expect([...(stored ?? [])]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const escape = await bugrun.api('POST', '/api/v2/import/', {
      files: [
        { path: 'upload.yaml', content: yaml('x') },
        { path: '../evil.txt', content: 'x' },
      ],
    });
    expect(escape.statusCode).toBe(400);
  });
});
