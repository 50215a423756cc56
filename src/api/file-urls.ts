import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Download links for stored files (screenshots, logs, artifacts). They are signed capability URLs,
 * like BugBug's presigned links, so `<img>` tags, curl and 302 redirects work without a token.
 */
export interface FileUrls {
  url(blobKey: string): string;
  verify(blobKey: string, signature: string): boolean;
}

export function createFileUrls(secret: string, publicUrl: string): FileUrls {
  const sign = (key: string) => createHmac('sha256', secret).update(key).digest('base64url');
  return {
    url(blobKey) {
      const path = blobKey.split('/').map(encodeURIComponent).join('/');
      return `${publicUrl}/files/${path}?sig=${sign(blobKey)}`;
    },
    verify(blobKey, signature) {
      const expected = Buffer.from(sign(blobKey));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
