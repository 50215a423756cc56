import type { ClientConfig } from '../config/client-config.js';
import { isFinished, type SuiteRunBody, type SuiteRunStatusBody, type SuiteSummary } from './api-types.js';
import { apiJson, apiText } from './http-client.js';
import { startRemote, type ReportOptions, type RunOptions } from './remote-run.js';
import { failingStep, shortDuration, stepLabel, writeReport } from './run-output.js';

const POLL_MS = 500;

const suiteRunPath = (id: string, rest = '') => `/api/v2/suiteruns/${encodeURIComponent(id)}/${rest}`;
export const suiteRunNotFound = (id: string) => `Suite run "${id}" not found in the project of this token`;

/** Finds a suite by uuid or slug (the server answers both at `/suites/{id}/`). */
export async function resolveSuite(client: ClientConfig, idOrSlug: string): Promise<SuiteSummary> {
  return apiJson<SuiteSummary>(client, 'GET', `/api/v2/suites/${encodeURIComponent(idOrSlug)}/`, {
    notFound: `Suite "${idOrSlug}" not found (by id or slug) in the project of this token; \`bugrun remote list suite\` lists them`,
  });
}

/** The last attempt of each test, in suite order: what decided the suite. */
function lastAttempts(run: SuiteRunBody): SuiteRunBody['testRuns'] {
  const last = new Map<number, SuiteRunBody['testRuns'][number]>();
  let position = -1;
  for (const t of run.testRuns) last.set(t.attempt === 1 ? ++position : position, t);
  return [...last.values()];
}

/** The inline reporter's summary of a suite run; returns the exit code: 0 only when it passed. */
export async function reportSuiteRun(client: ClientConfig, run: SuiteRunBody, opts: ReportOptions): Promise<number> {
  const lines = [`Suite: ${run.name}`, `Status: ${run.status}${run.errorCode ? ` (${run.errorCode})` : ''}`, `Duration: ${shortDuration(run.duration)}`];
  if (run.profileName) lines.push(`Profile: ${run.profileName}`);
  const tests = lastAttempts(run);
  lines.push(`Tests (${tests.length}):`);
  for (const t of tests) {
    const retried = t.attempt > 1 ? `  [attempt ${t.attempt}]` : '';
    lines.push(`  ${t.status.padEnd(7)} ${t.name}  ${shortDuration(t.duration)}${retried}`);
    const failing = failingStep(t);
    if (failing && (opts.withDetails || t.status !== 'passed')) {
      const { index, step } = failing;
      lines.push(`          step ${index + 1}. ${stepLabel(step)}${step.errorCode ? `: ${step.errorCode}` : ''}${step.error ? `: ${step.error}` : ''}`);
    } else if (t.status === 'error' && t.errorCode) lines.push(`          ${t.errorCode}`);
  }
  if (opts.reporter === 'junit') {
    const xml = await apiText(client, suiteRunPath(run.id, 'report/junit/'), suiteRunNotFound(run.id));
    lines.push(`JUnit report: ${await writeReport(xml, opts.outputPath ?? `bugrun-suite-${run.id}-junit.xml`)}`);
  }
  lines.push(`Details: ${run.webappUrl}`);
  console.log(lines.join('\n'));
  return run.status === 'passed' ? 0 : 1;
}

/** `bugrun remote run suite <id|slug>`: starts it, prints `suiteRunId: <uuid>`, waits, reports. */
export async function runSuite(client: ClientConfig, idOrSlug: string, opts: RunOptions): Promise<number> {
  const suite = await resolveSuite(client, idOrSlug);
  const data = await startRemote<SuiteRunStatusBody>(client, '/api/v2/suiteruns/', { suiteId: suite.id }, opts, 'suite run');
  // BugBug's GitHub Action scrapes this exact line.
  console.log(`suiteRunId: ${data.id}`);
  console.log(`Queued suite "${suite.name}" (${suite.testsCount} tests): ${data.webappUrl}`);
  if (!opts.wait) return 0;

  const deadline = Date.now() + opts.resultTimeout * 60_000;
  let last = '';
  for (;;) {
    const run = await apiJson<SuiteRunBody>(client, 'GET', suiteRunPath(data.id), { notFound: suiteRunNotFound(data.id) });
    if (isFinished(run.status)) return reportSuiteRun(client, run, opts);
    if (opts.progress) {
      const running = run.testRuns.filter((t) => t.status === 'running' || t.status === 'initialized').map((t) => t.name);
      const line = `[${Math.min(run.totalTests, run.finishedTests + Math.max(1, running.length))}/${run.totalTests}] ${run.status}${running.length > 0 ? ` - ${running.join(', ')}` : ''}`;
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
  console.error(`bugrun: no result within ${opts.resultTimeout} min; the suite run goes on (\`bugrun remote stop suite ${data.id}\` stops it)`);
  console.log('Status: running (timed out waiting for the result)');
  return 1;
}
