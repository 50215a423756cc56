import type { Dialog, Page } from 'playwright-core';
import type { PlanStep } from '../domain/index.js';

export interface AnsweredDialog {
  stepId: string;
  type: string;
  message: string;
  value: string;
}

export interface DialogHooks {
  /** Renders an answerPrompt step's value (variables, secrets registered); throws on a bad template. */
  answerFor(step: PlanStep): string;
  log(level: 'info' | 'warn', message: string): void;
}

/**
 * A JavaScript dialog blocks the page, and every pending Playwright call with it, until handled.
 * So dialogs are answered the moment they open: with the value of the answerPrompt step that is
 * running or comes next, else dismissed (beforeunload accepted, so navigation goes on).
 */
export class Dialogs {
  private candidates: PlanStep[] = [];
  private answered: AnsweredDialog | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    page: Page,
    private readonly hooks: DialogHooks,
  ) {
    this.watch(page);
  }

  /** Handles the dialogs of another page of the run too (tabs and popups it opens). */
  watch(page: Page): void {
    page.on('dialog', (d) => {
      void this.handle(d);
    });
  }

  /** The answerPrompt steps that may claim the next dialog: the current step and the one after it. */
  expect(current: PlanStep | null, following: PlanStep | null): void {
    this.candidates = [current, following].filter((s): s is PlanStep => s !== null && s.action === 'answerPrompt' && s.isActive);
  }

  /** The dialog answered on behalf of `step`, once; null when none opened (yet). */
  take(step: PlanStep): AnsweredDialog | null {
    if (this.answered?.stepId !== step.id) return null;
    const a = this.answered;
    this.answered = null;
    return a;
  }

  /** Resolves when a dialog gets answered (or immediately if one is waiting). */
  nextAnswer(): Promise<void> {
    if (this.answered) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async handle(dialog: Dialog): Promise<void> {
    const type = dialog.type();
    const message = dialog.message();
    try {
      const step = this.candidates.find((s) => this.answered?.stepId !== s.id);
      if (type !== 'beforeunload' && step) {
        let value = '';
        try {
          value = this.hooks.answerFor(step);
        } catch (e) {
          this.hooks.log('warn', `Could not compute the prompt answer: ${e instanceof Error ? e.message : String(e)}`);
        }
        await dialog.accept(value);
        this.answered = { stepId: step.id, type, message, value };
        this.hooks.log('info', `Dialog "${type}" answered: ${message}`);
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w();
      } else if (type === 'beforeunload') {
        await dialog.accept();
      } else {
        await dialog.dismiss();
        this.hooks.log('warn', `Dialog "${type}" dismissed automatically: ${message}`);
      }
    } catch {
      // The page closed with the dialog open; nothing is left to answer.
    }
  }
}
