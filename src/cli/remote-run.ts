import type { ClientConfig } from '../config/client-config.js';
import { isFinished, type ProfileSummary, type RunBody, type RunStatusBody, type TestSummary } from './api-types.js';
import { apiJson, apiRequest, CliError } from './http-client.js';
import { detailLines, ProgressLine, summaryLines, writeJUnit } from './run-output.js';

const POLL_MS = 500;

export interface ReportOptions {
  withDetails?: boolean;
  reporter: 'inline' | 'junit';
  outputPath?: string;
}

export interface RunOptions extends ReportOptions {
  profile?: string;
  variable: { key: string; value: string }[];
  wait: boolean;
  progress: boolean;
  resultTimeout: number;
  triggeredBy: string;
}

const runPath = (runId: string, rest = '') => `/api/v2/testruns/${encodeURIComponent(runId)}/${rest}`;

/** Finds a test by uuid or slug (the server answers both at `/tests/{id}/`). */
export async function resolveTest(client: ClientConfig, idOrSlug: string): Promise<TestSummary> {
  return apiJson<TestSummary>(client, 'GET', `/api/v2/tests/${encodeURIComponent(idOrSlug)}/`, {
    notFound: `Test "${idOrSlug}" not found (by id or slug) in the project of this token; \`bugrun remote list test\` lists them`,
  });
}

async function profileName(client: ClientConfig, run: RunBody): Promise<string | null> {
  if (!run.runProfileId) return null;
  const { status, data } = await apiRequest<ProfileSummary>(client, 'GET', `/api/v2/profiles/${run.runProfileId}/`);
  return status === 200 ? data.name : null;
}

/** Prints what the chosen reporter prints; returns the exit code: 0 only when the run passed. */
export async function reportRun(client: ClientConfig, run: RunBody, opts: ReportOptions): Promise<number> {
  const lines = summaryLines(run, await profileName(client, run));
  if (opts.withDetails) lines.push(...detailLines(run));
  if (opts.reporter === 'junit') lines.push(`JUnit report: ${await writeJUnit(client, run.id, opts.outputPath)}`);
  console.log(lines.join('\n'));
  return run.status === 'passed' ? 0 : 1;
}

/** Polls until the run ends or the time is up; the progress line follows along. */
async function waitForRun(client: ClientConfig, runId: string, timeoutMs: number, progress: ProgressLine): Promise<RunBody | null> {
  const deadline = Date.now() + timeoutMs;
  const notFound = `Test run "${runId}" disappeared while waiting for it`;
  let lastModified = '';
  let lastRun: RunBody | null = null;
  for (;;) {
    const status = await apiJson<RunStatusBody>(client, 'GET', runPath(runId, 'status/'), { notFound });
    const changed = status.modified !== lastModified;
    lastModified = status.modified;
    if (isFinished(status.status)) {
      progress.update(status, null);
      return apiJson<RunBody>(client, 'GET', runPath(runId), { notFound });
    }
    // Step names live on the full run; fetch it only when something moved.
    if (changed) lastRun = await apiJson<RunBody>(client, 'GET', runPath(runId), { notFound });
    progress.update(status, lastRun);
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * POSTs a run request with the CLI's profile, variables and trigger; a refusal (400, 429) is one
 * `CliError` naming each field's problem.
 */
export async function startRemote<T>(client: ClientConfig, path: string, target: Record<string, string>, opts: RunOptions, what: string): Promise<T> {
  const { status, data } = await apiRequest<T>(client, 'POST', path, {
    ...target,
    ...(opts.profile === undefined ? {} : { profileName: opts.profile }),
    ...(opts.variable.length === 0 ? {} : { variables: opts.variable }),
    triggeredBy: opts.triggeredBy,
  });
  if (status === 200) return data;
  const errors = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const messages = Object.entries(errors).map(([field, m]) => `${field}: ${Array.isArray(m) ? m.join(' ') : String(m)}`);
  throw new CliError(`The ${what} was not started: ${messages.join('; ') || `HTTP ${status}`}`);
}

/** `bugrun remote run test <id|slug>`: starts the run, prints `testRunId: <uuid>`, waits, reports. */
export async function runTest(client: ClientConfig, idOrSlug: string, opts: RunOptions): Promise<number> {
  const test = await resolveTest(client, idOrSlug);
  const data = await startRemote<RunStatusBody>(client, '/api/v2/testruns/', { testId: test.id }, opts, 'run');
  console.log(`testRunId: ${data.id}`);
  console.log(`Queued test "${test.name}": ${data.webappUrl}`);
  if (!opts.wait) return 0;

  const progress = new ProgressLine(process.stderr, opts.progress);
  let run: RunBody | null;
  try {
    run = await waitForRun(client, data.id, opts.resultTimeout * 60_000, progress);
  } finally {
    progress.finish();
  }
  if (run) return reportRun(client, run, opts);

  console.error(`bugrun: no result within ${opts.resultTimeout} min; the run goes on (\`bugrun remote stop test ${data.id}\` stops it)`);
  const current = await apiJson<RunBody>(client, 'GET', runPath(data.id));
  console.log(`Status: ${current.status} (timed out waiting for the result)`);
  if (opts.reporter === 'junit') console.log(`JUnit report: ${await writeJUnit(client, data.id, opts.outputPath)}`);
  return 1;
}
