import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  DEFAULT_PASSED_SCREENSHOTS,
  NO_RESOURCES,
  secretValues,
  type RunOutcome,
  type RunResources,
  type RunSink,
  type ScreenshotSize,
  type TestPlan,
} from '../domain/index.js';
import type { BrowserPool } from './browser-pool.js';
import { Capture } from './capture.js';
import { listenToPage } from './console-capture.js';
import { RunClipboard, planUsesClipboard } from './clipboard.js';
import { Dialogs } from './dialogs.js';
import { errorMessage } from './errors.js';
import { RunEventEmitter } from './event-emitter.js';
import { NavigationGuard } from './navigation-guard.js';
import { NetworkLog } from './network-log.js';
import { enterPhase } from './phases.js';
import { RunHealth } from './run-health.js';
import type { RunSession, StopReason } from './run-session.js';
import { SecretSet } from './secrets.js';
import { StepRunner, type RunEnd } from './step-runner.js';
import { Tabs } from './tabs.js';
import { RunTrace, type TraceRecording } from './trace.js';
import { race, within } from './timing.js';
import { Variables } from './variables.js';

export interface RunPlanOptions {
  pool: BrowserPool;
  sink: RunSink;
  signal: AbortSignal;
  /** Bundle files and visual-regression baselines; default: none. */
  resources?: RunResources;
  /**
   * Record a Playwright trace, emitted at the end as an `artifact` event of kind `trace`; default:
   * none. What becomes of a trace that is not emitted goes to `note`, or with `true` to the run's log.
   */
  trace?: TraceRecording | boolean;
  /** The size of a cleanly passed step's screenshot (`BUGRUN_PASSED_SCREENSHOTS`); default `small`. */
  passedScreenshots?: ScreenshotSize;
}

/** After the run limit, the step in progress gets this long to fail on its own before the hard cut. */
const RUN_LIMIT_BACKSTOP_MS = 1_000;
/** Closing a context normally takes tens of ms; never let a stuck browser hold the run open. */
const CONTEXT_CLOSE_LIMIT_MS = 1_000;

function osName(): string {
  switch (process.platform) {
    case 'darwin':
      return 'macOS';
    case 'win32':
      return 'Windows';
    case 'linux':
      return 'Linux';
    default:
      return process.platform;
  }
}

/** Secrets known before the run: secret variables and literal values typed with has_secret_value. */
function initialSecrets(plan: TestPlan): SecretSet {
  const secrets = new SecretSet(secretValues(plan));
  const visit = (steps: TestPlan['groups'][number]['steps']): void => {
    for (const step of steps) {
      const v = step.details.value;
      if (step.details.has_secret_value && v && !v.includes('{{') && !v.includes('{%')) secrets.add(v);
      visit(step.conditionalSteps);
    }
  };
  for (const g of plan.groups) visit(g.steps);
  return secrets;
}

/**
 * Executes one plan in a fresh browser context and reports it through `sink`. Never rejects:
 * every failure, including the browser's, comes back as data in the outcome.
 */
export async function runPlan(plan: TestPlan, opts: RunPlanOptions): Promise<RunOutcome> {
  const secrets = initialSecrets(plan);
  const events = new RunEventEmitter(opts.sink, secrets);
  try {
    const outcome = await execute(plan, opts, secrets, events);
    events.log(outcome.status === 'passed' ? 'info' : 'warn', `Run finished: ${outcome.status}${outcome.errorCode ? ` (${outcome.errorCode})` : ''}`);
    return { ...outcome, message: secrets.mask(outcome.message) };
  } catch (e) {
    const message = secrets.mask(`Internal error: ${errorMessage(e)}`);
    events.log('error', message);
    return { status: 'error', errorCode: 'INTERNAL_ERROR', message };
  } finally {
    events.close();
  }
}

