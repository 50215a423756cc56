import type { Locator, Page } from 'playwright-core';
import type { ActionDetails, ErrorCode, PlanStep, RunResources, StepRunRecord } from '../domain/index.js';
import { StepError, isSelectorSyntaxError, isTimeoutError, shortPlaywrightMessage } from './errors.js';
import type { RunSession } from './run-session.js';
import { describeSelector, parseSelector, toLocator } from './selectors.js';
import type { Scope } from './tabs.js';
import { delay } from './timing.js';

/** How often an element wait inside a frame checks that the frame is still there. */
const FRAME_CHECK_MS = 500;

export interface Cause {
  code: ErrorCode;
  message: string;
}

/** One step's view of the run: its record, its deadline and helpers bounded by both. */
export class StepContext {
  /**
   * What the step is waiting for right now. If the step's time runs out while it waits, this is the
   * code it fails with (e.g. ELEMENT_DOES_NOT_EXIST while the selector matches nothing).
   */
  pendingCause: Cause | null = null;

  /**
   * The step's waiting conditions just found its element in the tab's top document; the action's
   * own Playwright call resolves it again, so element() need not wait for it first.
   */
  elementSeen = false;

  constructor(
    readonly session: RunSession,
    readonly step: PlanStep,
    readonly record: StepRunRecord,
    /** Epoch ms; the earlier of the step timeout and the run limit. */
    readonly deadline: number,
    /** The next active step to run after this one (scroll untilNextStepElementIsVisible reads it). */
    readonly following: PlanStep | null = null,
  ) {}

  get page(): Page {
    return this.session.page;
  }

  /** Where element steps look: the active tab, or the iframe switchContext entered. */
  get scope(): Scope {
    return this.session.tabs.scope;
  }

  get resources(): RunResources {
    return this.session.resources;
  }

  get details(): ActionDetails {
    return this.step.details;
  }

  get signal(): AbortSignal {
    return this.session.signal;
  }

  remaining(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /** A Playwright timeout for the rest of the step (0 would mean "no timeout" to Playwright). */
  pwTimeout(): number {
    return Math.max(1, this.remaining());
  }

  sleep(ms: number): Promise<void> {
    return delay(Math.min(ms, this.remaining()), this.signal);
  }

  /** Renders a string field with the run's variables; null/undefined become ''. */
  render(template: string | null | undefined): string {
    return template == null ? '' : this.session.vars.render(template);
  }

  /** All elements matching the step's (rendered) selector. */
  locator(selector: string | null | undefined = this.details.selector): { loc: Locator; description: string } {
    const parts = parseSelector(this.render(selector));
    return { loc: toLocator(this.scope, parts), description: describeSelector(parts) };
  }

  /**
   * Waits until the selector matches, for the rest of the step's time, and returns the first match.
   * A malformed selector fails at once; a selector that never matches fails ELEMENT_DOES_NOT_EXIST.
   */
  async element(selector: string | null | undefined = this.details.selector): Promise<{ loc: Locator; description: string }> {
    const { loc, description } = this.locator(selector);
    const first = loc.first();
    if (this.elementSeen && selector === this.details.selector && !this.session.tabs.frame) {
      this.record.elementExists = true;
      return { loc: first, description };
    }
    await this.frameElement();
    const missing: Cause = { code: 'ELEMENT_DOES_NOT_EXIST', message: `Element ${description} does not exist` };
    this.pendingCause = missing;
    this.record.elementExists = false;
    const frame = this.session.tabs.frame;
    try {
      for (;;) {
        // Inside a frame, wait in slices: a frame that goes away meanwhile is FRAME_DOES_NOT_EXIST.
        const slice = frame ? Math.min(this.pwTimeout(), FRAME_CHECK_MS) : this.pwTimeout();
        try {
          await first.waitFor({ state: 'attached', timeout: slice });
          break;
        } catch (e) {
          if (!frame || !isTimeoutError(e) || this.remaining() <= 0) throw e;
          const gone = (await frame.element.count().catch(() => 1)) === 0;
          this.pendingCause = gone ? { code: 'FRAME_DOES_NOT_EXIST', message: `Frame ${frame.description} does not exist` } : missing;
        }
      }
    } catch (e) {
      throw this.selectorFailure(e, description);
    }
    this.pendingCause = null;
    this.record.elementExists = true;
    return { loc: first, description };
  }

  /**
   * Inside an iframe, waits for the iframe element first, so a frame that is gone fails
   * FRAME_DOES_NOT_EXIST rather than ELEMENT_DOES_NOT_EXIST.
   */
  async frameElement(): Promise<void> {
    const frame = this.session.tabs.frame;
    if (!frame) return;
    this.pendingCause = { code: 'FRAME_DOES_NOT_EXIST', message: `Frame ${frame.description} does not exist` };
    try {
      await frame.element.first().waitFor({ state: 'attached', timeout: this.pwTimeout() });
    } catch (e) {
      throw this.selectorFailure(e, frame.description);
    }
    this.pendingCause = null;
  }

  /** Maps a Playwright error of a locator call to the step error it means. */
  selectorFailure(e: unknown, description: string): unknown {
    if (isSelectorSyntaxError(e)) {
      return new StepError('INVALID_ELEMENT_SELECTOR', `Invalid selector ${description}: ${shortPlaywrightMessage(e)}`);
    }
    if (isTimeoutError(e) && this.pendingCause) return new StepError(this.pendingCause.code, this.pendingCause.message);
    return e;
  }
}
