import type { RunResources } from '../domain/index.js';
import type { Store } from '../store/index.js';

/** Blob key of a file an imported bundle supplied (uploadFile's `file_source`). */
export function bundleFileKey(projectId: string, path: string): string {
  const clean = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  return `bundle-files/${projectId}/${clean}`;
}

/** Bundle files and visual-regression baselines of one test, kept in the blob store. */
export function storeResources(store: Store, projectId: string, testId: string): RunResources {
  const baselineKey = (key: string) => `baselines/${projectId}/${testId}/${key.replace(/[^\w.@-]+/g, '_')}.png`;
  return {
    async file(path) {
      try {
        return await store.blobs.get(bundleFileKey(projectId, path));
      } catch {
        return null; // a path the blob store refuses (e.g. with `..`) is a file that does not exist
      }
    },
    baseline: (key) => store.blobs.get(baselineKey(key)),
    saveBaseline: (key, png) => store.blobs.put(baselineKey(key), png),
  };
}
