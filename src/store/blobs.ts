import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';

export interface PutOptions {
  /**
   * Default true: the bytes reach the disk (fsync) before the file appears under its name, so
   * it survives a power loss. False for files that are derived from other data or rewritten
   * soon anyway (reports, HAR, partial logs): still atomic for readers and kept when the process
   * is killed (the kernel has the bytes), only a power loss can lose the latest version.
   */
  durable?: boolean;
}

/** A blob's bytes as a stream, with their length. */
export interface BlobStream {
  body: Readable;
  size: number;
}

/**
 * Artifact bytes (screenshots, logs, snapshots, bundle files, baselines) by key: files under a
 * directory (`<dataDir>/artifacts/` by default) or objects in S3-compatible storage.
 */
export interface BlobStore {
  /** Where the blobs live, for logs: a directory or `s3://bucket/prefix`. */
  readonly location: string;
  /** Writes atomically: readers see the old blob or the whole new one, never a partial write. */
  put(key: string, data: Uint8Array | string, options?: PutOptions): Promise<void>;
  /** Null when there is no such blob. */
  get(key: string): Promise<Buffer | null>;
  /** For serving: null when there is no such blob. */
  open(key: string): Promise<BlobStream | null>;
  /** Deleting a blob that is not there is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Lets go of connections; the store is not used after. */
  close(): void;
}

/** The storage could not be reached or failed for now; the API answers 503, not 500. */
export class BlobStoreUnavailableError extends Error {}

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

/** Blobs as files under `root`, created if missing; shared by processes on a shared volume. */
export async function directoryBlobs(root: string): Promise<BlobStore> {
  const base = resolve(root);
  await mkdir(base, { recursive: true });

  function pathOf(key: string): string {
    const full = join(base, ...validateBlobKey(key));
    // Belt and braces: whatever the key checks miss, the result must stay inside the root.
    if (!full.startsWith(base + sep)) throw new RangeError(`invalid blob key: ${JSON.stringify(key)}`);
    return full;
  }

  return {
    location: base,

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
      await rm(pathOf(key), { force: true });
    },

    async open(key) {
      // Opened before it is measured: a blob deleted meanwhile is still read whole.
      const handle = await open(pathOf(key), 'r').catch((err: unknown) => {
        if (isMissing(err)) return null;
        throw err;
      });
      if (handle === null) return null;
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return null;
      }
      return { body: handle.createReadStream(), size: info.size };
    },

    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },

    close() {},
  };
}
