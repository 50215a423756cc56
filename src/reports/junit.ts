import type { ReportRun } from './report-run.js';
import { seconds, stepLabel } from './report-run.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML and drops characters XML 1.0 cannot carry at all. */
export function xmlEscape(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/**
 * One test run as a JUnit `testsuite` with one `testcase` (the test), the shape CI servers read.
 * A failed run carries a `failure` naming the failed step, its errorCode and message; an errored
 * run an `error`; a stopped or unfinished run is `skipped`.
 */
export function renderJUnit(run: ReportRun): string {
  const time = seconds(run.started, run.ended).toFixed(3);
  const failedStep = run.steps.find((s) => s.status === 'failed' && !s.ignoredFailed);
  const attrs = (o: Record<string, string | number>) =>
    Object.entries(o)
      .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
      .join(' ');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: 'Bugrun', tests: 1, failures: run.status === 'failed' ? 1 : 0, errors: run.status === 'error' ? 1 : 0, time })}>`,
    `  <testsuite ${attrs({
      name: run.testName,
      tests: 1,
      failures: run.status === 'failed' ? 1 : 0,
      errors: run.status === 'error' ? 1 : 0,
      skipped: ['stopped', 'skipped'].includes(run.status) ? 1 : 0,
      time,
      timestamp: run.started ?? '',
      id: run.id,
    })}>`,
    `    <testcase ${attrs({ name: run.testName, classname: `bugrun.${run.testId ?? run.id}`, time })}>`,
  ];
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
  lines.push(`      <system-out>${xmlEscape(out.join('\n'))}</system-out>`, '    </testcase>', '  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
