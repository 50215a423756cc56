import { StepError, errorMessage, shortPlaywrightMessage } from '../errors.js';
import { evaluateOn } from './scope.js';
import type { ActionHandler } from './types.js';

const MIME_TYPES: Record<string, string> = {
  txt: 'text/plain',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  md: 'text/markdown',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
};

export function mimeTypeOf(name: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return MIME_TYPES[ext] ?? 'application/octet-stream';
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/**
 * Sets a file of the imported bundle (`file_source`, a path relative to the bundle) on a file
 * input. The runner never reads the disk: the bytes come from RunResources. The file is also kept
 * as an `uploaded_file` debug artifact of the run.
 */
const uploadFile: ActionHandler = async (ctx) => {
  const d = ctx.details;
  const source = ctx.render(d.file_source?.trim() ? d.file_source : d.project_artifact_id).trim();
  if (!source) throw new StepError('FILE_DOES_NOT_EXIST', 'The step names no file to upload (file_source)');
  const name = baseName(source);
  const contentType = mimeTypeOf(name);
  ctx.record.computedValue = name;
  let bytes: Uint8Array | null;
  try {
    bytes = await ctx.resources.file(source);
  } catch (e) {
    throw new StepError('FILE_UPLOAD_ERROR', `Could not read "${source}": ${errorMessage(e)}`);
  }
  if (!bytes) throw new StepError('FILE_DOES_NOT_EXIST', `File "${source}" is not in the imported bundle`);
  ctx.session.events.emit({ type: 'artifact', kind: 'uploaded_file', name, contentType, data: bytes, stepRunId: ctx.record.id });

  const { loc, description } = await ctx.element();
  const kind = await evaluateOn(
    ctx,
    loc,
    (el) => {
      const field = el instanceof HTMLLabelElement && el.control ? el.control : el;
      return field instanceof HTMLInputElement && field.type === 'file' ? 'file' : `a <${field.tagName.toLowerCase()}>`;
    },
    null,
  );
  if (kind !== 'file') throw new StepError('FILE_UPLOAD_ERROR', `Element ${description} is ${kind}, not a file input`);
  try {
    await loc.setInputFiles({ name, mimeType: contentType, buffer: Buffer.from(bytes) }, { timeout: ctx.pwTimeout() });
  } catch (e) {
    throw new StepError('FILE_UPLOAD_ERROR', `Could not set "${name}" on ${description}: ${shortPlaywrightMessage(e)}`);
  }
  const chosen = await evaluateOn(
    ctx,
    loc,
    (el) => {
      const field = el instanceof HTMLLabelElement && el.control ? el.control : el;
      return field instanceof HTMLInputElement ? Array.from(field.files ?? []).map((f) => f.name) : [];
    },
    null,
  ).catch(() => null);
  if (chosen && !chosen.includes(name)) throw new StepError('FILE_UPLOAD_ERROR', `${description} does not hold "${name}" after the upload`);
};

export const uploadActions = { uploadFile } satisfies Record<string, ActionHandler>;
