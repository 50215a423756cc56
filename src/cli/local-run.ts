import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ImportBundle, ProfileDefinition, TestDefinition } from '../definitions/index.js';
import { formatDuration, type RunOutcome, type RunResources } from '../domain/index.js';
import { renderHtmlRunsReport, renderJUnitSuite, reportOf, type HtmlReportEntry, type ReportRun } from '../reports/index.js';
import { BrowserPool, defaultChromiumPath, runPlan, type RunPlanOptions } from '../runner/index.js';
import { chooseProfile, loadLocalBundle, localResources, LocalUsageError, planLocalRun } from './local-bundle.js';
import { isLive, LocalProgress, stepTitle } from './local-progress.js';
import { LocalRecorder } from './local-recorder.js';
import { shortDuration } from './run-output.js';

export type Reporter = 'list' | 'junit' | 'html';

export interface LocalRunOptions {
  profile?: string;
  variable: { key: string; value: string }[];
  reporter: Reporter[];
  outputPath: string;
  trace: boolean;
  workers: number;
  headed: boolean;
}

/** One test of the run: where it stands among them and the folder its files go to. */
interface LocalTest {
  index: number;
  test: TestDefinition;
  dir: string;
}

interface LocalResult extends LocalTest {
  report: ReportRun;
  durationMs: number;
  recorder: LocalRecorder;
}

const JUNIT_FILE = 'junit.xml';
const HTML_FILE = 'report.html';

/**
 * `bugrun run`: validates the YAML as import does, then runs every test in a local Chromium with
 * the server's runner, `workers` at once, and writes the screenshots and the reports into the
 * output folder. No database, no data directory: what it leaves is that folder. Returns the exit
 * code: 0 when every test passed, 1 when one did not, 2 when the YAML or the command is wrong.
 */
