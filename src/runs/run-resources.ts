import type { RunResources } from '../domain/index.js';
import { bundleFileKey, type Store } from '../store/index.js';

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
