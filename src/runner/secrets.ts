import { compileSecretMasker } from './secret-masker.js';

/**
 * The secret values of one run. It grows while the run goes (values typed with
 * `has_secret_value`), so everything is masked at the moment it is emitted. The masker (one
 * RegExp covering every encoding of every secret) is rebuilt only when a new value arrives, and
 * only when something is masked next: masking runs on every event, a rebuild once per secret.
 */
export class SecretSet {
  private readonly values = new Set<string>();
  private masker: ((text: string) => string) | null = null;

  constructor(initial: readonly string[] = []) {
    for (const v of initial) this.add(v);
  }

  /** How many secret values the run has so far. */
  get size(): number {
    return this.values.size;
  }

  add(value: string | null | undefined): void {
    if (!value || this.values.has(value)) return;
    this.values.add(value);
    this.masker = null;
  }

  mask(text: string): string;
  mask(text: string | null): string | null;
  mask(text: string | null): string | null {
    if (text === null || this.values.size === 0) return text;
    this.masker ??= compileSecretMasker([...this.values]);
    return this.masker(text);
  }
}
