import type { SuiteData, TestData } from './types.js';
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
