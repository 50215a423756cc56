import type { ComponentData, StepData, SuiteData, TestData } from './types.js';
import { isComponentRef } from './types.js';

/**
 * Component slugs a test uses, each once, in order of first use. A reference to a component that
 * is not in the bundle is not an import error (it may already be stored); the caller checks.
 */
export function componentRefs(test: TestData): string[] {
  const refs = (test.groups ?? []).filter(isComponentRef).map((g) => g.component_source);
  return [...new Set(refs)];
}

/** Test slugs a suite lists, each once, in order. */
export function suiteTestRefs(suite: SuiteData): string[] {
  return [...new Set((suite.tests ?? []).map((t) => t.test_source))];
}

/** Files the steps read (`uploadFile`'s `file_source`, visual regression reference screenshots; relative to the bundle), each once. */
export function fileSources(data: TestData | ComponentData): string[] {
  const out = new Set<string>();
  const walk = (steps: StepData[] | null | undefined) => {
    for (const step of steps ?? []) {
      if (step.action === 'uploadFile' && step.action_details.file_source) out.add(step.action_details.file_source);
      for (const ref of step.action_details.visual_regression_ref_screenshots ?? []) {
        const source = (ref as { file_source?: unknown } | null)?.file_source;
        if (typeof source === 'string' && source !== '') out.add(source);
      }
      walk(step.conditional_steps);
    }
  };
  if ('component_name' in data) walk(data.steps);
  else for (const g of data.groups ?? []) walk(isComponentRef(g) ? [] : g.steps);
  return [...out];
}
