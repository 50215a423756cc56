import { randomUUID } from 'node:crypto';
import type { ErrorCode, PlanGroup, PlanStep, RunResult, StepRunRecord, StepRunStatus } from '../domain/index.js';
import { ACTIONS } from './actions/index.js';
import type { ActionResult } from './actions/types.js';
import { RunAbortedError, StepError, isTargetClosedError, isTimeoutError, shortPlaywrightMessage } from './errors.js';
import { enterPhase } from './phases.js';
import type { RunSession } from './run-session.js';
import { StepContext } from './step-context.js';
import { traceStepTitle } from './trace.js';
import { delay, race } from './timing.js';
import { awaitConditions, conditionsFor, softened } from './waiting-conditions.js';

/** Extra time the step's own Playwright timeouts get to report a precise cause before the hard cut. */
const DEADLINE_GRACE_MS = 150;
/** How long a closed page waits for its context or browser to report closing too (settleClosedPage). */
const TAB_CLOSED_GRACE_MS = 1_000;
const CLOSE_REPORT_LIMIT_MS = 5_000;

/** How a step ended the run; null from `run` means "go on with the next step". */
export interface RunEnd {
  status: Exclude<RunResult, 'passed'>;
  errorCode: ErrorCode | null;
  message: string | null;
}

interface Verdict {
  status: StepRunStatus;
  code: ErrorCode | null;
  message: string | null;
}

class StepDeadlineError extends Error {
  override readonly name = 'StepDeadlineError';
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Executes steps one by one, each as a step run with its events, screenshot and verdict. */
export class StepRunner {
  private sequence = 0;

  constructor(private readonly session: RunSession) {}

  /** Runs `steps` in order; `after` is the step that follows the list (for dialog answers). */
  async runList(steps: PlanStep[], group: PlanGroup, parent: string | null, after: PlanStep | null): Promise<RunEnd | null> {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (!step) continue;
      // The next step that will actually run: inactive ones are skipped, so they answer no dialog
      // and are no scroll target.
      const next = steps.slice(i + 1).find((s) => s.isActive) ?? after;
      const end = this.checkRunState() ?? (await this.run(step, group, parent, next));
      if (end) return end;
    }
    return null;
  }

  /** Records a step that fails before it runs (MISSING_GOTO_STEP). */
  failUnrun(step: PlanStep, group: PlanGroup, code: ErrorCode, message: string): RunEnd {
    const record = this.newRecord(step, group, null);
    record.started = new Date().toISOString();
    this.session.events.emit({ type: 'step-started', step: record });
    Object.assign(record, { status: 'failed', errorCode: code, error: message, ended: new Date().toISOString() });
    this.session.events.log('error', `Step ${this.label(record)} failed: ${code}: ${message}`);
    this.session.events.emit({ type: 'step-ended', step: record, screenshot: null });
    return { status: 'failed', errorCode: code, message };
  }

  /** Between steps: a stop or the run limit ends the run without starting another step. */
  private checkRunState(): RunEnd | null {
    const reason = this.session.stopReason();
    if (reason === 'stopped') return { status: 'stopped', errorCode: null, message: 'Stopped' };
    if (reason === 'timeout' || Date.now() >= this.session.runDeadline) return this.runLimitEnd();
    return null;
  }

  private runLimitEnd(): RunEnd {
    return {
      status: 'failed',
      errorCode: 'SINGLE_TEST_TIME_EXCEEDED',
      message: `The test exceeded its time limit of ${seconds(this.session.plan.settings.runTimeoutMs)}`,
    };
  }

  private newRecord(step: PlanStep, group: PlanGroup, parent: string | null): StepRunRecord {
    const settings = this.session.plan.settings;
    return {
      id: randomUUID(),
      stepId: step.id,
      groupId: group.id,
      sequence: this.sequence++,
      parentStepRunId: parent,
      type: step.action,
      name: step.name,
      status: 'running',
      error: null,
      errorCode: null,
      warning: false,
      forceFailed: false,
      ignoredFailed: false,
      executed: false,
      elementExists: null,
      timeout: step.runTimeout != null ? step.runTimeout * 1000 : settings.stepTimeoutMs,
      runTimeout: step.runTimeout,
      sleep: step.sleep != null ? step.sleep * 1000 : settings.defaultSleepMs,
      executionUrl: null,
      started: null,
      ended: null,
      assertionType: null,
      assertionProperty: null,
      assertionExpectedValue: null,
      assertionCurrentValue: null,
      tabNo: this.session.tabs.activeIndex(),
      computedValue: null,
      computedUrl: null,
      waitingConditions: [],
    };
  }

  private label(r: StepRunRecord): string {
    return `#${r.sequence + 1} ${r.type}${r.name ? ` "${r.name}"` : ''}`;
  }

