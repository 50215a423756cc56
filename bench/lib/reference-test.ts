/**
 * The reference test: a goto, then a repeating type → assert echo → click → assert status cycle
 * over the 20 interactive elements of bench/site/form.html. The same list drives the service
 * (as BugBug YAML) and the raw playwright-core script, so both do exactly the same work.
 */
export type BenchStep =
  | { action: 'goto'; path: string }
  | { action: 'type'; selector: string; value: string }
  | { action: 'click'; selector: string }
  | { action: 'assertText'; selector: string; expected: string };

export const REFERENCE_SLUG = 'bench-reference';
export const QUEUE_PROBE_SLUG = 'bench-queue-probe';

export function referenceSteps(count: number): BenchStep[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('a reference test needs at least one step');
  const steps: BenchStep[] = [{ action: 'goto', path: '/form.html' }];
  let field = 0;
  let button = 0;
  for (let i = 1; i < count; i++) {
    switch ((i - 1) % 4) {
      case 0:
        field = (field % 10) + 1;
        steps.push({ action: 'type', selector: `#f${field}`, value: `value ${i} for field ${field}` });
        break;
      case 1:
        steps.push({ action: 'assertText', selector: `#e${field}`, expected: `value ${i - 1} for field ${field}` });
        break;
      case 2:
        button = (button % 10) + 1;
        steps.push({ action: 'click', selector: `#b${button}` });
        break;
      default:
        steps.push({ action: 'assertText', selector: '#status', expected: `Clicked ${button}` });
    }
  }
  return steps;
}

export function describeMix(steps: readonly BenchStep[]): string {
  const counts = new Map<string, number>();
  for (const s of steps) counts.set(s.action, (counts.get(s.action) ?? 0) + 1);
  return [...counts].map(([a, n]) => `${n} ${a}`).join(', ');
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The steps as a BugBug YAML v1 test document. `{{site}}` is not used: URLs are absolute. */
export function referenceYaml(siteUrl: string, steps: readonly BenchStep[], slug = REFERENCE_SLUG): string {
  const lines = [
    "schema_version: '1.0'",
    'schema_type: test',
    'data:',
    `  name: ${quote(`Bench reference (${steps.length} steps)`)}`,
    `  slug: ${quote(slug)}`,
    '  runtime: browser',
    '  screen_size: desktop',
    '  groups:',
    "    - group_name: 'Main'",
    "      slug: 'main'",
    '      steps:',
  ];
  steps.forEach((s, i) => {
    const name = quote(`Step ${i + 1} ${s.action}`);
    switch (s.action) {
      case 'goto':
        lines.push(`        - action: goto`, `          name: ${name}`, `          action_details: { url: ${quote(siteUrl + s.path)} }`);
        break;
      case 'type':
        lines.push(
          `        - action: type`,
          `          name: ${name}`,
          `          action_details: { selector: ${quote(`css=${s.selector}`)}, value: ${quote(s.value)} }`,
        );
        break;
      case 'click':
        lines.push(`        - action: click`, `          name: ${name}`, `          action_details: { selector: ${quote(`css=${s.selector}`)} }`);
        break;
      case 'assertText':
        lines.push(
          `        - action: assert`,
          `          name: ${name}`,
          `          action_details: { selector: ${quote(`css=${s.selector}`)}, assertion_property: textContent, assertion_type: equal, assertion_expected_value: ${quote(s.expected)} }`,
        );
        break;
    }
  });
  return `${lines.join('\n')}\n`;
}