async function execute(plan: TestPlan, opts: RunPlanOptions, secrets: SecretSet, events: RunEventEmitter): Promise<RunOutcome> {
  if (opts.signal.aborted) return { status: 'stopped', errorCode: null, message: 'Stopped before start' };
  const startedAt = Date.now();
  const runDeadline = startedAt + plan.settings.runTimeoutMs;

  // One signal for everything that must end the run now: the caller's stop, or the hard limit.
  const abort = new AbortController();
  let stopReason: StopReason | null = null;
  const stop = (reason: StopReason): void => {
    if (stopReason) return;
    stopReason = reason;
    abort.abort();
  };
  const onStop = (): void => stop('stopped');
  opts.signal.addEventListener('abort', onStop, { once: true });
  const backstop = setTimeout(() => stop('timeout'), plan.settings.runTimeoutMs + RUN_LIMIT_BACKSTOP_MS);

  let browser: Browser | null = null;
  let context: BrowserContext | null = null;
  let network: NetworkLog | null = null;
  let navigationGuard: NavigationGuard;
  let trace = RunTrace.NONE;
  let closing: Promise<void> | null = null;
  const closeContext = (): Promise<void> => {
    if (!context) return Promise.resolve();
    closing ??= context.close().catch(() => undefined);
    return closing;
  };
  // Closing the context makes every pending Playwright call reject at once, so a stop is fast
  // even while a step waits on a page that never answers.
  abort.signal.addEventListener('abort', () => void closeContext(), { once: true });
  const health = new RunHealth();
  const onDisconnect = (): void => health.gone();

  const stoppedOrLimit = (): RunOutcome =>
    stopReason === 'timeout'
      ? { status: 'failed', errorCode: 'SINGLE_TEST_TIME_EXCEEDED', message: 'The test exceeded its time limit' }
      : { status: 'stopped', errorCode: null, message: 'Stopped' };

  try {
    let page: Page;
    try {
      const timezoneId = knownTimezone(plan.settings.timezone);
      if (plan.settings.timezone && !timezoneId) events.log('warn', `Unknown time zone "${plan.settings.timezone}"; the browser keeps the machine's`);
      // Instant when the pool has a spare; a launch or a new context can take a while.
      enterPhase('context');
      const opening = opts.pool.freshPage({
        viewport: { width: plan.screen.width, height: plan.screen.height },
        timezoneId,
        // downloadStarted assertions watch the pages' downloads.
        acceptDownloads: true,
        locale: plan.settings.language ?? undefined,
        userAgent: plan.settings.userAgent ?? undefined,
        extraHTTPHeaders: Object.fromEntries(plan.settings.customHeaders.map((h) => [h.name, h.value])),
      });
      const fresh = await race(opening, abort.signal).catch((e: unknown) => {
        // Stopped while it opened: the context must not outlive the run.
        void opening.then((f) => f.context.close()).catch(() => undefined);
        throw e;
      });
      ({ browser, context, page } = fresh);
      browser.on('disconnected', onDisconnect);
      context.on('close', () => {
        if (!closing) health.gone();
      });
      if (abort.signal.aborted) return stoppedOrLimit();
      // The page is still blank, so the log sees its first request and the guard its first navigation.
      network = new NetworkLog(context, events, secrets);
      navigationGuard = new NavigationGuard(context, { log: (level, message) => events.log(level, message) });
    } catch (e) {
      if (stopReason) return stoppedOrLimit();
      const message = `Could not start the browser: ${errorMessage(e)}`;
      events.log('error', message);
      return { status: 'error', errorCode: 'INITIALIZATION_ERROR', message };
    }

    // Before the first step, so the trace holds every action; a tracing failure is noted, never fatal.
    if (opts.trace) {
      const notes: TraceRecording = opts.trace === true ? { note: (message) => events.log('warn', message) } : opts.trace;
      trace = await RunTrace.start(context, plan, events, secrets, notes);
    }
    if (abort.signal.aborted) return stoppedOrLimit();

    const vars = new Variables(plan, startedAt);
    const dialogs = new Dialogs(page, {
      answerFor: (step) => {
        const value = vars.render(step.details.value ?? '');
        if (step.details.has_secret_value) secrets.add(value);
        return value;
      },
      log: (level, message) => events.log(level, message),
    });
    // Pages the site or the test opens later get the same dialog and console handling.
    const tabs = new Tabs(context, page, {
      onPage: (p) => {
        dialogs.watch(p);
        listenToPage(session, p);
      },
      log: (level, message) => events.log(level, message),
    });
    const session: RunSession = {
      plan,
      context,
      get page() {
        return tabs.page;
      },
      tabs,
      clipboard: new RunClipboard(context),
      network,
      navigationGuard,
      vars,
      secrets,
      events,
      capture: new Capture(context, () => tabs.page),
      passedScreenshots: opts.passedScreenshots ?? DEFAULT_PASSED_SCREENSHOTS,
      dialogs,
      resources: opts.resources ?? NO_RESOURCES,
      // A lost page or browser ends every wait too (a step's sleep, a prompt awaited): the steps then fail as error.
      signal: AbortSignal.any([abort.signal, health.signal]),
      runDeadline,
      stopReason: () => stopReason,
      health,
      trace,
    };
    listenToPage(session, page);
    if (planUsesClipboard(plan)) {
      await session.clipboard.enable().catch((e: unknown) => events.log('warn', `Clipboard access unavailable: ${errorMessage(e)}`));
    }

    events.emit({
      type: 'run-started',
      at: new Date(startedAt).toISOString(),
      browserName: browser.browserType().name(),
      browserVersion: browser.version(),
      osName: osName(),
      width: plan.screen.width,
      height: plan.screen.height,
    });
    events.log('info', `Run started: "${plan.testName}" in ${browser.browserType().name()} ${browser.version()}, ${plan.screen.width}x${plan.screen.height}`);

    const end = await runGroups(plan, new StepRunner(session), vars);
    if (end) return end;
    return { status: 'passed', errorCode: null, message: null };
  } finally {
    clearTimeout(backstop);
    opts.signal.removeEventListener('abort', onStop);
    browser?.off('disconnected', onDisconnect);
    enterPhase('teardown');
    // Saved before the context closes; a context already closing took the trace with it.
    await trace.finish(closing || health.browserGone ? lostBecause(stopReason, health) : null);
    await network?.finish();
    await within(closeContext(), CONTEXT_CLOSE_LIMIT_MS, undefined);
    enterPhase('ended');
  }
}

