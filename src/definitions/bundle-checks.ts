import type { ImportBundle } from './bundle-types.js';
import type { Diagnostic } from './diagnostic.js';
import type { DocumentDefinition } from './document.js';
import type { Position } from './locate.js';

/** A document that passed its own checks, with the positions cross-document checks point at. */
export interface BundleEntry {
  doc: DocumentDefinition;
  file: string;
  /** The slug, or the name it was derived from. */
  slugAt: Position;
  /** The document's root mapping. */
  docAt: Position;
  /** `data.is_default` of a profile (its root when absent). */
  defaultAt: Position;
}

/**
 * Assembles the bundle and checks what no single document can: slugs unique per kind, at most one
 * project and one default profile. The second occurrence is reported, naming the first.
 */
export function assembleBundle(entries: readonly BundleEntry[]): { bundle: ImportBundle; diagnostics: Diagnostic[] } {
  const bundle: ImportBundle = { tests: [], components: [], profiles: [], suites: [], project: null };
  const diagnostics: Diagnostic[] = [];
  const report = (entry: BundleEntry, at: Position, message: string): void => {
    diagnostics.push({ file: entry.file, line: at.line, column: at.column, message, severity: 'error' });
  };
  const where = (entry: BundleEntry, at: Position): string => `${entry.file}:${at.line}:${at.column}`;

  const slugs = new Map<string, BundleEntry>();
  let project: BundleEntry | null = null;
  let defaultProfile: BundleEntry | null = null;

  for (const entry of entries) {
    const { doc } = entry;
    if (doc.kind === 'project') {
      if (project) {
        report(entry, entry.docAt, `more than one project document in the bundle (first at ${where(project, project.docAt)})`);
        continue;
      }
      project = entry;
      bundle.project = doc.definition;
      continue;
    }

    const key = `${doc.kind}:${doc.definition.slug}`;
    const first = slugs.get(key);
    if (first) {
      report(entry, entry.slugAt, `duplicate ${doc.kind} slug "${doc.definition.slug}" (first at ${where(first, first.slugAt)})`);
    } else {
      slugs.set(key, entry);
    }

    switch (doc.kind) {
      case 'test':
        bundle.tests.push(doc.definition);
        break;
      case 'component':
        bundle.components.push(doc.definition);
        break;
      case 'suite':
        bundle.suites.push(doc.definition);
        break;
      case 'profile':
        if (doc.definition.isDefault) {
          if (defaultProfile) {
            report(entry, entry.defaultAt, `more than one default profile (first at ${where(defaultProfile, defaultProfile.defaultAt)})`);
          } else {
            defaultProfile = entry;
          }
        }
        bundle.profiles.push(doc.definition);
        break;
    }
  }
  return { bundle, diagnostics };
}
