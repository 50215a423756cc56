import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found by walking up to package.json: the harness runs both from its
 * sources (vitest: bench/lib/) and compiled (dist/bench/lib/), which sit at different depths.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bench', 'site'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error('bench: cannot find the repository root (package.json beside bench/site/)');
}

/** The bench's own fixture pages. */
export function siteDir(): string {
  return join(repoRoot(), 'bench', 'site');
}

/** Where `npm run bench` writes RESULTS.md and results.json. */
export function benchDir(): string {
  return join(repoRoot(), 'bench');
}
