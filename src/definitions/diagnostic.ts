/** One YAML file of a bundle. `path` is only used to label diagnostics. */
export interface SourceFile {
  path: string;
  text: string;
}

/**
 * A problem found in a bundle, collected rather than thrown so one import reports every problem
 * of every file at once. Line and column are 1-based.
 */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning';
}

/** `file:line:col: message`, the shape editors and CI log parsers turn into clickable links. */
export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  return `${d.file}:${d.line}:${d.column}: ${prefix}${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
