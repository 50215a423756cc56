import { unzip, zip, type AsyncZippable, type Unzipped } from 'fflate';

/*
 * Masking secrets inside a Playwright trace means rewriting the zip tracing.stop() writes: fflate
 * reads and writes it (off the event loop), pictures stored as they are, edited text deflated.
 */

function unzipped(data: Uint8Array): Promise<Unzipped> {
  return new Promise((resolve, reject) => unzip(data, (err, files) => (err ? reject(err) : resolve(files))));
}

function zipped(files: AsyncZippable): Promise<Uint8Array> {
  return new Promise((resolve, reject) => zip(files, (err, data) => (err ? reject(err) : resolve(data))));
}

/** Pictures and fonts: binary for sure, not worth decoding to find out. */
const BINARY = /\.(jpe?g|png|webp|gif|ico|woff2?|ttf|otf)$/i;

/**
 * Applies `edit` to the text of every entry that is UTF-8 text (trace events, network log, stacks,
 * captured resources); binary entries are kept as they are. Returns the archive unchanged (the same
 * buffer) when no text changed.
 */
export async function editZipText(archive: Buffer, edit: (text: string) => string): Promise<Buffer> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let changed = false;
  const out: AsyncZippable = {};
  for (const [name, bytes] of Object.entries(await unzipped(archive))) {
    let text: string | null = null;
    try {
      text = BINARY.test(name) ? null : decoder.decode(bytes);
    } catch {
      // Not UTF-8: an image or other binary resource.
    }
    const edited = text === null ? text : edit(text);
    if (edited !== null && edited !== text) changed = true;
    out[name] = edited === null || edited === text ? [bytes, { level: text === null ? 0 : 6 }] : [new TextEncoder().encode(edited), { level: 6 }];
  }
  return changed ? Buffer.from(await zipped(out)) : archive;
}
