import type { BrowserContext, Page } from 'playwright-core';
import type { RunResources, ScreenshotSize, TestPlan } from '../domain/index.js';
import type { Capture } from './capture.js';
import type { Dialogs } from './dialogs.js';
import type { RunEventEmitter } from './event-emitter.js';
import type { RunClipboard } from './clipboard.js';
import type { NavigationGuard } from './navigation-guard.js';
import type { NetworkLog } from './network-log.js';
import type { RunHealth } from './run-health.js';
import type { SecretSet } from './secrets.js';
import type { Tabs } from './tabs.js';
import type { RunTrace } from './trace.js';
import type { Variables } from './variables.js';

export type StopReason = 'stopped' | 'timeout';

/** What every step of one run shares: the page, variables, secrets, event output and run health. */
export interface RunSession {
  readonly plan: TestPlan;
  readonly context: BrowserContext;
  /** The active tab; switchContext, newTab and closeTab change it (see Tabs). */
  readonly page: Page;
  /** Tabs, windows and the frame element steps work in. */
  readonly tabs: Tabs;
  /** The run's clipboard: what the run copied last (pasteFromClipboard). */
  readonly clipboard: RunClipboard;
  /** Requests, in-flight counts, navigations and downloads of every page (network log, waiting conditions). */
  readonly network: NetworkLog;
  /** Notes every frame that reached a local URL (file:, chrome:); `check()` fails the step. */
  readonly navigationGuard: NavigationGuard;
  readonly vars: Variables;
  readonly secrets: SecretSet;
  readonly events: RunEventEmitter;
  readonly capture: Capture;
  /** The size of a cleanly passed step's screenshot; any other step's is full size. */
  readonly passedScreenshots: ScreenshotSize;
  readonly dialogs: Dialogs;
  /** Files of the imported bundle (uploadFile) and visual baselines; NO_RESOURCES when none. */
  readonly resources: RunResources;
  /**
   * Aborted when the user stops the run, the hard run limit fires, or the page crashes or the browser
   * goes away (`health` says which); every wait races it.
   */
  readonly signal: AbortSignal;
  /** Epoch ms after which the run fails with SINGLE_TEST_TIME_EXCEEDED. */
  readonly runDeadline: number;
  stopReason(): StopReason | null;
  readonly health: RunHealth;
  /** The run's Playwright trace, each step a named group in it; RunTrace.NONE when not recording. */
  readonly trace: RunTrace;
}
