/**
 * What a run may read or keep besides its plan, handed to the runner by runs/ so the runner never
 * touches storage itself.
 */
export interface RunResources {
  /** A file the imported bundle supplied (uploadFile's `file_source`, relative to the bundle); null if absent. */
  file(path: string): Promise<Uint8Array | null>;
  /** The reference PNG of a visual regression step, or null before its first run. */
  baseline(key: string): Promise<Uint8Array | null>;
  /** Records the reference PNG (the first run of a visual regression step). */
  saveBaseline(key: string, png: Uint8Array): Promise<void>;
}

/** Resources of a run that has none: no bundle files and no stored baselines. */
export const NO_RESOURCES: RunResources = {
  file: async () => null,
  baseline: async () => null,
  saveBaseline: async () => {},
};
