import { expect } from 'vitest';
import {
  WAITING_CONDITIONS,
  type ActionDetails,
  type ErrorCode,
  type PlanStep,
  type RunOutcome,
  type RunResources,
  type StepAction,
  type StepRunRecord,
  type WaitingCondition,
} from '../../src/domain/index.js';
import { plan, step, type CollectingSink, type PlanOptions } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

/** Project-level conditions: documentComplete only, every other one switched off. */
const ONLY_DOCUMENT_COMPLETE: WaitingCondition[] = WAITING_CONDITIONS.map((condition) => ({
  condition,
  expected: null,
  timeout: null,
  isActive: condition === 'documentComplete',
}));

export interface ActionRun {
  outcome: RunOutcome;
  sink: CollectingSink;
  steps: StepRunRecord[];
  /** The record of the step with this id (the last run of it). */
  record(s: PlanStep): StepRunRecord;
}

/**
 * The file's runner fixture (see useRunnerFixture), with a `run` that executes steps and returns
 * what the runner reported.
 */
export function useActionRunner(): {
  url: (path: string) => string;
  run: (steps: PlanStep[], opts?: PlanOptions & { resources?: RunResources }) => Promise<ActionRun>;
} {
  const fixture = useRunnerFixture();
  return {
    url: fixture.url,
    run: async (steps, opts = {}) => {
      const { resources, ...planOpts } = opts;
      // These tests are about actions: waiting conditions other than documentComplete are left to
      // their own tests, so each step here is the action itself (and the suite stays fast).
      const settings = { waitingConditions: ONLY_DOCUMENT_COMPLETE, ...planOpts.settings };
      const { outcome, sink } = await fixture.run(plan(steps, { ...planOpts, settings }), { resources });
      const records = sink.steps();
      return {
        outcome,
        sink,
        steps: records,
        record: (s) => {
          const found = records.filter((r) => r.stepId === s.id).pop();
          if (!found) {
            const ran = records.map((r) => `${r.type} ${r.status} ${r.errorCode ?? ''} ${r.error ?? ''}`.trim());
            throw new Error(`step ${s.action} did not run; the run ended ${JSON.stringify(outcome)} after: ${ran.join(' | ')}`);
          }
          return found;
        },
      };
    },
  };
}

/** A step of `action`; expected failures get a short timeout so the suite stays fast. */
export function act(action: StepAction, details: ActionDetails, extra: Partial<PlanStep> = {}): PlanStep {
  return step(action, details, extra);
}

/** Reads an element's text (or a field's value) into the step run's computedValue. */
export function read(selector: string): PlanStep {
  return step('setLocalVariable', { local_variable_name: 'observed', local_variable_source: 'element', selector });
}

/** Evaluates JavaScript in the current document into the step run's computedValue. */
export function evaluate(code: string): PlanStep {
  return step('setLocalVariable', { local_variable_name: 'observed', local_variable_source: 'evaluate', code });
}

/** The run passed and every step passed. */
export function expectPassed(r: ActionRun): void {
  const failed = r.steps.filter((s) => s.status !== 'passed');
  expect(failed.map((s) => `${s.type}: ${s.errorCode} ${s.error}`)).toEqual([]);
  expect(r.outcome.status).toBe('passed');
}

/** The run failed at `s` with `code`, and the step run says so. */
export function expectFailedAt(r: ActionRun, s: PlanStep, code: ErrorCode, message?: RegExp): StepRunRecord {
  const rec = r.record(s);
  expect(rec.status, `${rec.errorCode}: ${rec.error}`).toBe('failed');
  expect(rec.errorCode, rec.error ?? '').toBe(code);
  expect(r.outcome).toMatchObject({ status: 'failed', errorCode: code });
  if (message) expect(rec.error).toMatch(message);
  return rec;
}
