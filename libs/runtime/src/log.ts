/** A sink for one line of human-readable output (no trailing newline). */
export type LogFn = (line: string) => void;

const COLORS = [36, 35, 33, 32, 34, 96, 95, 93];
const assigned = new Map<string, number>();

/** Wraps a label in a stable ANSI colour when stdout is a terminal (and NO_COLOR is unset). */
export function colorLabel(label: string, stream: NodeJS.WriteStream = process.stdout): string {
  if (!stream.isTTY || 'NO_COLOR' in process.env) return label;
  let code = assigned.get(label);
  if (code === undefined) {
    code = COLORS[assigned.size % COLORS.length];
    assigned.set(label, code);
  }
  return `\u001b[${code}m${label}\u001b[0m`;
}

/** A LogFn printing `[label] line` to stdout. */
export function prefixedLogger(label: string, stream: NodeJS.WriteStream = process.stdout): LogFn {
  const prefix = `${colorLabel(`[${label}]`, stream)} `;
  return (line: string) => {
    stream.write(prefix + line + '\n');
  };
}

/** Keeps the last `size` lines, for error messages about a process that failed to start. */
export class LineRing {
  private readonly lines: string[] = [];
  constructor(private readonly size = 30) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }
  tail(n = this.size): string[] {
    return this.lines.slice(-n);
  }
}
