import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, parseBundle } from '../../src/definitions/index.js';
import { errorLines, errors, fixture, FIXTURES } from './helpers.js';

const VALID = readdirSync(`${FIXTURES}bugbug-examples/valid`).sort();

describe("BugBug's published valid examples", () => {
  it.each(VALID)('%s parses without diagnostics', (name) => {
    const { bundle, diagnostics } = parseBundle([fixture(`bugbug-examples/valid/${name}`)]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    const count = bundle.tests.length + bundle.components.length + bundle.profiles.length + bundle.suites.length + (bundle.project ? 1 : 0);
    expect(count).toBe(1);
  });

  it('together form one bundle whose only problem is the second project document', () => {
    const { bundle, diagnostics } = parseBundle(VALID.map((n) => fixture(`bugbug-examples/valid/${n}`)));
    expect(errors(diagnostics).map(formatDiagnostic)).toEqual([
      'bugbug-examples/valid/project-settings.yaml:1:1: more than one project document in the bundle (first at bugbug-examples/valid/minimal-project.yaml:1:1)',
    ]);
    expect(bundle.tests.map((t) => t.slug)).toEqual(['login-smoke-test', 'minimal-test']);
    expect(bundle.components.map((c) => c.slug)).toEqual(['login-component']);
    expect(bundle.suites.map((s) => s.slug)).toEqual(['minimal-suite', 'smoke-suite']);
    expect(bundle.project?.name).toBe('Minimal project');
  });

  it('keeps data exactly as written and maps the profile', () => {
    const { bundle } = parseBundle([fixture('bugbug-examples/valid/default-profile.yaml')]);
    expect(bundle.profiles).toEqual([
      {
        slug: 'default-profile',
        name: 'Default profile',
        isDefault: true,
        file: 'bugbug-examples/valid/default-profile.yaml',
        variables: [
          { key: 'email', name: 'Email', value: 'demo@example.com', secret: false, description: null },
          { key: 'password', name: 'Password', value: null, secret: true, description: 'Provided outside YAML' },
        ],
      },
    ]);
  });
});

describe("BugBug's published invalid examples", () => {
  const cases: [file: string, expected: string[]][] = [
    ['action-details-mismatch.yaml', ['8:9 data.steps[0]: goto requires action_details.url']],
    ['inline-group-missing-slug.yaml', ['8:7 data.groups[0]: missing required property "slug"']],
    [
      'invalid-action.yaml',
      [
        '6:15 data.steps[0].action: must be one of goto, goBack, goForward, type, click, dblClick, rightClick, mouseDown, mouseUp, clear, change, assert, hover, execute, select, scroll, newTab, switchContext, closeTab, uploadFile, dragAndDrop, answerPrompt, setLocalVariable, reloadPage, pasteFromClipboard, ifCondition, elementVisualRegression, pageVisualRegression (got "fill")',
      ],
    ],
    ['invalid-schema-type.yaml', ['2:14 schema_type must be one of test, component, profile, suite, project (got "flow")']],
    ['missing-required-test-fields.yaml', ['4:3 data: missing required property "runtime"', '4:3 data: missing required property "screen_size"']],
    ['missing-schema-version.yaml', ['1:1 schema_version is required']],
  ];

  it('covers every invalid example', () => {
    expect(cases.map(([f]) => f).sort()).toEqual(readdirSync(`${FIXTURES}bugbug-examples/invalid`).sort());
  });

  it.each(cases)('%s fails at the offending node', (file, expected) => {
    const { diagnostics } = parseBundle([fixture(`bugbug-examples/invalid/${file}`)]);
    expect(errorLines(diagnostics)).toEqual(expected);
    expect(diagnostics.every((d) => d.file === `bugbug-examples/invalid/${file}`)).toBe(true);
  });

  it('flags the selector of the mismatched goto as unused, as a warning', () => {
    const { diagnostics } = parseBundle([fixture('bugbug-examples/invalid/action-details-mismatch.yaml')]);
    expect(diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic)).toEqual([
      'bugbug-examples/invalid/action-details-mismatch.yaml:8:9: warning: data.steps[0]: action_details.selector is not used by goto',
    ]);
  });

  it('reports the problems of every file of a bundle, not just the first', () => {
    const files = readdirSync(`${FIXTURES}bugbug-examples/invalid`)
      .sort()
      .map((n) => fixture(`bugbug-examples/invalid/${n}`));
    const { diagnostics } = parseBundle(files);
    expect(new Set(errors(diagnostics).map((d) => d.file)).size).toBe(files.length);
    expect(errors(diagnostics)).toHaveLength(7);
  });
});
