import { channel } from 'node:diagnostics_channel';

/**
 * What the runner is doing right now, for profilers: the bench charges the browser's CPU to the
 * phase it was spent in (`npm run bench`, figure "parts"). Published on a diagnostics channel, so
 * nothing is built or sent when nobody subscribes. Phases of concurrent runs interleave: a
 * subscriber that attributes by phase runs one run at a time.
 */
export const RUNNER_PHASE_CHANNEL = 'bugrun:runner:phase';

export type RunnerPhase =
  | 'context' // opening the run's browser context and page
  | 'step' // a step's own bookkeeping: sleep, navigation guard, events
  | 'conditions' // waiting conditions, before and after the action
  | `action:${string}` // the step's action, by step type
  | 'screenshot' // the screenshot after each step (and the DOM snapshot of a failed one)
  | 'teardown' // the network log's last entries, closing the context
  | 'ended'; // runPlan returned: what follows is the worker's (the run's files, the next spare context)

export interface RunnerPhaseMessage {
  phase: RunnerPhase;
}

const phases = channel(RUNNER_PHASE_CHANNEL);

/** Marks the start of `phase`; it lasts until the next one. */
export function enterPhase(phase: RunnerPhase): void {
  if (phases.hasSubscribers) phases.publish({ phase } satisfies RunnerPhaseMessage);
}
