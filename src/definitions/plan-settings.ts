import type { RunSettings, ScreenSize, WaitingCondition, WaitingConditionName } from '../domain/index.js';
import type { ProjectSettings, ScreenDimensions, ScreenSizeType, WaitingConditionData } from './types.js';

/** BugBug's local default step timeout; the YAML gives seconds. */
export const DEFAULT_STEP_TIMEOUT_S = 30;
/** (design) No YAML field sets the whole-run limit. */
export const DEFAULT_RUN_TIMEOUT_MS = 30 * 60 * 1000;
export const DEFAULT_SCREENS: Record<'desktop' | 'mobile', ScreenDimensions> = {
  desktop: { width: 1366, height: 768 },
  mobile: { width: 390, height: 844 },
};

/** (design) 1 % of pixels may differ; pixelmatch's own default threshold. */
export const DEFAULT_VISUAL_REGRESSION = { defaultMaxDiff: 1, pixelThreshold: 0.1, includeAntiAliasing: false } as const;

export function runSettings(settings: ProjectSettings | null, runTimeoutMs: number | undefined): RunSettings {
  const general = settings?.general;
  const browser = settings?.browser;
  const conditions = settings?.waiting_conditions;
  return {
    stepTimeoutMs: (general?.default_local_run_timeout ?? DEFAULT_STEP_TIMEOUT_S) * 1000,
    runTimeoutMs: runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS,
    defaultSleepMs: (general?.default_sleep ?? 0) * 1000,
    captureDomOnFailure: general?.capture_dom_on_failure ?? true,
    language: browser?.language ?? null,
    userAgent: browser?.user_agent ?? null,
    customHeaders: (browser?.custom_headers ?? []).map((h) => ({ name: h.name, value: h.value })),
    // BugBug exports `waiting_conditions: []` for projects that never changed the defaults, so an
    // empty list means "Bugrun's defaults per step type", not "no waiting at all".
    waitingConditions: conditions && conditions.length > 0 ? conditions.map(waitingCondition) : null,
    timezone: general?.timezone ?? null,
    visualRegression: {
      defaultMaxDiff: settings?.visual_regression?.default_max_diff ?? DEFAULT_VISUAL_REGRESSION.defaultMaxDiff,
      pixelThreshold: settings?.visual_regression?.pixel_threshold ?? DEFAULT_VISUAL_REGRESSION.pixelThreshold,
      includeAntiAliasing: settings?.visual_regression?.include_anti_aliasing ?? DEFAULT_VISUAL_REGRESSION.includeAntiAliasing,
    },
  };
}

/**
 * The test's viewport. `custom` has no size field in YAML v1, so it uses `custom` from the caller
 * when given, else the desktop size.
 */
export function screenSize(type: ScreenSizeType, settings: ProjectSettings | null, custom?: ScreenDimensions): ScreenSize {
  const sizes = settings?.screen_sizes;
  const dims =
    type === 'mobile' ? (sizes?.mobile ?? DEFAULT_SCREENS.mobile) : type === 'custom' && custom ? custom : (sizes?.desktop ?? DEFAULT_SCREENS.desktop);
  return { type, width: dims.width, height: dims.height };
}

/** Validated names only reach here (semantic validation rejects unknown ones at import). */
export function waitingCondition(c: WaitingConditionData): WaitingCondition {
  return {
    condition: c.condition as WaitingConditionName,
    expected: c.expected === undefined || c.expected === null ? null : String(c.expected),
    timeout: c.timeout ?? null,
    isActive: c.is_active ?? true,
  };
}
