import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, the scheme Stripe made familiar: `X-Bugrun-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<raw body>">`. The timestamp is signed with the body, so a receiver that
 * checks it can refuse a captured request replayed later.
 */

function hmac(secret: string, unixSeconds: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
}

/** The X-Bugrun-Signature header of one request. */
export function signatureHeader(secret: string, rawBody: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, unixSeconds, rawBody)}`;
}

/**
 * Whether `header` signs `rawBody` with `secret` at a time within `toleranceSeconds` of
 * `nowSeconds`, either side. Any of several `v1` values may match (a receiver rotating secrets).
 */
export function verifySignature(secret: string, header: string, rawBody: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  if (t === undefined || !/^\d{1,12}$/.test(t)) return false;
  const unixSeconds = Number(t);
  if (Math.abs(nowSeconds - unixSeconds) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, unixSeconds, rawBody), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/i.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v ?? '', 'hex'), expected));
}

/** A new signing secret: `whsec_` and 32 random bytes in hex. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}
