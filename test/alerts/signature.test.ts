import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signatureHeader, verifySignature } from '../../src/alerts/index.js';

/** The X-Bugrun-Signature scheme receivers implement: t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<body>">. */
const SECRET = 'whsec_0123456789abcdef';
const BODY = '{"event":"finished","name":"Sign in"}';
const T = 1_700_000_000;

describe('signatures', () => {
  it('the header is the timestamp and the hex HMAC-SHA256 of "<t>.<raw body>"', () => {
    const mac = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signatureHeader(SECRET, BODY, T)).toBe(`t=${T},v1=${mac}`);
  });

  it('verifies its own signature within the tolerance, either side', () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(SECRET, header, BODY, T)).toBe(true);
    expect(verifySignature(SECRET, header, BODY, T + 300)).toBe(true);
    expect(verifySignature(SECRET, header, BODY, T - 300)).toBe(true);
    expect(verifySignature(SECRET, header, BODY, T + 60, 60)).toBe(true);
  });

  it('rejects a stale or future timestamp beyond the tolerance (a replay)', () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(SECRET, header, BODY, T + 301)).toBe(false);
    expect(verifySignature(SECRET, header, BODY, T - 301)).toBe(false);
    expect(verifySignature(SECRET, header, BODY, T + 61, 60)).toBe(false);
  });

  it('rejects another body, another secret, a moved timestamp and malformed headers', () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(SECRET, header, `${BODY} `, T)).toBe(false);
    expect(verifySignature(`${SECRET}x`, header, BODY, T)).toBe(false);
    expect(verifySignature(SECRET, header.replace(`t=${T}`, `t=${T + 1}`), BODY, T)).toBe(false);
    for (const bad of ['', 'v1=abc', `t=${T}`, `t=${T},v1=`, `t=${T},v1=zz`, `t=abc,v1=${'0'.repeat(64)}`, header.slice(0, -2)]) {
      expect(verifySignature(SECRET, bad, BODY, T)).toBe(false);
    }
  });

  it('accepts the header when any of several v1 values matches (a receiver rotating secrets)', () => {
    const header = `${signatureHeader('whsec_old', BODY, T)},v1=${signatureHeader(SECRET, BODY, T).split('v1=')[1]}`;
    expect(verifySignature(SECRET, header, BODY, T)).toBe(true);
  });

  it('new secrets are whsec_ and 32 random bytes in hex', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
