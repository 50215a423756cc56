import type { StepRunRecord } from '../../src/domain/index.js';

/**
 * A step run record as a recorder writes it: a click at `sequence` (0 unless told), finished
 * and passed unless `fields` say otherwise; a running step has not ended.
 */
export function stepRecord(id: string, fields: Partial<StepRunRecord> = {}): StepRunRecord {
  const sequence = fields.sequence ?? 0;
  const status = fields.status ?? 'passed';
  return {
    id,
    stepId: `step-${sequence}`,
    groupId: 'g',
    sequence,
    parentStepRunId: null,
    type: 'click',
    name: `Step ${sequence}`,
    status,
    error: null,
    errorCode: null,
    warning: false,
    forceFailed: false,
    ignoredFailed: false,
    executed: status !== 'running',
    elementExists: true,
    timeout: 5000,
    runTimeout: null,
    sleep: 0,
    executionUrl: null,
    started: '2026-01-01T00:00:00.000Z',
    ended: status === 'running' ? null : '2026-01-01T00:00:01.000Z',
    assertionType: null,
    assertionProperty: null,
    assertionExpectedValue: null,
    assertionCurrentValue: null,
    tabNo: 0,
    computedValue: null,
    computedUrl: null,
    waitingConditions: [],
    ...fields,
  };
}
