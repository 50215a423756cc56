/**
 * The reference tests. The same step list drives the service (as BugBug YAML) and the raw
 * playwright-core script, so both do exactly the same work.
 */
export type BenchStep =
  | { action: 'goto'; path: string }
  | { action: 'type'; selector: string; value: string }
  | { action: 'click'; selector: string }
  | { action: 'hover'; selector: string }
  | { action: 'scroll'; selector: string }
  | { action: 'assertText'; selector: string; expected: string }
  | { action: 'assertVisible'; selector: string }
  | { action: 'assertTitle'; expected: string };

export const REFERENCE_SLUG = 'bench-reference';
export const QUEUE_PROBE_SLUG = 'bench-queue-probe';

/** A reference test of its own shape, for the per-reference CPU figure. */
export interface Reference {
  slug: string;
  /** What it exercises, for the report. */
  label: string;
  steps: BenchStep[];
}

/**
 * The three references: the form cycle (the other figures' test), a sign-in flow whose submit
 * navigates (goto, two types, a click that navigates, six assertions on the next page), and a
 * long page (scrolling far below the fold, hovering, assertions on what the hover reveals).
 */
export function references(formSteps: number, longPageCards: number): Reference[] {
  return [
    { slug: REFERENCE_SLUG, label: 'form: type → assert → click → assert', steps: referenceSteps(formSteps) },
    { slug: 'bench-sign-in', label: 'sign-in: a submit that navigates, assertions on the next page', steps: signInSteps() },
    { slug: 'bench-long-page', label: 'long page: scroll, hover, assertions', steps: longPageSteps(longPageCards) },
  ];
}

export function signInSteps(): BenchStep[] {
  const email = 'ada@example.com';
  return [
    { action: 'goto', path: '/signin.html' },
    { action: 'type', selector: '#email', value: email },
    { action: 'type', selector: '#password', value: 'correct horse battery staple' },
    { action: 'click', selector: '#submit' },
    { action: 'assertTitle', expected: 'Dashboard' },
    { action: 'assertText', selector: '#greeting', expected: `Welcome, ${email}` },
    { action: 'assertText', selector: '#plan', expected: 'Plan: Pro' },
    { action: 'assertVisible', selector: '#logout' },
    { action: 'assertText', selector: '#seats', expected: 'Seats: 12 of 20' },
    { action: 'assertText', selector: '#last-login', expected: 'Last sign-in: today' },
  ];
}

/** A goto, then `cards` times: scroll a card into view, hover it, assert its tip shows and the header counted it. */
export function longPageSteps(cards: number): BenchStep[] {
  const steps: BenchStep[] = [{ action: 'goto', path: '/long.html' }];
  for (let k = 1; k <= cards; k++) {
    const n = k * 8;
    steps.push(
      { action: 'scroll', selector: `#card${n}` },
      { action: 'hover', selector: `#card${n}` },
      { action: 'assertVisible', selector: `#tip${n}` },
      { action: 'assertText', selector: '#hovered', expected: `Hovered ${n}` },
    );
  }
  return steps;
}

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
  const css = (selector: string) => quote(`css=${selector}`);
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
    const step = (action: string, details: string) =>
      lines.push(`        - action: ${action}`, `          name: ${name}`, `          action_details: { ${details} }`);
    const assert = (details: string) => step('assert', details);
    switch (s.action) {
      case 'goto':
        step('goto', `url: ${quote(siteUrl + s.path)}`);
        break;
      case 'type':
        step('type', `selector: ${css(s.selector)}, value: ${quote(s.value)}`);
        break;
      case 'click':
      case 'hover':
        step(s.action, `selector: ${css(s.selector)}`);
        break;
      case 'scroll':
        step('scroll', `selector: ${css(s.selector)}, scroll_inside: window, scroll_to: elementIntoView`);
        break;
      case 'assertText':
        assert(`selector: ${css(s.selector)}, assertion_property: textContent, assertion_type: equal, assertion_expected_value: ${quote(s.expected)}`);
        break;
      case 'assertVisible':
        assert(`selector: ${css(s.selector)}, assertion_property: visible, assertion_type: equal, assertion_expected_value: 'true'`);
        break;
      case 'assertTitle':
        assert(`assertion_property: pageTitle, assertion_type: equal, assertion_expected_value: ${quote(s.expected)}`);
        break;
    }
  });
  return `${lines.join('\n')}\n`;
}
