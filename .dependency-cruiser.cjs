/**
 * The layers of docs/architecture.md, checked over the TypeScript program the way Playwright
 * checks its DEPS lists: each folder of src/ names the folders it may import. Inner folders never
 * import outer ones; the runner never touches the database and the API never touches the browser.
 */
const LAYERS = {
  domain: [],
  config: ['domain'],
  definitions: ['domain'],
  store: ['domain'],
  templates: ['domain'],
  runner: ['domain', 'templates'],
  reports: ['domain'],
  alerts: ['domain', 'templates', 'store'],
  schedules: ['domain', 'store'],
  runs: ['domain', 'store', 'runner', 'reports'],
  'use-cases': ['domain', 'definitions', 'store', 'runs', 'reports', 'schedules', 'alerts'],
  api: ['domain', 'config', 'definitions', 'store', 'runs', 'reports', 'use-cases'],
  web: [],
  demo: [],
};

const others = (layer) => Object.keys(LAYERS).filter((l) => l !== layer && !LAYERS[layer].includes(l));

module.exports = {
  forbidden: [
    ...Object.keys(LAYERS).map((layer) => ({
      name: `layer-${layer}`,
      comment: `src/${layer}/ may import only ${LAYERS[layer].map((l) => `src/${l}/`).join(', ') || 'nothing of ours'}`,
      severity: 'error',
      from: { path: `^src/${layer}/` },
      to: { path: `^src/(${others(layer).join('|')})/` },
    })),
    {
      name: 'inner-imports-outer',
      comment: 'no layer imports the CLI or the composition root (src/service.ts)',
      severity: 'error',
      from: { path: '^src/(?!cli/)' },
      to: { path: '^src/(cli/|service\\.ts$)' },
    },
    {
      name: 'browser-only-in-runner',
      comment: 'only src/runner/ drives the browser (src/cli/ and the composition root only start it)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(runner/|cli/|service\\.ts$)' },
      to: { path: 'node_modules/(playwright|playwright-core)/' },
    },
    {
      name: 'database-only-in-store',
      comment: 'only src/store/ talks to the database and the object storage',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/' },
      to: { path: 'node_modules/(kysely|better-sqlite3|pg|pg-boss|@aws-sdk/[^/]+)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};
