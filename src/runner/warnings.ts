// A client's own process warnings (`(node:1234) TimeoutNegativeWarning: …`, `[DEP0040] DeprecationWarning: …`)
// are notes of the arm that raised them, not lines in kbench's output. The arm's process replaces
// Node's printing listener with one that counts each kind and keeps its first line; the outcome carries
// them as notes ("client warning ×3: TimeoutNegativeWarning: …").

/** The prefix of every captured warning's note. */
export const CLIENT_WARNING = 'client warning';

interface Kind {
  count: number;
  first: string;
}

export interface WarningCapture {
  /** One note per kind of warning seen so far, in the order first seen. */
  notes(): string[];
  /** Puts Node's own printing back (tests). */
  restore(): void;
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').trim();
}

/** "TimeoutNegativeWarning: …" or "DeprecationWarning [DEP0040]: …", the first line only. */
export function describeWarning(w: Error & { code?: unknown }): { kind: string; text: string } {
  const name = w.name || 'Warning';
  const code = typeof w.code === 'string' && w.code ? ` [${w.code}]` : '';
  return { kind: `${name}${code}`, text: `${name}${code}: ${firstLine(String(w.message ?? ''))}` };
}

export function warningNote(count: number, text: string): string {
  return `${CLIENT_WARNING} ×${count}: ${text}`;
}

/**
 * From now on, this process's (or worker thread's) warnings are counted, not printed. Node prints
 * them from a 'warning' listener of its own; removing every listener and adding ours is the stable
 * way to keep them off stderr (no flag needed, whatever NODE_OPTIONS carries).
 */
export function captureWarnings(): WarningCapture {
  const previous = process.listeners('warning');
  const kinds = new Map<string, Kind>();
  const listener = (w: Error): void => {
    const { kind, text } = describeWarning(w);
    const k = kinds.get(kind);
    if (k) k.count++;
    else kinds.set(kind, { count: 1, first: text });
  };
  process.removeAllListeners('warning');
  process.on('warning', listener);
  return {
    notes: () => [...kinds.values()].map((k) => warningNote(k.count, k.first)),
    restore: () => {
      process.removeListener('warning', listener);
      for (const l of previous) process.on('warning', l);
    },
  };
}
