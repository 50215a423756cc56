import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whether running from src/ (tests) or dist/src/ (built). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('Bugrun package root not found');
    dir = parent;
  }
  return dir;
}

export const demoBundleDir = () => join(packageRoot(), 'demo', 'bundle');
export const demoSiteDir = () => join(packageRoot(), 'demo', 'site');
