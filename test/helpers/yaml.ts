/** BugBug YAML v1 test documents for tests: one inline group `main` holding `steps` (YAML lines). */
export function yamlTest(slug: string, steps: string, opts: { name?: string; screen?: 'desktop' | 'mobile' } = {}): string {
  return `schema_version: '1.0'
schema_type: test
data:
  name: '${opts.name ?? slug}'
  slug: '${slug}'
  runtime: browser
  screen_size: ${opts.screen ?? 'desktop'}
  groups:
    - group_name: 'Main'
      slug: 'main'
      steps:
${steps}`;
}

/** One step as YAML lines under `steps:`; `extra` lines (e.g. `execution: {...}`) go below it. */
export function yamlStep(action: string, details: string, extra: { name?: string; execution?: string } = {}): string {
  return `        - action: ${action}
${extra.name ? `          name: '${extra.name}'\n` : ''}          action_details: { ${details} }
${extra.execution ? `          execution: { ${extra.execution} }\n` : ''}`;
}
