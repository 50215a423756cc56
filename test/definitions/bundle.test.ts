import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { componentRefs, fileSources, formatDiagnostic, parseBundle, readBundleFiles, slugify } from '../../src/definitions/index.js';
import { errorLines, errors, FIXTURES, source } from './helpers.js';

const profile = (name: string, extra = ''): string => `schema_version: '1.0'\nschema_type: profile\ndata:\n  name: '${name}'\n${extra}`;

describe('readBundleFiles', () => {
  it('reads the YAML files of a folder recursively, sorted, skipping hidden folders and other files', async () => {
    const files = await readBundleFiles([join(FIXTURES, 'bundle')]);
    expect(files.map((f) => f.path)).toEqual([
      join(FIXTURES, 'bundle', 'components', 'login.yaml'),
      join(FIXTURES, 'bundle', 'project.yaml'),
      join(FIXTURES, 'bundle', 'tests', 'checkout.yml'),
    ]);
    expect(files[1]?.text).toContain('schema_type: project');
  });

  it('reads a file given directly whatever its extension, once even when also inside a given folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bugrun-defs-'));
    writeFileSync(join(dir, 'a.yaml'), profile('A'));
    writeFileSync(join(dir, 'b.bugbug'), profile('B'));
    const files = await readBundleFiles([join(dir, 'b.bugbug'), dir, join(dir, 'a.yaml')]);
    expect(files.map((f) => f.path)).toEqual([join(dir, 'b.bugbug'), join(dir, 'a.yaml')]);
  });

  it('rejects a path that does not exist', async () => {
    await expect(readBundleFiles([join(FIXTURES, 'no-such-dir')])).rejects.toThrow(/ENOENT/);
  });
});

describe('parseBundle', () => {
  it('imports a multi-file, multi-document bundle', async () => {
    const { bundle, diagnostics } = parseBundle(await readBundleFiles([join(FIXTURES, 'bundle')]));
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(bundle.components.map((c) => [c.slug, c.name])).toEqual([['log-in', 'Log in']]);
    expect(bundle.profiles.map((p) => [p.slug, p.isDefault])).toEqual([['staging', true]]);
    expect(bundle.tests.map((t) => [t.slug, t.name])).toEqual([['checkout-happy-path', 'Checkout: happy path']]);
    expect(bundle.suites.map((s) => [s.slug, s.data.tests?.[0]?.test_source])).toEqual([['checkout', 'checkout-happy-path']]);
    expect(bundle.project?.settings.general.timezone).toBe('Europe/Warsaw');
    expect(bundle.tests[0]?.file).toBe(join(FIXTURES, 'bundle', 'tests', 'checkout.yml'));
    expect(componentRefs(bundle.tests[0].data)).toEqual(['log-in']);
  });

  it('keeps the stored data plain JSON, exactly as written', async () => {
    const { bundle } = parseBundle(await readBundleFiles([join(FIXTURES, 'bundle', 'tests')]));
    const data = bundle.tests[0].data;
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(data.groups?.[0]).toEqual({ component_source: 'log-in', variables: { email: 'buyer@example.com', retries: 3 } });
  });

  it('positions documents after the first by their own lines', () => {
    const text = `${profile('First')}---\nschema_version: '1.0'\nschema_type: profile\ndata:\n  name: 'Second'\n  is_default: maybe\n`;
    const { diagnostics } = parseBundle([source('two.yaml', text)]);
    expect(errorLines(diagnostics)).toEqual(['10:15 data.is_default: must be a boolean (true or false) or null (got "maybe")']);
  });

  it('rejects duplicate slugs of one kind, naming the first occurrence, but allows the same slug across kinds', () => {
    const test = (name: string, slug: string): string =>
      `schema_version: '1.0'\nschema_type: test\ndata:\n  name: '${name}'\n  slug: '${slug}'\n  runtime: browser\n  screen_size: desktop\n`;
    const component = `schema_version: '1.0'\nschema_type: component\ndata:\n  component_name: 'Login'\n`;
    const { diagnostics, bundle } = parseBundle([source('a.yaml', test('One', 'login')), source('b.yaml', test('Two', 'login')), source('c.yaml', component)]);
    expect(errors(diagnostics).map(formatDiagnostic)).toEqual(['b.yaml:5:9: duplicate test slug "login" (first at a.yaml:5:9)']);
    expect(bundle.components.map((c) => c.slug)).toEqual(['login']);
  });

  it('compares derived slugs too', () => {
    const { diagnostics } = parseBundle([source('a.yaml', profile('Staging env')), source('b.yaml', profile('staging  ENV!'))]);
    expect(errors(diagnostics).map(formatDiagnostic)).toEqual(['b.yaml:4:9: duplicate profile slug "staging-env" (first at a.yaml:4:9)']);
  });

  it('allows one default profile only', () => {
    const { diagnostics } = parseBundle([
      source('a.yaml', profile('A', '  is_default: true\n')),
      source('b.yaml', profile('B', '  is_default: false\n')),
      source('c.yaml', profile('C', '  is_default: true\n')),
    ]);
    expect(errors(diagnostics).map(formatDiagnostic)).toEqual(['c.yaml:5:15: more than one default profile (first at a.yaml:5:15)']);
  });

  it('reports YAML syntax errors with their position and still checks the other documents', () => {
    const text = `schema_version: '1.0'\nschema_type: suite\ndata:\n  suite_name: 'S'\n  suite_name: 'T'\n---\nschema_type: test\n`;
    const { diagnostics } = parseBundle([source('bad.yaml', text)]);
    expect(errorLines(diagnostics)).toEqual(['5:3 Map keys must be unique', '7:1 schema_version is required', '7:1 data is required']);
  });

  it('says how to fix an unquoted schema_version', () => {
    const { diagnostics } = parseBundle([source('v.yaml', `schema_version: 1.0\nschema_type: profile\ndata:\n  name: P\n`)]);
    expect(errorLines(diagnostics)).toEqual([`1:17 schema_version must be "1.0" (got 1; quote it: '1.0')`]);
  });

  it('points at unknown keys and suggests the intended one', () => {
    const { diagnostics } = parseBundle([source('k.yaml', profile('P', '  is_defualt: true\n'))]);
    expect(errorLines(diagnostics)).toEqual(['5:3 data: unknown property "is_defualt" (did you mean "is_default"?)']);
  });

  it('rejects a document that is not a mapping, and ignores empty documents', () => {
    const { diagnostics } = parseBundle([source('l.yaml', `---\n# only a comment\n---\n- a\n- b\n---\n`)]);
    expect(errorLines(diagnostics)).toEqual(['4:1 a document must be a mapping with schema_version, schema_type and data (got a list)']);
  });

  it('warns about a file without documents', () => {
    const { diagnostics } = parseBundle([source('empty.yaml', '# nothing here\n')]);
    expect(diagnostics.map(formatDiagnostic)).toEqual(['empty.yaml:1:1: warning: no YAML documents in this file']);
  });

  it('needs a slug when the name has none to give', () => {
    const { diagnostics } = parseBundle([source('n.yaml', profile('!!!'))]);
    expect(errorLines(diagnostics)).toEqual(['4:9 data.name: cannot derive a slug from "!!!"; add data.slug']);
  });
});

