import { describe, expect, it } from 'vitest';
import type { RunOutcome, TestPlan } from '../../src/domain/index.js';
import { runPlan } from '../../src/runner/index.js';
import { CollectingSink, assertStep, click, goto, plan, step } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

const fixture = useRunnerFixture();
const { pool, url } = fixture;

async function run(p: TestPlan, signal = new AbortController().signal): Promise<{ outcome: RunOutcome; sink: CollectingSink; ms: number }> {
  const t0 = Date.now();
  const { outcome, sink } = await fixture.run(p, { signal });
  return { outcome, sink, ms: Date.now() - t0 };
}

/**
 * "Does not hang" checks: a bound exists only as a generous multiple of the limit the run was given,
 * so a busy machine cannot fail them; the outcome and codes say the limit was the reason.
 */
const HANG = 10;

describe('runPlan timing', { timeout: 60_000 }, () => {
  it('fails a goto to a page that never loads with TIMEOUT, without hanging', async () => {
    const { outcome, sink, ms } = await run(plan([goto(url('/hang'), { runTimeout: 2 })]));
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'TIMEOUT' });
    expect(sink.steps()[0]).toMatchObject({ status: 'failed', errorCode: 'TIMEOUT', timeout: 2000 });
    expect(ms).toBeLessThan(HANG * 2_000);
    expect(pool.contextsInUse()).toHaveLength(0);
  });

  it('waits for a late element and retries assertions until the text changes', async () => {
    const { outcome, sink } = await run(
      plan([
        goto(url('/slow?ms=300')),
        assertStep({ selector: '#slow', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'answered after 300 ms' }),
        goto(url('/delayed.html')),
        assertStep({ selector: '#message', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'Ready' }, { runTimeout: 3 }),
        click('#late', { runTimeout: 3 }),
        assertStep(
          { selector: '#message', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'Late clicked' },
          { runTimeout: 3 },
        ),
      ]),
    );
    expect(sink.steps().map((s) => s.status)).toEqual(Array(6).fill('passed'));
    expect(outcome.status).toBe('passed');
  });

  it('stops mid-step within about a second, closing the context', async () => {
    const controller = new AbortController();
    const p = plan([goto(url('/title.html')), goto(url('/hang'), { runTimeout: 30 })]);
    const sink = new CollectingSink();
    const done = runPlan(p, { pool, sink, signal: controller.signal });
    // Abort once the hanging step is under way: its navigation never answers.
    await sink.waitFor((events) => events.filter((e) => e.type === 'step-started').length === 2);
    const t0 = Date.now();
    controller.abort();
    const outcome = await done;
    // Far sooner than the step's own 30 s limit: the stop ended it.
    expect(Date.now() - t0).toBeLessThan(30_000 / 3);
    expect(outcome).toEqual({ status: 'stopped', errorCode: null, message: 'Stopped' });
    expect(sink.steps()[1]).toMatchObject({ status: 'stopped', errorCode: null });
    expect(pool.contextsInUse()).toHaveLength(0);
  });

  it('stops during a step sleep too', async () => {
    const controller = new AbortController();
    const p = plan([goto(url('/title.html')), step('execute', { code: '1' }, { sleep: 20 })]);
    const sink = new CollectingSink();
    const done = runPlan(p, { pool, sink, signal: controller.signal });
    await sink.waitFor((events) => events.filter((e) => e.type === 'step-started').length === 2);
    const t0 = Date.now();
    controller.abort();
    const outcome = await done;
    // Far sooner than the 20 s sleep.
    expect(Date.now() - t0).toBeLessThan(20_000 / 3);
    expect(outcome.status).toBe('stopped');
    expect(sink.steps().map((r) => r.status)).toEqual(['passed', 'stopped']);
  });

  it('returns stopped at once for an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const { outcome, sink } = await run(plan([goto(url('/title.html'))]), controller.signal);
    expect(outcome.status).toBe('stopped');
    // No browser context was opened for it, and no step ran.
    expect(sink.ofType('run-started')).toHaveLength(0);
    expect(sink.steps()).toHaveLength(0);
  });

  it('fails with SINGLE_TEST_TIME_EXCEEDED when the whole run outlasts its limit', async () => {
    const { outcome, sink, ms } = await run(plan([goto(url('/title.html')), goto(url('/hang'), { runTimeout: 30 })], { settings: { runTimeoutMs: 2_000 } }));
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'SINGLE_TEST_TIME_EXCEEDED' });
    expect(sink.steps()[1]?.errorCode).toBe('SINGLE_TEST_TIME_EXCEEDED');
    expect(ms).toBeLessThan(HANG * 2_000);
  });

  it('passes a step whose waiting conditions ran out with a FAILED_WAITING_CONDITIONS warning', async () => {
    // An image that never arrives keeps readyState at "interactive": the goto times out (ignored),
    // and the next step's documentComplete waits out its budget (70 % of 1 s) before acting anyway.
    const { outcome, sink } = await run(
      plan([
        goto(url('/loading.html'), { runTimeout: 1, continueOnFailure: true }),
        step('execute', { code: 'document.title = "acted"' }, { runTimeout: 1 }),
        assertStep({ assertion_property: 'pageTitle', assertion_type: 'equal', assertion_expected_value: 'acted' }, { waitingConditions: [] }),
      ]),
    );
    expect(sink.steps()[0]).toMatchObject({ status: 'failed', ignoredFailed: true, errorCode: 'TIMEOUT' });
    expect(outcome.status).toBe('passed');
    expect(sink.steps()[1]).toMatchObject({ status: 'passed', warning: true, errorCode: 'FAILED_WAITING_CONDITIONS' });
    expect(sink.steps()[1]?.waitingConditions).toEqual([
      // Unmet, but the action went through: a soft success.
      { type: 'documentComplete', expected: 'complete', current: 'interactive', isSuccess: false, isSoftSuccess: true },
      // The hanging image is one pending request, within networkIdle's default of 2.
      { type: 'networkIdle', expected: '2', current: '1', isSuccess: true, isSoftSuccess: false },
    ]);
    expect(sink.steps()[2]?.waitingConditions).toEqual([]);
  });
});