export async function runLocal(paths: string[], opts: LocalRunOptions): Promise<number> {
  let bundle: ImportBundle;
  let profile: ProfileDefinition | null;
  let resources: RunResources;
  try {
    const loaded = await loadLocalBundle(paths);
    for (const line of loaded.warnings) console.error(line);
    bundle = loaded.bundle;
    resources = localResources(loaded.roots);
    profile = chooseProfile(bundle, opts.profile);
  } catch (err) {
    if (!(err instanceof LocalUsageError)) throw err;
    for (const line of err.lines) console.error(line);
    return 2;
  }

  const out = resolve(opts.outputPath);
  const tests = testFolders(bundle.tests, out);
  try {
    // Files of an earlier run of the same tests would pass for this run's.
    for (const t of tests) await rm(t.dir, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
  } catch (err) {
    console.error(`bugrun: cannot use ${opts.outputPath} as the output folder: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }

  const list = opts.reporter.includes('list');
  const progress = new LocalProgress(process.stderr, isLive(process.stderr), tests.length, list);
  const pool = new BrowserPool({
    executablePath: (process.env.CHROMIUM_PATH ?? '').trim() || defaultChromiumPath(),
    headless: !opts.headed,
    // A context opened ahead of time only helps when another test will take it.
    spareContext: tests.length > opts.workers,
  });
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130);
    progress.note(`bugrun: ${signal} received, stopping the tests`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = new Date().toISOString();
  const results: LocalResult[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tests.length; i = next++) {
      const t = tests[i];
      results[i] = await runOne(t, { bundle, profile, resources, pool, progress, signal: stop.signal, opts });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.workers, tests.length) }, worker));
  } finally {
    progress.finish();
    await pool.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const ended = new Date().toISOString();

  const lines: string[] = [];
  if (list) lines.push(...results.flatMap((r) => resultLines(r)), '');
  lines.push(totals(results, started, ended));
  for (const r of results) for (const e of r.recorder.writeErrors) console.error(`bugrun: could not write ${e}`);

  const reports = results.map((r) => r.report);
  if (opts.reporter.includes('junit')) {
    const path = join(out, JUNIT_FILE);
    await writeFile(path, renderJUnitSuite({ id: randomUUID(), name: 'bugrun run', started, ended }, reports));
    lines.push(`JUnit report: ${shown(path)}`);
  }
  if (opts.reporter.includes('html')) {
    const path = join(out, HTML_FILE);
    const entries: HtmlReportEntry[] = results.map((r) => ({
      run: r.report,
      screenshots: r.recorder.screenshots,
      links: r.recorder.tracePath
        ? [{ label: 'trace.zip (npx playwright-core show-trace)', href: relative(out, r.recorder.tracePath).split('\\').join('/') }]
        : [],
    }));
    await writeFile(path, renderHtmlRunsReport('bugrun run', entries));
    lines.push(`HTML report: ${shown(path)}`);
  }
  lines.push(`Screenshots: ${shown(out)}`);
  console.log(lines.join('\n'));
  return results.every((r) => r.report.status === 'passed') ? 0 : 1;
}

interface RunContext {
  bundle: ImportBundle;
  profile: ProfileDefinition | null;
  resources: RunResources;
  pool: BrowserPool;
  progress: LocalProgress;
  signal: AbortSignal;
  opts: LocalRunOptions;
}

async function runOne(t: LocalTest, ctx: RunContext): Promise<LocalResult> {
  const runId = randomUUID();
  const recorder = new LocalRecorder(t.dir, (step) => ctx.progress.step(t.index, t.test.name, step));
  const startedMs = Date.now();
  const planned = planLocalRun(ctx.bundle, { runId, test: t.test, profile: ctx.profile, overrides: ctx.opts.variable });
  let outcome: RunOutcome;
  if (!('groups' in planned)) {
    outcome = { status: 'error', errorCode: planned.errorCode, message: planned.message };
  } else if (ctx.signal.aborted) {
    outcome = { status: 'stopped', errorCode: null, message: 'Stopped before start' };
  } else {
    const options: RunPlanOptions = { pool: ctx.pool, sink: recorder, signal: ctx.signal, resources: ctx.resources };
    // What became of a trace the runner could not record (too large, tracing failed) is told on stderr.
    if (ctx.opts.trace) options.trace = { note: (message) => ctx.progress.note(`bugrun: "${t.test.name}": ${message}`) };
    outcome = await runPlan(planned, options);
  }
  await recorder.finish();
  const ended = new Date();
  const report = reportOf(
    {
      id: runId,
      // The classname of its JUnit testcase: `bugrun.<slug>`.
      testId: t.test.slug,
      testName: t.test.name,
      status: outcome.status,
      errorCode: outcome.errorCode,
      errorMessage: outcome.message,
      started: recorder.started ?? new Date(startedMs).toISOString(),
      ended: ended.toISOString(),
    },
    recorder.steps.values(),
  );
  return { ...t, report, durationMs: ended.getTime() - startedMs, recorder };
}

/** A folder per test, named after its slug (unique in a bundle), never one of the report files. */
function testFolders(tests: readonly TestDefinition[], out: string): LocalTest[] {
  const taken = new Set([JUNIT_FILE, HTML_FILE]);
  return tests.map((test, i) => {
    const base = test.slug.replace(/[^\w.-]+/g, '-').replace(/^\.+/, '') || 'test';
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    return { index: i + 1, test, dir: join(out, name) };
  });
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

const SYMBOLS: Record<string, string> = { passed: '✓', stopped: '-' };

/** `✓ Name (1.23 s)`; for a run that did not pass, the step that failed it, its code and message, and its screenshot. */
function resultLines(r: LocalResult): string[] {
  const { report } = r;
  const status = report.status === 'passed' ? '' : ` ${report.status}`;
  const lines = [`${SYMBOLS[report.status] ?? '✗'} ${report.testName}  (${shortDuration(formatDuration(r.durationMs))})${status}`];
  if (report.status === 'passed') return lines;
  const failing = report.steps.find((s) => (s.status === 'failed' || s.status === 'error') && !s.ignoredFailed);
  if (failing) {
    lines.push(`    ${stepTitle(failing)}`);
    const code = failing.errorCode ?? report.errorCode;
    const message = failing.error ?? report.errorMessage;
    if (code || message) lines.push(`    ${[code, message].filter(Boolean).join(': ')}`);
    const shot = r.recorder.screenshotFiles.get(failing.id);
    if (shot) lines.push(`    Screenshot: ${shown(shot)}`);
  } else if (report.errorCode || report.errorMessage) {
    lines.push(`    ${[report.errorCode, report.errorMessage].filter(Boolean).join(': ')}`);
  }
  if (r.recorder.tracePath) lines.push(`    Trace: ${shown(r.recorder.tracePath)}`);
  return lines;
}

/** `2 passed, 1 failed (7.80 s)`. */
function totals(results: readonly LocalResult[], started: string, ended: string): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.report.status, (counts.get(r.report.status) ?? 0) + 1);
  const order = ['passed', 'failed', 'error', 'stopped'];
  const parts = order.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  return `${parts.join(', ')} (${shortDuration(formatDuration(Date.parse(ended) - Date.parse(started)))})`;
}
