import { createHash } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Name-based id in the layout of RFC 4122 version 5 (SHA-1). Ids derived this way stay the same
 * for the same inputs, so step ids survive re-imports and runs of an unchanged test without being
 * stored anywhere. When `namespace` is a UUID this is exactly UUIDv5; any other namespace string
 * is hashed as text followed by a NUL, so ("ab","c") and ("a","bc") still differ.
 */
export function stableId(namespace: string, name: string): string {
  const ns = UUID_RE.test(namespace) ? Buffer.from(namespace.replace(/-/g, ''), 'hex') : Buffer.concat([Buffer.from(namespace, 'utf8'), Buffer.from([0])]);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
