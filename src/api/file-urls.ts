import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Download links for stored files (screenshots, logs, artifacts). They are signed capability URLs
 * that expire, like BugBug's presigned links, so `<img>` tags, curl and 302 redirects work without
 * a token, and a leaked link stops working.
 */
export interface FileUrls {
  url(blobKey: string): string;
  /** True when `signature` signs this key until `expires` (unix seconds) and that is not past. */
  verify(blobKey: string, expires: string, signature: string): boolean;
  /**
   * When the links made now expire. Expiries are rounded up to a 24th of the lifetime (at most an
   * hour), so a finished run's cached JSON stays valid that long rather than for one second.
   */
  expiry(): number;
}

export interface FileUrlOptions {
  secret: string;
  publicUrl: string;
  ttlSeconds: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

export function createFileUrls({ secret, publicUrl, ttlSeconds, now = Date.now }: FileUrlOptions): FileUrls {
  const step = Math.min(3600, Math.max(1, Math.floor(ttlSeconds / 24)));
  const sign = (key: string, expires: string) => createHmac('sha256', secret).update(`${expires}\n${key}`).digest('base64url');
  const expiry = () => Math.ceil((now() / 1000 + ttlSeconds) / step) * step;
  return {
    expiry,
    url(blobKey) {
      const path = blobKey.split('/').map(encodeURIComponent).join('/');
      const expires = String(expiry());
      return `${publicUrl}/files/${path}?exp=${expires}&sig=${sign(blobKey, expires)}`;
    },
    verify(blobKey, expires, signature) {
      if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 <= now()) return false;
      const expected = Buffer.from(sign(blobKey, expires));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