describe('formatDiagnostic', () => {
  it('prints file:line:col: message, marking warnings', () => {
    expect(formatDiagnostic({ file: 'a.yaml', line: 3, column: 7, message: 'boom', severity: 'error' })).toBe('a.yaml:3:7: boom');
    expect(formatDiagnostic({ file: 'a.yaml', line: 1, column: 1, message: 'hm', severity: 'warning' })).toBe('a.yaml:1:1: warning: hm');
  });
});

describe('slugify', () => {
  it.each([
    ['Login smoke test', 'login-smoke-test'],
    ['  Checkout: happy path!  ', 'checkout-happy-path'],
    ['Café & Crème', 'cafe-creme'],
    ['already-a-slug', 'already-a-slug'],
    ['A__B', 'a-b'],
  ])('%j → %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });
});

describe('fileSources', () => {
  it("names the files a test's steps read: uploads and visual regression references, each once", () => {
    const steps = `        - action: uploadFile
          action_details: { selector: 'css=#f', file_source: 'files/a.pdf' }
        - action: pageVisualRegression
          action_details:
            visual_regression_ref_screenshots:
              - { file_source: 'refs/home.png', screen_size_type: desktop }
              - { file_source: 'refs/home-m.png', screen_size_type: mobile }
              - { project_artifact_id: 'x' }
        - action: uploadFile
          action_details: { selector: 'css=#g', file_source: 'refs/home.png' }
`;
    const text = `schema_version: '1.0'\nschema_type: test\ndata:\n  name: T\n  slug: t\n  runtime: browser\n  screen_size: desktop\n  groups:\n    - group_name: G\n      slug: g\n      steps:\n${steps}`;
    const { bundle, diagnostics } = parseBundle([source('t.yaml', text)]);
    expect(errors(diagnostics)).toEqual([]);
    expect(fileSources(bundle.tests[0]?.data as never)).toEqual(['files/a.pdf', 'refs/home.png', 'refs/home-m.png']);
  });
});
