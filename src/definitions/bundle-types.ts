import type { ComponentData, ProjectSettings, SuiteData, TestData } from './types.js';

/**
 * What an import bundle holds, one entry per YAML document. `file` is the source path so the
 * importer can name where an object came from; `data` is the document's `data` as written, plain
 * JSON, ready to store and to hand back to buildTestPlan.
 */
export interface TestDefinition {
  slug: string;
  name: string;
  data: TestData;
  file: string;
}

export interface ComponentDefinition {
  slug: string;
  name: string;
  data: ComponentData;
  file: string;
}

export interface ProfileVariable {
  key: string;
  name: string;
  /** null: the value is supplied outside YAML (typically a secret). */
  value: string | null;
  secret: boolean;
  description: string | null;
}

export interface ProfileDefinition {
  slug: string;
  name: string;
  isDefault: boolean;
  variables: ProfileVariable[];
  file: string;
}

export interface SuiteDefinition {
  slug: string;
  name: string;
  data: SuiteData;
  file: string;
}

export interface ProjectDefinition {
  slug: string;
  name: string;
  homepageUrl: string | null;
  settings: ProjectSettings;
  file: string;
}

export interface ImportBundle {
  tests: TestDefinition[];
  components: ComponentDefinition[];
  profiles: ProfileDefinition[];
  suites: SuiteDefinition[];
  project: ProjectDefinition | null;
}
