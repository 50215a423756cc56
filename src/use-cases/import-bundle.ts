import { componentRefs, fileSources, formatDiagnostic, parseBundleInWorker, type SourceFile } from '../definitions/index.js';
import { bundleFileKey, type Store } from '../store/index.js';

export interface ImportedObject {
  type: 'project' | 'component' | 'profile' | 'test' | 'suite';
  slug: string;
  id: string;
  status: 'created' | 'updated';
}

export type ImportResult = { ok: true; objects: ImportedObject[]; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

/** A file of the bundle that is not YAML (e.g. what uploadFile's `file_source` names). */
export interface BundleFile {
  path: string;
  data: Uint8Array;
}

export const isYamlPath = (path: string) => /\.ya?ml$/i.test(path);

/**
 * Imports BugBug YAML v1 documents into a project, all or nothing: one invalid document and nothing
 * is written. Existing slugs are updated in place, so ids (and step ids) stay stable. Other files
 * of the bundle are kept for the tests that use them (paths relative to the bundle).
 */
export async function importBundle(store: Store, projectId: string, files: SourceFile[], others: BundleFile[] = []): Promise<ImportResult> {
  const { bundle, diagnostics } = await parseBundleInWorker(files);
  const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  const warnings = diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic);
  if (errors.length > 0) return { ok: false, errors, warnings };

  const bundled = new Set(bundle.components.map((c) => c.slug));
  const stored = new Set((await store.components.listAll(projectId)).map((c) => c.slug));
  for (const test of bundle.tests) {
    for (const ref of componentRefs(test.data)) {
      if (!bundled.has(ref) && !stored.has(ref)) {
        warnings.push(
          `${test.file}: warning: test "${test.slug}" uses component "${ref}", which is not imported yet; its runs will end with INITIALIZATION_ERROR until it is`,
        );
      }
    }
  }

  const supplied = new Set(others.map((f) => f.path));
  for (const def of [...bundle.tests, ...bundle.components]) {
    for (const path of fileSources(def.data)) {
      if (!supplied.has(path) && !(await store.blobs.exists(bundleFileKey(projectId, path)).catch(() => false))) {
        warnings.push(`${def.file}: warning: "${def.slug}" reads "${path}", which is not in the bundle; that step will fail with FILE_DOES_NOT_EXIST`);
      }
    }
  }

  const objects = await store.transaction(async (tx) => {
    const out: ImportedObject[] = [];
    const record = (type: ImportedObject['type'], slug: string, r: { id: string; created: boolean }) =>
      out.push({ type, slug, id: r.id, status: r.created ? 'created' : 'updated' });
    if (bundle.project) {
      const p = bundle.project;
      await tx.projects.updateSettings(projectId, { name: p.name, settings: p.settings });
      record('project', p.slug, { id: projectId, created: false });
    }
    for (const c of bundle.components) record('component', c.slug, await tx.components.upsert(projectId, { slug: c.slug, name: c.name, data: c.data }));
    for (const p of bundle.profiles) {
      record('profile', p.slug, await tx.profiles.upsert(projectId, { slug: p.slug, name: p.name, isDefault: p.isDefault, data: { variables: p.variables } }));
    }
    for (const t of bundle.tests) record('test', t.slug, await tx.tests.upsert(projectId, { slug: t.slug, name: t.name, data: t.data }));
    for (const s of bundle.suites) record('suite', s.slug, await tx.suites.upsert(projectId, { slug: s.slug, name: s.name, data: s.data }));
    return out;
  });
  // After the documents are in: a file without the tests that use it is harmless, the reverse is not.
  for (const f of others) await store.blobs.put(bundleFileKey(projectId, f.path), f.data);
  return { ok: true, objects, warnings };
}
