import { Composer, LineCounter, Parser } from 'yaml';
import type { Document, YAMLError, YAMLWarning } from 'yaml';
import { assembleBundle } from './bundle-checks.js';
import type { BundleEntry } from './bundle-checks.js';
import type { ImportBundle } from './bundle-types.js';
import type { Diagnostic, SourceFile } from './diagnostic.js';
import { checkDocument, NAME_FIELDS } from './document.js';
import type { DocumentDefinition } from './document.js';
import { expandedChars, firstStepOverLimit, tooDeepAt } from './document-size.js';
import { IMPORT_LIMITS } from './limits.js';
import { Locator } from './locate.js';
import type { Path } from './locate.js';

/**
 * Parses and validates every document of every file. Never stops at the first problem: the caller
 * imports nothing if any diagnostic is an error, and shows them all so one edit pass fixes all.
 */
export function parseBundle(files: SourceFile[]): { bundle: ImportBundle; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const entries: BundleEntry[] = [];
  const yamlBytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  if (yamlBytes > IMPORT_LIMITS.maxYamlBytes) {
    const message = `the import holds ${yamlBytes} bytes of YAML, more than the limit of ${IMPORT_LIMITS.maxYamlBytes}`;
    return { bundle: assembleBundle([]).bundle, diagnostics: [{ file: files[0]?.path ?? '', line: 1, column: 1, message, severity: 'error' }] };
  }
  const budget: Budget = { documents: 0, expandedChars: 0 };
  for (const file of files) {
    const fileDiagnostics: Diagnostic[] = [];
    entries.push(...parseFile(file, fileDiagnostics, budget));
    diagnostics.push(...sortByPosition(fileDiagnostics));
  }
  const assembled = assembleBundle(entries);
  // Cross-document problems go after the per-file ones, still grouped by file order.
  const order = new Map(files.map((f, i) => [f.path, i]));
  const crossFile = [...assembled.diagnostics].sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  return { bundle: assembled.bundle, diagnostics: [...diagnostics, ...crossFile] };
}

/** What the documents parsed so far used of the import's limits. */
interface Budget {
  documents: number;
  expandedChars: number;
}

function parseFile(file: SourceFile, diagnostics: Diagnostic[], budget: Budget): BundleEntry[] {
  const lineCounter = new LineCounter();
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const limitError = (offset: number, message: string): BundleEntry[] => {
    diagnostics.push({ file: file.path, ...at(offset), message, severity: 'error' });
    return [];
  };
  // The concrete syntax tree first (the parser does not recurse): composing a tree nested too
  // deep, or too many documents, would overflow the stack or take unbounded time.
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(file.text));
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    budget.documents += 1;
    if (budget.documents > IMPORT_LIMITS.maxDocuments) {
      return limitError(token.offset, `more than ${IMPORT_LIMITS.maxDocuments} documents in one import (the limit)`);
    }
    const deep = tooDeepAt(token, IMPORT_LIMITS.maxNestingDepth);
    if (deep !== null) return limitError(deep, `nested more than ${IMPORT_LIMITS.maxNestingDepth} levels deep (the limit)`);
  }
  // prettyErrors off: messages stay one line; positions come from the LineCounter instead.
  const composer = new Composer({ prettyErrors: false });
  const docs = Array.from(composer.compose(tokens));
  const yamlIssue = (e: YAMLError | YAMLWarning, severity: Diagnostic['severity']): void => {
    diagnostics.push({ file: file.path, ...at(e.pos[0]), message: e.message, severity });
  };

  if (docs.length === 0) {
    // No document at all; the stream itself may still carry directive errors.
    const stream = composer.streamInfo();
    for (const e of stream.errors) yamlIssue(e, 'error');
    for (const w of stream.warnings) yamlIssue(w, 'warning');
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
    const entry = checkParsedDocument(doc, lineCounter, file.path, diagnostics, budget);
    if (entry) entries.push(entry);
  }
  return entries;
}

function checkParsedDocument(doc: Document, lineCounter: LineCounter, file: string, diagnostics: Diagnostic[], budget: Budget): BundleEntry | null {
  const locator = new Locator(doc, lineCounter);
  const chars = expandedChars(doc);
  budget.expandedChars += chars;
  if (budget.expandedChars > IMPORT_LIMITS.maxExpandedChars) {
    const what =
      chars === Infinity
        ? 'an alias in this document refers to itself'
        : `with its aliases expanded, the import holds more than ${IMPORT_LIMITS.maxExpandedChars} characters (the limit)`;
    diagnostics.push({ file, ...locator.value([]), message: what, severity: 'error' });
    return null;
  }
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
  const overLimit = firstStepOverLimit(value, IMPORT_LIMITS.maxStepsPerTest);
  if (overLimit) {
    diagnostics.push({
      file,
      ...locator.value(overLimit),
      message: `more than ${IMPORT_LIMITS.maxStepsPerTest} steps in one test or component (the limit)`,
      severity: 'error',
    });
    return null;
  }
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