  private skip(step: PlanStep, group: PlanGroup, parent: string | null, why: string): void {
    const record = this.newRecord(step, group, parent);
    record.status = 'skipped';
    record.started = record.ended = new Date().toISOString();
    // step-started too, so a recorder that creates rows on start sees every step run.
    this.session.events.emit({ type: 'step-started', step: record });
    this.session.events.emit({ type: 'step-ended', step: record, screenshot: null });
    this.session.events.log('info', `Step ${this.label(record)} skipped (${why})`);
  }

  private async run(step: PlanStep, group: PlanGroup, parent: string | null, following: PlanStep | null): Promise<RunEnd | null> {
    if (!step.isActive) {
      this.skip(step, group, parent, 'inactive');
      return null;
    }
    const s = this.session;
    enterPhase('step');
    const record = this.newRecord(step, group, parent);
    record.started = new Date().toISOString();
    const t0 = Date.now();
    s.events.emit({ type: 'step-started', step: record });
    s.events.log('info', `Step ${this.label(record)} started`);
    s.dialogs.expect(step, following);
    // The step, its screenshot included, is one group of the trace, named as the run page numbers it.
    await s.trace.group(traceStepTitle(record, step));

    let ctx: StepContext | null = null;
    let result: ActionResult | void = undefined;
    let verdict: Verdict;
    let unmetConditions: string[] = [];
    try {
      await this.sleepBefore(record.sleep);
      // A frame that reached a local URL since the last step (file:, chrome:) fails this step before
      // it acts; so does one its own action leads there (below).
      await race(s.navigationGuard.check(), s.signal);
      const natural = Date.now() + record.timeout;
      ctx = new StepContext(s, step, record, Math.min(natural, s.runDeadline), following);
      const handler = ACTIONS[step.action];
      if (!handler) throw new StepError('UNRECOGNIZED_STEP_TYPE', `Step type "${step.action}" is not supported yet`);
      enterPhase('conditions');
      const conditions = await race(awaitConditions(ctx, conditionsFor(step, s.plan.settings)), s.signal);
      record.waitingConditions = conditions.results;
      unmetConditions = conditions.unmet.map((c) => c.type);
      record.executionUrl = s.page.url();
      record.executed = true;
      enterPhase(`action:${step.action}`);
      result = await race(handler(ctx), s.signal, {
        at: ctx.deadline + DEADLINE_GRACE_MS,
        error: () => new StepDeadlineError('step deadline'),
      });
      // pageNavigationAfterExecution is checked once the action is done.
      enterPhase('conditions');
      const after = await race(conditions.afterAction(), s.signal);
      enterPhase('step');
      await race(s.navigationGuard.check(), s.signal);
      record.waitingConditions = [...conditions.results, ...after.results];
      unmetConditions.push(...after.unmet.map((c) => c.type));
      verdict = { status: 'passed', code: null, message: null };
      // newTab, closeTab and switchContext change the tab the step ends in.
      record.tabNo = s.tabs.activeIndex();
    } catch (e) {
      enterPhase('step');
      verdict = await this.classify(e, ctx, record.timeout);
      // §3: a step that ran out of time with unresolved waiting conditions, and no more specific
      // cause, failed because of them.
      if (verdict.status === 'failed' && verdict.code === 'TIMEOUT' && unmetConditions.length > 0) {
        verdict = {
          ...verdict,
          code: 'FAILED_WAITING_CONDITIONS',
          message: `Waiting conditions not met: ${unmetConditions.join(', ')}; ${verdict.message ?? ''}`,
        };
      }
    }

    record.ended = new Date().toISOString();
    record.status = verdict.status;
    record.errorCode = verdict.code;
    record.error = verdict.message;
    if (verdict.status === 'passed' && unmetConditions.length > 0) {
      // BugBug: the action went through after the conditions ran out of time → pass with a warning.
      record.warning = true;
      record.errorCode = 'FAILED_WAITING_CONDITIONS';
      record.error = `Waiting conditions not met in time: ${unmetConditions.join(', ')}`;
      record.waitingConditions = softened(record.waitingConditions);
    }
    if (verdict.status === 'passed' && result?.warning) {
      // The action worked but could not be verified (e.g. change → INVALID_FIELD_VALUE): BugBug
      // passes such a step with a warning.
      record.warning = true;
      record.errorCode = result.warning.errorCode;
      record.error = record.error ? `${result.warning.message}; ${record.error}` : result.warning.message;
    }
    const ignored = verdict.status === 'failed' && step.continueOnFailure;
    if (ignored) {
      record.ignoredFailed = true;
      record.warning = true;
      // docs/bugbug-compatibility.md §4: an assert with continue_on_failure passes with a warning.
      if (step.action === 'assert') record.status = 'passed';
    }

    const failed = verdict.status === 'failed' || verdict.status === 'error';
    const alive = verdict.status !== 'stopped' && !s.health.crashed && !s.health.browserGone;
    enterPhase('screenshot');
    if (failed && alive && s.plan.settings.captureDomOnFailure) {
      const html = await s.capture.domSnapshot();
      if (html !== null) s.events.emit({ type: 'dom-snapshot', stepRunId: record.id, html });
    }
    // A failed step's or a warning's picture is evidence: full size. A clean pass's is a record.
    const shot = alive ? await s.capture.screenshot(failed || record.warning ? 'full' : s.passedScreenshots) : null;
    await s.trace.groupEnd();
    enterPhase('step');
    if (shot?.image === null) s.events.log('warn', `Step ${this.label(record)}: no screenshot, ${shot.missing}`);
    s.events.emit({ type: 'step-ended', step: record, screenshot: shot?.image ?? null });
    this.logEnd(record, Date.now() - t0, ignored);

    if (verdict.status === 'stopped') return { status: 'stopped', errorCode: null, message: 'Stopped' };
    if (failed && !ignored) {
      return { status: verdict.status === 'error' ? 'error' : 'failed', errorCode: verdict.code, message: verdict.message };
    }
    if (result?.notTaken) {
      for (const child of result.notTaken) this.skip(child, group, record.id, 'condition not met');
    }
    if (result?.branch) return this.runList(result.branch, group, record.id, following);
    return null;
  }

