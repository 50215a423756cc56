import { maskSecrets } from '../domain/index.js';

/**
 * The secret values of one run. It grows while the run goes (values typed with
 * `has_secret_value`), so everything is masked at the moment it is emitted.
 */
export class SecretSet {
  private readonly values = new Set<string>();
  private list: string[] = [];

  constructor(initial: readonly string[] = []) {
    for (const v of initial) this.add(v);
  }

  add(value: string | null | undefined): void {
    if (!value) return;
    // A secret also leaks through URLs and form bodies in its encoded forms.
    const variants = [value, encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+')];
    let changed = false;
    for (const v of variants) {
      if (v && !this.values.has(v)) {
        this.values.add(v);
        changed = true;
      }
    }
    if (changed) this.list = [...this.values];
  }

  mask(text: string): string;
  mask(text: string | null): string | null;
  mask(text: string | null): string | null {
    return maskSecrets(text, this.list);
  }
}
