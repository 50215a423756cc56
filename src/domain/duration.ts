/** DRF DurationField format: `HH:MM:SS.ffffff` (hours may exceed 24). */
export function formatDuration(ms: number): string {
  const totalMicros = Math.max(0, Math.round(ms * 1000));
  const micros = totalMicros % 1_000_000;
  const totalSeconds = Math.floor(totalMicros / 1_000_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}.${pad(micros, 6)}`;
}

/** The DRF duration between two ISO timestamps; null unless both are known. */
export function durationBetween(from: string | null, to: string | null): string | null {
  if (!from || !to) return null;
  return formatDuration(Date.parse(to) - Date.parse(from));
}
