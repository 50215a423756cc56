import { isTerminal } from '../domain/index.js';
import type { RunListRow } from '../store/index.js';

/** Enough for the finished runs of a few hundred list pages of 20 runs × 20 steps. */
export const RUN_JSON_CACHE_BYTES = 32 * 1024 * 1024;
/** Whole page bodies kept: the pages being polled right now. */
const PAGE_BODIES = 16;

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

interface Entry {
  row: string;
  json: Buffer;
  bytes: number;
  /** The expiry of the file links in `json`: once links are made with another, it is stale. */
  linksExpire: number;
}

/**
 * The serialized JSON of finished runs, for run lists, as UTF-8 bytes ready to send (a page is
 * then a concatenation of buffers, with no string building or encoding per request): reading, parsing and serializing again
 * the 400 step records of a page was most of a 600 KB page's CPU. A finished run hardly ever
 * changes, but it can (a stopped run's in-flight step is still recorded after the stop), so an
 * entry is used only while the run's row is unchanged, `stepsVersion` included: the database
 * bumps it on every write to the run's step runs. Bounded by size, least recently used out.
 */
export class RunJsonCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pages = new Map<string, { runs: readonly Buffer[]; body: Buffer }>();
  private bytes = 0;

  constructor(private readonly maxBytes = RUN_JSON_CACHE_BYTES) {}

  /** The JSON remembered for exactly this row with links of this expiry, or null. */
  get(run: RunListRow, linksExpire: number): Buffer | null {
    const hit = this.entries.get(run.id);
    if (hit === undefined) return null;
    if (hit.linksExpire !== linksExpire || hit.row !== JSON.stringify(run)) {
      this.drop(run.id, hit);
      return null;
    }
    this.entries.delete(run.id);
    this.entries.set(run.id, hit);
    return hit.json;
  }

  /**
   * Remembers the JSON of a finished run (made from this row and the step runs read after it:
   * if those were newer, the row's stepsVersion has moved on and the entry is never used).
   */
  remember(run: RunListRow, json: Buffer, linksExpire: number): Buffer {
    if (!isTerminal(run.status)) return json;
    const row = JSON.stringify(run);
    // Strings are UTF-16 in the worst case: count 2 bytes a character.
    const bytes = 2 * row.length + json.length;
    if (bytes > this.maxBytes) return json;
    const old = this.entries.get(run.id);
    if (old !== undefined) this.drop(run.id, old);
    this.entries.set(run.id, { row, json, bytes, linksExpire });
    this.bytes += bytes;
    for (const [id, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(id, entry);
    }
    return json;
  }

  /**
   * A list page's body: `head` (the envelope's JSON up to the results array) then the runs'
   * JSON. The same page polled again with the very same run buffers is answered with the same
   * body: no 600 KB allocation per request (garbage that otherwise shows as p99 latency).
   */
  page(head: string, runs: readonly Buffer[]): Buffer {
    const key = `${head}${runs.length}`;
    const known = this.pages.get(key);
    if (known !== undefined && known.runs.length === runs.length && known.runs.every((b, i) => b === runs[i])) return known.body;
    const parts: Uint8Array[] = [Buffer.from(head)];
    runs.forEach((json, i) => parts.push(...(i === 0 ? [json] : [COMMA, json])));
    parts.push(CLOSE);
    const body = Buffer.concat(parts);
    this.pages.delete(key);
    this.pages.set(key, { runs, body });
    if (this.pages.size > PAGE_BODIES) this.pages.delete(this.pages.keys().next().value as string);
    return body;
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}
