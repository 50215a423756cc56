import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** A real S3-compatible server (s3rver) on 127.0.0.1, keeping its objects in a temporary directory. */
export interface TestS3 {
  readonly bucket: string;
  readonly endpoint: string;
  /** Takes the server away (its objects stay) … */
  stop(): Promise<void>;
  /** … and brings it back on the same port. */
  start(): Promise<void>;
  /** Stops it and deletes its objects. */
  close(): Promise<void>;
}

/** s3rver accepts any request signed with these. */
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export async function startS3(bucket = 'bugrun-test'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'bugrun-s3-'));
  let port = 0;
  let server: S3rver | null = null;
  const start = async () => {
    const s = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
    ({ port } = await s.run());
    server = s;
  };
  const stop = async () => {
    await server?.close();
    server = null;
  };
  await start();
  // The SDK in this process (in-process services) reads its credentials where every process does.
  Object.assign(process.env, CREDENTIALS, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    bucket,
    endpoint,
    start,
    stop,
    async close() {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
