/** A bundle path longer than this, or a segment longer than a file name may be, is refused. */
export const MAX_BUNDLE_PATH_CHARS = 1024;
export const MAX_BUNDLE_NAME_BYTES = 255;

/**
 * Why a path cannot name a file of a bundle, or null when it can: relative, `/`-separated, no
 * empty, `.` or `..` segments, no control characters, each name short enough for a file system.
 * Bundle files are stored under these paths, so each path must name exactly one file.
 */
export function bundlePathProblem(path: string): string | null {
  if (path === '') return 'the path is empty';
  if (path.length > MAX_BUNDLE_PATH_CHARS) return `the path is longer than ${MAX_BUNDLE_PATH_CHARS} characters`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'the path contains a control character';
  if (path.includes('\\')) return 'the path must use / as its separator';
  if (path.startsWith('/') || /^[a-z]:/i.test(path)) return 'the path must be relative to the bundle';
  for (const name of path.split('/')) {
    if (name === '') return 'the path has an empty segment (// or a trailing /)';
    if (name === '.' || name === '..') return 'the path must not contain . or .. segments';
    if (Buffer.byteLength(name) > MAX_BUNDLE_NAME_BYTES) return `a name in the path is longer than ${MAX_BUNDLE_NAME_BYTES} bytes`;
  }
  return null;
}
