import type { ActionDetails, StepAction } from '../domain/index.js';

/**
 * TypeScript mirrors of the `data` objects of BugBug YAML v1 (schema definitions `TestSchema`,
 * `ComponentSchema`, ...). Field names stay snake_case as in the YAML because these objects are
 * stored verbatim as JSON and handed back to `buildTestPlan`; they must stay plain JSON.
 * Optional fields may be absent or null exactly where the schema allows it.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface WaitingConditionData {
  condition: string;
  expected?: string | number | null;
  timeout?: number | null;
  is_active?: boolean;
}

export interface ExecutionData {
  continue_on_failure?: boolean;
  sleep?: number | null;
  run_timeout?: number | null;
}

export interface StepData {
  action: StepAction;
  name?: string | null;
  is_active?: boolean;
  notes?: string | null;
  action_details: ActionDetails;
  execution?: ExecutionData;
  waiting_conditions?: WaitingConditionData[] | null;
  conditional_steps?: StepData[] | null;
}

/** A group that inlines a shared component, by the component's slug. */
export interface ComponentRefData {
  component_source: string;
  variables?: Record<string, JsonValue> | null;
}

export interface InlineGroupData {
  group_name: string;
  slug: string;
  steps?: StepData[];
  variables?: Record<string, JsonValue> | null;
}

export type GroupData = ComponentRefData | InlineGroupData;

export type TestRuntime = 'browser' | 'api';
export type ScreenSizeType = 'desktop' | 'mobile' | 'custom';

export interface TestData {
  slug?: string | null;
  name: string;
  runtime: TestRuntime;
  screen_size: ScreenSizeType;
  notes?: string | null;
  tags?: string[];
  groups?: GroupData[];
}

export interface ComponentData {
  component_name: string;
  slug?: string | null;
  steps?: StepData[];
}

export interface ProfileVariableData {
  name: string;
  key: string;
  type: string;
  value?: string | null;
  description?: string | null;
  has_secret_value?: boolean;
}

export interface ProfileData {
  name: string;
  slug?: string | null;
  is_default?: boolean | null;
  variables?: ProfileVariableData[];
}

export interface SuiteSettingsData {
  run_in_parallel: boolean;
  auto_retry: number;
  auto_add_new_tests: boolean;
}

export interface SuiteTestData {
  test_source: string;
  is_deactivated?: boolean | null;
}

export interface SuiteData {
  suite_name: string;
  slug?: string | null;
  notes?: string | null;
  suite_settings: SuiteSettingsData;
  tests?: SuiteTestData[];
}

export interface GeneralSettings {
  timezone: string;
  cloud_proxy?: string | null;
  /** Seconds. */
  default_local_run_timeout: number;
  /** Seconds. */
  default_cloud_run_timeout: number;
  /** Seconds. */
  default_sleep: number;
  close_windows_on_successful_test_run: boolean;
  capture_dom_on_failure: boolean;
  collecting_logs: 'disabled' | 'consoleLogs' | 'fullBugBugDebugging';
}

export interface CustomHeader {
  name: string;
  value: string;
}

export interface BrowserSettings {
  incognito_mode: boolean;
  language?: string | null;
  user_agent?: string | null;
  custom_headers?: CustomHeader[] | null;
}

export interface ScreenDimensions {
  width: number;
  height: number;
}

export interface ScreenSizesSettings {
  desktop: ScreenDimensions;
  mobile: ScreenDimensions;
}

export type SelectorMethodName =
  | 'elementCustomAttributes'
  | 'elementUniqueAttributes'
  | 'elementAria'
  | 'elementData'
  | 'elementId'
  | 'elementName'
  | 'elementPlaceholder'
  | 'elementClassName'
  | 'elementText'
  | 'elementHref'
  | 'elementFullXPath';

export interface SelectorMethod {
  name: SelectorMethodName;
  is_active?: boolean;
  extra_value?: string[] | null;
}

export interface SelectorsSettings {
  generation_mode: 'automatic' | 'manual';
  included_attributes?: string[] | null;
  excluded_attributes?: string[] | null;
  non_semantic_classes_enabled: boolean;
  methods?: SelectorMethod[] | null;
}

export interface VisualRegressionSettings {
  default_max_diff: number;
  pixel_threshold: number;
  include_anti_aliasing: boolean;
}

export interface ProjectSettings {
  general: GeneralSettings;
  browser: BrowserSettings;
  screen_sizes: ScreenSizesSettings;
  selectors: SelectorsSettings;
  visual_regression?: VisualRegressionSettings | null;
  waiting_conditions?: WaitingConditionData[];
}

export interface ProjectData {
  name: string;
  slug?: string | null;
  homepage_url: string | null;
  settings: ProjectSettings;
}

export type SchemaType = 'test' | 'component' | 'profile' | 'suite' | 'project';

export function isComponentRef(group: GroupData): group is ComponentRefData {
  return 'component_source' in group;
}
