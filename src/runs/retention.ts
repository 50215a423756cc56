import type { ArtifactKind } from '../domain/index.js';

/** Days each artifact kind is kept; `default` for kinds not named; null = forever. */
export type RetentionDays = Partial<Record<ArtifactKind | 'default', number | null>>;

/** When an artifact of `kind` created at `now` expires (null = never). */
export type Retention = (kind: ArtifactKind, now?: Date) => string | null;

export function retentionPolicy(days: RetentionDays = {}): Retention {
  return (kind, now = new Date()) => {
    const d = kind in days ? days[kind] : days.default;
    return d === undefined || d === null ? null : new Date(now.getTime() + d * 86_400_000).toISOString();
  };
}
