import type { LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The Nest log levels enabled for a configured LOG_LEVEL (that level and everything more severe). */
export function nestLogLevels(level: 'error' | 'warn' | 'log' | 'debug' | 'verbose'): LogLevel[] {
  return ORDER.slice(0, ORDER.indexOf(level) + 1);
}
