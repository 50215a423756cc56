import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { BlobStoreUnavailableError, validateBlobKey, type BlobStore } from './blobs.js';

const MISSING = Symbol('missing');

export interface S3Location {
  bucket: string;
  /** Key prefix without slashes at its ends; '' for the bucket's root. */
  prefix: string;
  region: string;
  /** An S3-compatible server's URL (MinIO, Ceph, …); null for AWS. Implies path-style addressing. */
  endpoint: string | null;
}

/**
 * Blobs as objects in S3-compatible storage. Credentials come from the SDK's standard chain
 * (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profiles, instance roles). A PUT replaces an
 * object whole, so writes are atomic for readers as the directory backend's are.
 */
export async function s3Blobs(location: S3Location): Promise<BlobStore> {
  const { bucket, prefix } = location;
  const client = new S3Client({
    region: location.region,
    ...(location.endpoint === null ? {} : { endpoint: location.endpoint, forcePathStyle: true }),
    // The SDK's own retries (3 attempts, backoff) already smooth out a blip.
    maxAttempts: 3,
  });
  const objectKey = (key: string) => [...(prefix === '' ? [] : [prefix]), ...validateBlobKey(key)].join('/');
  const where = `s3://${bucket}${prefix === '' ? '' : `/${prefix}`}`;

  /** Runs one request: a missing object is MISSING, a storage out of reach a BlobStoreUnavailableError. */
  async function send<T>(what: string, request: () => Promise<T>): Promise<T | typeof MISSING> {
    try {
      return await request();
    } catch (err) {
      if (err instanceof S3ServiceException) {
        if (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404) return MISSING;
        if (err.$fault === 'client') throw new Error(`${where}: ${what} refused: ${err.name}: ${err.message}`, { cause: err });
      }
      throw new BlobStoreUnavailableError(`${where}: ${what} failed: ${err instanceof Error ? err.message || err.name : String(err)}`, { cause: err });
    }
  }

  // A wrong bucket or credentials show at start, not at the first run's first screenshot.
  const head = await send('checking the bucket', () => client.send(new HeadBucketCommand({ Bucket: bucket }))).catch((err: unknown) => {
    client.destroy();
    throw err;
  });
  if (head === MISSING) {
    client.destroy();
    throw new Error(`${where}: the bucket ${bucket} does not exist`);
  }

  return {
    location: where,

    async put(key, data) {
      const Key = objectKey(key);
      const body = typeof data === 'string' ? Buffer.from(data) : data;
      await send(`writing ${key}`, () => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: body, ContentLength: body.byteLength })));
    },

    async get(key) {
      const Key = objectKey(key);
      const got = await send(`reading ${key}`, async () => {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
        return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
      });
      return got === MISSING ? null : got;
    },

    async open(key) {
      const Key = objectKey(key);
      const res = await send(`reading ${key}`, () => client.send(new GetObjectCommand({ Bucket: bucket, Key })));
      if (res === MISSING || !(res.Body instanceof Readable)) return null;
      return { body: res.Body, size: res.ContentLength ?? 0 };
    },

    async delete(key) {
      const Key = objectKey(key);
      await send(`deleting ${key}`, () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key })));
    },

    async exists(key) {
      const Key = objectKey(key);
      return (await send(`checking ${key}`, () => client.send(new HeadObjectCommand({ Bucket: bucket, Key })))) !== MISSING;
    },

    close() {
      client.destroy();
    },
  };
}
