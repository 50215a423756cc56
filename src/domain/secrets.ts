export const SECRET_MASK = '********';

/** Replaces every occurrence of each secret value in `text` with the mask. */
export function maskSecrets(text: string, secrets: readonly string[]): string;
export function maskSecrets(text: string | null, secrets: readonly string[]): string | null;
export function maskSecrets(text: string | null, secrets: readonly string[]): string | null {
  if (text === null) return null;
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) out = out.split(secret).join(SECRET_MASK);
  }
  return out;
}
