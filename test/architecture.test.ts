import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layering of docs/architecture.md, checked by dependency-cruiser over the TypeScript program
 * with the rules of .dependency-cruiser.cjs (what `npm run lint` checks too). Reading the
 * environment is not an import, so that rule is checked here over the sources.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('architecture', () => {
  let result: ICruiseResult;

  beforeAll(async () => {
    const previous = process.cwd();
    process.chdir(ROOT);
    try {
      const config = await extractDepcruiseConfig('./.dependency-cruiser.cjs');
      const tsConfig = extractTSConfig('tsconfig.json');
      const { output } = await cruise(['src'], { ...config.options, validate: true, ruleSet: config }, undefined, { tsConfig });
      result = output as ICruiseResult;
    } finally {
      process.chdir(previous);
    }
  }, 60_000);

  it('cruises the whole source tree', () => {
    expect(result.summary.totalCruised).toBeGreaterThan(150);
    expect(result.summary.ruleSetUsed?.forbidden?.map((r) => r.name)).toEqual(
      expect.arrayContaining(['layer-runner', 'layer-api', 'browser-only-in-runner', 'database-only-in-store', 'no-circular']),
    );
  });

  it('keeps every import inside the allowed layers', () => {
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
  });

  it('reads process.env only in config/ and cli/', () => {
    const readers = files(SRC)
      .filter((f) => !/^(config|cli)\//.test(relative(SRC, f)))
      .filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(readers).toEqual([]);
  });
});
