import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands alone: what the code and tests need from BugBug is vendored, unedited.
 * When the steering repository's shared/ folder is beside this one (a developer's checkout, CI),
 * the copies must still be byte-identical to it; a plain clone skips this check.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = join(ROOT, '..', 'shared');

const VENDORED: [string, string][] = [
  ['spec/testruns-v2.openapi.json', 'src/api/spec/testruns-v2.openapi.json'],
  ['bugbug-yaml/bugbug-yaml-v1.schema.json', 'src/definitions/schema/bugbug-yaml-v1.schema.json'],
  ['bugbug-yaml/LICENSE.md', 'src/definitions/schema/LICENSE.md'],
  ['bugbug-yaml/LICENSE.md', 'test/definitions/fixtures/bugbug-examples/LICENSE.md'],
  ...['valid', 'invalid'].flatMap((kind): [string, string][] =>
    existsSync(join(SHARED, 'bugbug-yaml/examples', kind))
      ? readdirSync(join(SHARED, 'bugbug-yaml/examples', kind)).map((name) => [
          `bugbug-yaml/examples/${kind}/${name}`,
          `test/definitions/fixtures/bugbug-examples/${kind}/${name}`,
        ])
      : [],
  ),
];

describe.skipIf(!existsSync(SHARED))('vendored copies of ../shared', () => {
  it.each(VENDORED)('%s is vendored unedited as %s', (source, copy) => {
    expect(readFileSync(join(ROOT, copy)).equals(readFileSync(join(SHARED, source)))).toBe(true);
  });

  it('vendors every BugBug YAML example', () => {
    expect(VENDORED.filter(([s]) => s.includes('/examples/')).length).toBe(14);
  });
});
