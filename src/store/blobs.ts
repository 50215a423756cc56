import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';

export interface PutOptions {
  /**
   * Default true: the bytes reach the disk (fsync) before the file appears under its name, so
   * it survives a power loss. False for files that are derived from other data or rewritten
   * soon anyway (reports, HAR, partial logs): still atomic for readers and kept when the process
   * is killed (the kernel has the bytes), only a power loss can lose the latest version.
   */
  durable?: boolean;
}

/** Artifact bytes (screenshots, logs, snapshots) as files under `<dataDir>/artifacts/`. */
export interface BlobStore {
  readonly root: string;
  /** Writes atomically: readers see the old file or the whole new one, never a partial write. */
  put(key: string, data: Uint8Array | string, options?: PutOptions): Promise<void>;
  /** Null when there is no such blob. */
  get(key: string): Promise<Buffer | null>;
  /** Absolute file path, for streaming. Does not check that the file exists. */
  path(key: string): string;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'ENOTDIR');
}

/**
 * Keys are relative, `/`-separated paths such as `<runId>/logs.txt`. Anything that could
 * name a file outside the root (`..`, absolute paths, backslashes, NUL) is refused.
 */
export function validateBlobKey(key: string): string[] {
  if (key === '' || key.includes('\0') || key.includes('\\') || isAbsolute(key)) {
    throw new RangeError(`invalid blob key: ${JSON.stringify(key)}`);
  }
  const parts = key.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new RangeError(`invalid blob key: ${JSON.stringify(key)}`);
  }
  return parts;
}

export function createBlobStore(root: string): BlobStore {
  const base = resolve(root);

  function pathOf(key: string): string {
    const full = join(base, ...validateBlobKey(key));
    // Belt and braces: whatever the key checks miss, the result must stay inside the root.
    if (!full.startsWith(base + sep)) throw new RangeError(`invalid blob key: ${JSON.stringify(key)}`);
    return full;
  }

  return {
    root: base,

    path: pathOf,

    async put(key, data, { durable = true } = {}) {
      const target = pathOf(key);
      // Same directory as the target, so the rename is atomic; a crash leaves at most a stray
      // temp file, never a half-written blob under the real name.
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        // Most puts go to a directory that exists (a run's own): create it only when missing.
        const file = await open(temp, 'w').catch(async (err: unknown) => {
          if (!isMissing(err)) throw err;
          await mkdir(dirname(target), { recursive: true });
          return open(temp, 'w');
        });
        try {
          await file.writeFile(data);
          if (durable) await file.datasync();
        } finally {
          await file.close();
        }
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },

    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },

    async delete(key) {
      const target = pathOf(key);
      try {
        await rm(target);
        return true;
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },

    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },
  };
}
