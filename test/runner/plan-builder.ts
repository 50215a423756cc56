import { randomUUID } from 'node:crypto';
import type {
  ActionDetails,
  PlanGroup,
  PlanStep,
  PlanVariable,
  RunEvent,
  RunSettings,
  RunSink,
  StepAction,
  StepRunRecord,
  TestPlan,
} from '../../src/domain/index.js';

type StepExtra = Partial<Omit<PlanStep, 'action' | 'details'>>;

export function step(action: StepAction, details: ActionDetails = {}, extra: StepExtra = {}): PlanStep {
  return {
    id: randomUUID(),
    action,
    name: null,
    isActive: true,
    details,
    continueOnFailure: false,
    sleep: null,
    runTimeout: null,
    // null = the defaults for the step type (today only documentComplete is checked).
    waitingConditions: null,
    conditionalSteps: [],
    ...extra,
  };
}

export const goto = (url: string, extra?: StepExtra): PlanStep => step('goto', { url }, extra);
export const click = (selector: string, extra?: StepExtra): PlanStep => step('click', { selector }, extra);
export const type = (selector: string, value: string, extra?: StepExtra & { secret?: boolean }): PlanStep => {
  const { secret, ...rest } = extra ?? {};
  return step('type', { selector, value, has_secret_value: secret ?? false }, rest);
};
export const assertStep = (details: ActionDetails, extra?: StepExtra): PlanStep => step('assert', details, extra);

export function group(steps: PlanStep[], variables: Record<string, string> = {}, name = 'Group'): PlanGroup {
  return { id: randomUUID(), name, componentSlug: null, variables, steps };
}

export interface PlanOptions {
  variables?: PlanVariable[];
  settings?: Partial<RunSettings>;
  groups?: PlanGroup[];
}

export function plan(steps: PlanStep[], opts: PlanOptions = {}): TestPlan {
  return {
    runId: randomUUID(),
    testId: randomUUID(),
    testName: 'runner test',
    screen: { type: 'desktop', width: 1024, height: 700 },
    groups: opts.groups ?? [group(steps)],
    variables: opts.variables ?? [],
    settings: {
      stepTimeoutMs: 5_000,
      runTimeoutMs: 60_000,
      defaultSleepMs: 0,
      captureDomOnFailure: false,
      language: null,
      userAgent: null,
      customHeaders: [],
      waitingConditions: null,
      timezone: null,
      visualRegression: { defaultMaxDiff: 1, pixelThreshold: 0.1, includeAntiAliasing: false },
      ...opts.settings,
    },
  };
}

export function variable(key: string, value: string, source: PlanVariable['source'], secret = false): PlanVariable {
  return { key, value, source, secret };
}

/** A sink that keeps every event, with helpers to read what the runner reported. */
export class CollectingSink implements RunSink {
  readonly events: RunEvent[] = [];
  private readonly waiters: { done: (events: RunEvent[]) => boolean; resolve: () => void }[] = [];

  emit(event: RunEvent): void {
    this.events.push(event);
    for (const w of [...this.waiters]) {
      if (!w.done(this.events)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
  }

  /** Resolves once the events emitted so far satisfy `done`: a wait on the run, not on the clock. */
  waitFor(done: (events: RunEvent[]) => boolean): Promise<void> {
    if (done(this.events)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  /** Final records of every step run, in emission order. */
  steps(): StepRunRecord[] {
    return this.events.flatMap((e) => (e.type === 'step-ended' ? [e.step] : []));
  }

  ofType<T extends RunEvent['type']>(type: T): Extract<RunEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
  }
}