async function runGroups(plan: TestPlan, runner: StepRunner, vars: Variables): Promise<RunEnd | null> {
  const firstGroup = plan.groups.find((g) => g.steps.some((s) => s.isActive));
  const first = firstGroup?.steps.find((s) => s.isActive);
  if (!firstGroup || !first) {
    return { status: 'failed', errorCode: 'MISSING_GOTO_STEP', message: 'The test has no steps; it must start with a goto step' };
  }
  if (first.action !== 'goto') {
    return runner.failUnrun(first, firstGroup, 'MISSING_GOTO_STEP', `The first step must be "goto", not "${first.action}"`);
  }
  for (let i = 0; i < plan.groups.length; i++) {
    const group = plan.groups[i];
    if (!group) continue;
    vars.enterGroup(group.variables);
    const nextStep = plan.groups.slice(i + 1).find((g) => g.steps.length > 0)?.steps[0] ?? null;
    const end = await runner.runList(group.steps, group, null, nextStep);
    if (end) return end;
  }
  return null;
}

/** Why the run's context closed before its end: what a trace lost with it says. */
function lostBecause(stopReason: StopReason | null, health: RunHealth): string {
  if (stopReason === 'stopped') return 'the run was stopped';
  if (stopReason === 'timeout') return 'the run reached its time limit and its browser context was closed';
  return health.browserGone ? 'the browser or its context closed' : 'the browser context closed';
}

/** An IANA zone name Chromium accepts (e.g. `Europe/Warsaw`); undefined keeps the machine's zone. */
function knownTimezone(zone: string | null): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}