  private logEnd(record: StepRunRecord, ms: number, ignored: boolean): void {
    const events = this.session.events;
    const what = `Step ${this.label(record)}`;
    if (record.status === 'stopped') events.log('warn', `${what} stopped after ${ms} ms`);
    else if (ignored) events.log('warn', `${what} failed (continue on failure): ${record.errorCode}: ${record.error}`);
    else if (record.status === 'passed') {
      events.log(record.warning ? 'warn' : 'info', `${what} passed in ${ms} ms${record.warning ? ` with a warning: ${record.error}` : ''}`);
    } else events.log('error', `${what} ${record.status}: ${record.errorCode}: ${record.error}`);
  }

  /** The step's delay, cut short by a stop or a lost browser (the session's signal); a delay past the run limit ends at the limit. */
  private async sleepBefore(ms: number): Promise<void> {
    const s = this.session;
    const room = s.runDeadline - Date.now();
    await delay(Math.min(ms, Math.max(0, room)), s.signal);
    if (ms > room) throw new StepDeadlineError('run limit reached while sleeping');
  }

  /**
   * When the browser dies or is shut down, the page closes a moment before the context and the
   * browser report it; those reports decide. A tab closed on its own has none, so they are waited
   * for within a bound: a short one while the browser still answers (it may be shutting down, its
   * pages first), a longer one once it no longer does (its reports are on their way).
   */
  private async settleClosedPage(): Promise<void> {
    const { context, health } = this.session;
    const answers = await context.cookies().then(
      () => true,
      () => false,
    );
    if (health.browserGone) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, answers ? TAB_CLOSED_GRACE_MS : CLOSE_REPORT_LIMIT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      context.once('close', done);
      context.browser()?.once('disconnected', done);
    });
  }

  /** Picks the status and code of a failed step (docs/bugbug-compatibility.md §3, timeout code order). */
  private async classify(e: unknown, ctx: StepContext | null, timeoutMs: number): Promise<Verdict> {
    const s = this.session;
    const reason = s.stopReason();
    if (reason === 'stopped') return { status: 'stopped', code: null, message: 'Stopped' };
    // Before an abort is read as a stop: a crash or a browser gone also ends the run's waits.
    if (s.health.crashed) return { status: 'error', code: 'INTERNAL_ERROR', message: 'The page crashed' };
    if (s.page.isClosed()) await this.settleClosedPage();
    if (s.health.browserGone) return { status: 'error', code: 'INTERNAL_ERROR', message: 'The browser or its context closed unexpectedly' };
    if (e instanceof RunAbortedError && reason !== 'timeout') return { status: 'stopped', code: null, message: 'Stopped' };
    if (reason === 'timeout' || Date.now() >= s.runDeadline - 20) {
      const end = this.runLimitEnd();
      return { status: 'failed', code: end.errorCode, message: end.message };
    }
    if (e instanceof StepError) return { status: 'failed', code: e.code, message: e.message };
    if (e instanceof StepDeadlineError || isTimeoutError(e)) {
      const cause = ctx?.pendingCause;
      return {
        status: 'failed',
        code: cause?.code ?? 'TIMEOUT',
        message: cause ? `${cause.message} (timeout ${seconds(timeoutMs)})` : `The step did not complete within ${seconds(timeoutMs)}`,
      };
    }
    if (s.page.isClosed()) return { status: 'failed', code: 'WINDOW_OR_TAB_DOES_NOT_EXIST', message: 'The tab was closed' };
    if (isTargetClosedError(e)) return { status: 'error', code: 'INTERNAL_ERROR', message: shortPlaywrightMessage(e) };
    // Our own bugs surface as these; a page-caused problem comes from Playwright as a plain Error.
    if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError) {
      return { status: 'error', code: 'INTERNAL_ERROR', message: `${e.name}: ${e.message}` };
    }
    return { status: 'failed', code: 'RUNTIME_ERROR', message: shortPlaywrightMessage(e) };
  }
}
