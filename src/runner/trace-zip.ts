import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';

/*
 * Just enough ZIP to mask secrets inside a Playwright trace: read the entries of the archive
 * tracing.stop() writes (stored or deflated, sizes in the central directory, no ZIP64: traces
 * are held under TRACE_MAX_BYTES) and write them back, re-compressing only what changed.
 */

const inflate = promisify(inflateRaw);
const deflate = promisify(deflateRaw);

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const STORED = 0;
const DEFLATED = 8;
/** General purpose flag: names are UTF-8. */
const UTF8_NAMES = 0x0800;

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

export interface ZipEntry {
  name: string;
  method: typeof STORED | typeof DEFLATED;
  crc: number;
  size: number;
  /** The entry's bytes as stored (compressed when `method` is DEFLATED). */
  data: Buffer;
  dosTime: number;
  dosDate: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The archive's entries, in central-directory order. */
export function readZip(zip: Buffer): ZipEntry[] {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipFormatError('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  const offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new ZipFormatError('ZIP64 archives are not supported');
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL) throw new ZipFormatError('corrupt central directory');
    const method = zip.readUInt16LE(at + 10);
    if (method !== STORED && method !== DEFLATED) throw new ZipFormatError(`unsupported compression method ${method}`);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL) throw new ZipFormatError('corrupt local header');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (start + compressed > zip.length) throw new ZipFormatError('truncated entry');
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method,
      crc: zip.readUInt32LE(at + 16),
      size: zip.readUInt32LE(at + 24),
      data: zip.subarray(start, start + compressed),
      dosTime: zip.readUInt16LE(at + 12),
      dosDate: zip.readUInt16LE(at + 14),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** An archive of `entries` (no data descriptors, no extra fields). */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(e.dosTime, 10);
    local.writeUInt16LE(e.dosDate, 12);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(CENTRAL, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(UTF8_NAMES, 8);
    dir.writeUInt16LE(e.method, 10);
    dir.writeUInt16LE(e.dosTime, 12);
    dir.writeUInt16LE(e.dosDate, 14);
    dir.writeUInt32LE(e.crc, 16);
    dir.writeUInt32LE(e.data.length, 20);
    dir.writeUInt32LE(e.size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(dir, name);
    offset += local.length + name.length + e.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

/** The entry's uncompressed bytes. */
export async function entryBytes(e: ZipEntry): Promise<Buffer> {
  return e.method === STORED ? e.data : inflate(e.data);
}

/** Pictures and fonts: binary for sure, not worth decoding to find out. */
const BINARY = /\.(jpe?g|png|webp|gif|ico|woff2?|ttf|otf)$/i;

/**
 * Applies `edit` to the text of every entry that is UTF-8 text (trace events, network log, stacks,
 * captured resources); binary entries are kept as they are. Returns the archive unchanged (the same
 * buffer) when no text changed.
 */
export async function editZipText(zip: Buffer, edit: (text: string) => string): Promise<Buffer> {
  const entries = readZip(zip);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let changed = false;
  const out: ZipEntry[] = [];
  for (const e of entries) {
    if (BINARY.test(e.name)) {
      out.push(e);
      continue;
    }
    const bytes = await entryBytes(e);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      out.push(e); // not UTF-8: an image or other binary resource
      continue;
    }
    const edited = edit(text);
    if (edited === text) {
      out.push(e);
      continue;
    }
    changed = true;
    const raw = Buffer.from(edited, 'utf8');
    out.push({ ...e, method: DEFLATED, crc: crc32(raw), size: raw.length, data: await deflate(raw) });
  }
  return changed ? writeZip(out) : zip;
}
