import type { BrowserContext, Page } from 'playwright-core';
import type { PlanStep, TestPlan } from '../domain/index.js';
import { within } from './timing.js';

const BINDING = '__bugrunCopied';
const READ_LIMIT_MS = 2_000;

/**
 * Reports what the page copies to the runner: text written through the async Clipboard API and the
 * result of copy/cut events (data a handler set, else the selection). Installed only in runs that
 * paste, so other runs pay nothing for it.
 */
const COPY_TRACKER = `(() => {
  const report = (t) => { try { if (typeof t === 'string' && typeof window.${BINDING} === 'function') window.${BINDING}(t); } catch {} };
  const cb = navigator.clipboard;
  if (cb) {
    const writeText = cb.writeText.bind(cb);
    cb.writeText = (t) => { report(String(t)); return writeText(t); };
    const write = cb.write ? cb.write.bind(cb) : null;
    if (write) cb.write = async (items) => {
      try {
        for (const item of items) if (item.types.includes('text/plain')) report(await (await item.getType('text/plain')).text());
      } catch {}
      return write(items);
    };
  }
  const selected = () => {
    const a = document.activeElement;
    if ((a instanceof HTMLInputElement || a instanceof HTMLTextAreaElement) && a.selectionStart !== null && a.selectionEnd !== null && a.selectionStart !== a.selectionEnd) {
      return a.value.slice(a.selectionStart, a.selectionEnd);
    }
    return String(document.getSelection() || '');
  };
  // Capture phase: the selection the default action copies. Bubble phase: data a handler set instead.
  for (const type of ['copy', 'cut']) {
    addEventListener(type, () => report(selected()), true);
    addEventListener(type, (e) => { const d = e.clipboardData && e.clipboardData.getData('text/plain'); if (e.defaultPrevented && d) report(d); });
  }
})();`;

function usesClipboard(steps: PlanStep[]): boolean {
  return steps.some(
    (s) =>
      s.action === 'pasteFromClipboard' ||
      ((s.action === 'assert' || s.action === 'ifCondition') && s.details.assertion_property === 'clipboardValue') ||
      usesClipboard(s.conditionalSteps),
  );
}

export function planUsesClipboard(plan: TestPlan): boolean {
  return plan.groups.some((g) => usesClipboard(g.steps));
}

/**
 * The clipboard as one run sees it. Headless Chromium has one clipboard for the whole browser, so
 * runs sharing a browser would read each other's copies: the run's own last copied text is the
 * truth, and the browser clipboard is the fallback when the run copied nothing we saw.
 */
export class RunClipboard {
  private last: string | null = null;

  constructor(private readonly context: BrowserContext) {}

  /** The last text this run copied, or null. */
  get lastCopied(): string | null {
    return this.last;
  }

  /** Grants clipboard access and starts tracking copies; for runs whose plan uses the clipboard. */
  async enable(): Promise<void> {
    await this.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await this.context.exposeBinding(BINDING, (_source, text: unknown) => {
      if (typeof text === 'string') this.last = text;
    });
    await this.context.addInitScript(COPY_TRACKER);
  }

  /** The run's last copy, else the browser clipboard's text; null when both are unavailable. */
  async text(page: Page): Promise<string | null> {
    if (this.last !== null) return this.last;
    const read = page.evaluate(() => navigator.clipboard.readText()).catch(() => null);
    return within(read, READ_LIMIT_MS, null);
  }
}
