import { LineCounter, parseAllDocuments } from 'yaml';
import type { Document, YAMLError, YAMLWarning } from 'yaml';
import { assembleBundle } from './bundle-checks.js';
import type { BundleEntry } from './bundle-checks.js';
import type { ImportBundle } from './bundle-types.js';
import type { Diagnostic, SourceFile } from './diagnostic.js';
import { checkDocument, NAME_FIELDS } from './document.js';
import type { DocumentDefinition } from './document.js';
import { Locator } from './locate.js';
import type { Path } from './locate.js';

/**
 * Parses and validates every document of every file. Never stops at the first problem: the caller
 * imports nothing if any diagnostic is an error, and shows them all so one edit pass fixes all.
 */
export function parseBundle(files: SourceFile[]): { bundle: ImportBundle; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const entries: BundleEntry[] = [];
  for (const file of files) {
    const fileDiagnostics: Diagnostic[] = [];
    entries.push(...parseFile(file, fileDiagnostics));
    diagnostics.push(...sortByPosition(fileDiagnostics));
  }
  const assembled = assembleBundle(entries);
  // Cross-document problems go after the per-file ones, still grouped by file order.
  const order = new Map(files.map((f, i) => [f.path, i]));
  const crossFile = [...assembled.diagnostics].sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  return { bundle: assembled.bundle, diagnostics: [...diagnostics, ...crossFile] };
}

function parseFile(file: SourceFile, diagnostics: Diagnostic[]): BundleEntry[] {
  const lineCounter = new LineCounter();
  // prettyErrors off: messages stay one line; positions come from the LineCounter instead.
  const docs = parseAllDocuments(file.text, { lineCounter, prettyErrors: false });
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const yamlIssue = (e: YAMLError | YAMLWarning, severity: Diagnostic['severity']): void => {
    diagnostics.push({ file: file.path, ...at(e.pos[0]), message: e.message, severity });
  };

  if ('empty' in docs) {
    // No document at all; the stream itself may still carry directive errors.
    for (const e of docs.errors) yamlIssue(e, 'error');
    for (const w of docs.warnings) yamlIssue(w, 'warning');
    if (diagnostics.length === 0) {
      diagnostics.push({ file: file.path, line: 1, column: 1, message: 'no YAML documents in this file', severity: 'warning' });
    }
    return [];
  }

  const entries: BundleEntry[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) yamlIssue(e, 'error');
    for (const w of doc.warnings) yamlIssue(w, 'warning');
    // Syntax errors leave a partial tree: validating it would only add confusing follow-ups.
    if (doc.errors.length > 0) continue;
    // An empty document (a trailing `---`, a file of comments) holds nothing to import.
    if (doc.contents === null) continue;
    const entry = checkParsedDocument(doc, lineCounter, file.path, diagnostics);
    if (entry) entries.push(entry);
  }
  return entries;
}

function checkParsedDocument(doc: Document, lineCounter: LineCounter, file: string, diagnostics: Diagnostic[]): BundleEntry | null {
  const locator = new Locator(doc, lineCounter);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // Alias bombs and similar: the YAML is well-formed but not a value we accept.
    const pos = locator.value([]);
    diagnostics.push({ file, ...pos, message: e instanceof Error ? e.message : String(e), severity: 'error' });
    return null;
  }

  // `---` at the end of a file, or a document of only comments: nothing to import.
  if (value === null || value === undefined) return null;
  const checked = checkDocument(value, file);
  for (const p of checked.problems) {
    const pos = p.target === 'key' ? locator.key(p.path) : locator.value(p.path);
    diagnostics.push({ file, ...pos, message: p.message, severity: p.severity });
  }
  return checked.result ? entryFor(checked.result, value, locator, file) : null;
}

function entryFor(doc: DocumentDefinition, value: unknown, locator: Locator, file: string): BundleEntry {
  const data = (value as { data: Record<string, unknown> }).data;
  const slugPath: Path = typeof data.slug === 'string' && data.slug.trim() !== '' ? ['data', 'slug'] : ['data', NAME_FIELDS[doc.kind]];
  return {
    doc,
    file,
    slugAt: locator.value(slugPath),
    docAt: locator.value([]),
    defaultAt: locator.value('is_default' in data ? ['data', 'is_default'] : ['data']),
  };
}

function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic): number => (d.severity === 'error' ? 0 : 1);
  return [...diagnostics].sort((a, b) => a.line - b.line || a.column - b.column || rank(a) - rank(b));
}
