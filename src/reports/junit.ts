import type { ReportRun } from './report-run.js';
import { seconds, stepLabel } from './report-run.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML and drops characters XML 1.0 cannot carry at all. */
export function xmlEscape(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

const attrs = (o: Record<string, string | number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
    .join(' ');

/** One JUnit `testcase`: a failed run carries a `failure`, an errored one an `error`, a stopped or unfinished one `skipped`. */
function testcase(run: ReportRun): string[] {
  const time = seconds(run.started, run.ended).toFixed(3);
  const failedStep = run.steps.find((s) => s.status === 'failed' && !s.ignoredFailed);
  const lines = [`    <testcase ${attrs({ name: run.testName, classname: `bugrun.${run.testId ?? run.id}`, time })}>`];
  if (run.status === 'failed') {
    const code = failedStep?.errorCode ?? run.errorCode ?? 'ASSERT_FAILED';
    const message = failedStep?.error ?? run.errorMessage ?? 'Test failed';
    const where = failedStep ? `Step ${failedStep.sequence + 1} "${stepLabel(failedStep)}" failed` : 'Test failed';
    lines.push(
      `      <failure ${attrs({ type: code, message: `${where}: ${code}: ${message}` })}>${xmlEscape(`${where}\nerrorCode: ${code}\n${message}`)}</failure>`,
    );
  } else if (run.status === 'error') {
    const code = run.errorCode ?? 'INTERNAL_ERROR';
    lines.push(`      <error ${attrs({ type: code, message: `${code}: ${run.errorMessage ?? 'Run error'}` })}/>`);
  } else if (run.status !== 'passed') {
    lines.push(`      <skipped ${attrs({ message: `Run ${run.status}` })}/>`);
  }
  const out = run.steps.map((s) => {
    const status = s.status + (s.warning ? ' (warning)' : '') + (s.errorCode ? ` ${s.errorCode}: ${s.error ?? ''}` : '');
    return `${s.sequence + 1}. ${stepLabel(s)} - ${status} (${seconds(s.started, s.ended).toFixed(3)} s)`;
  });
  lines.push(`      <system-out>${xmlEscape(out.join('\n'))}</system-out>`, '    </testcase>');
  return lines;
}

/** What a JUnit `testsuite` says of itself: a test run's, or a suite run's. */
export interface JUnitSuite {
  id: string;
  name: string;
  started: string | null;
  ended: string | null;
}

/** A JUnit document with one `testsuite` and one `testcase` per run, the shape CI servers read. */
export function renderJUnitSuite(suite: JUnitSuite, runs: readonly ReportRun[]): string {
  const time = seconds(suite.started, suite.ended).toFixed(3);
  const count = (statuses: string[]) => runs.filter((r) => statuses.includes(r.status)).length;
  const totals = { tests: runs.length, failures: count(['failed']), errors: count(['error']) };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: 'Bugrun', ...totals, time })}>`,
    `  <testsuite ${attrs({ name: suite.name, ...totals, skipped: runs.length - totals.failures - totals.errors - count(['passed']), time, timestamp: suite.started ?? '', id: suite.id })}>`,
    ...runs.flatMap(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** One test run as a JUnit document with one `testcase` (the test). */
export function renderJUnit(run: ReportRun): string {
  return renderJUnitSuite({ id: run.id, name: run.testName, started: run.started, ended: run.ended }, [run]);
}
