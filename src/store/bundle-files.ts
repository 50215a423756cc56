/** Blob key of a file an imported bundle supplied (uploadFile's `file_source`), per project. */
export function bundleFileKey(projectId: string, path: string): string {
  const clean = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  return `bundle-files/${projectId}/${clean}`;
}
