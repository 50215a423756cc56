import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temp roots this process created and has not removed yet (for a last-resort cleanup). */
const live = new Set<string>();

export async function makeTempRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bugrun-bench-'));
  live.add(dir);
  return dir;
}

export async function removeTempRoot(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  live.delete(dir);
}

/** Synchronous, for signal handlers and the watchdog. */
export function removeLiveTempRootsSync(): void {
  for (const dir of live) {
    rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
  }
}
