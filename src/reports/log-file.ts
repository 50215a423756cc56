export interface LogEntry {
  at: string;
  level: string;
  message: string;
}

/** One log line per entry: `<ISO time> <LEVEL> <message>`; multi-line messages are indented. */
export function formatLogLine(entry: LogEntry): string {
  const message = entry.message.replace(/\r?\n/g, '\n    ');
  return `${entry.at} ${entry.level.toUpperCase().padEnd(5)} ${message}\n`;
}

export function renderLog(entries: readonly LogEntry[]): string {
  return entries.map(formatLogLine).join('');
}
