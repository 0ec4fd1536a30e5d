import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { describeExit, ManagedChild, spawnManaged, stopChild } from './child';
import { LogFn } from './log';
import { BinarySource, resolveTemporalCli, TEMPORAL_INSTALL_HINT } from './temporal-binaries';
import { waitFor } from './wait';

export interface TemporalDevServerOptions {
  /** Frontend gRPC port. */
  port: number;
  /** Web UI port; the UI is disabled when omitted. */
  uiPort?: number;
  /** SQLite file that persists workflows across restarts; in memory when omitted. */
  dbFile?: string;
  /** Created at launch ("default" always exists). */
  namespace: string;
  /** Explicit CLI path (TEMPORAL_CLI_PATH); otherwise PATH, .tools/venv/bin, then the SDK download. */
  cliPath?: string;
  /** Bind address; 127.0.0.1 by default. */
  ip?: string;
  log: LogFn;
  /** Server log level: debug, info, warn (default), error. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** How long to wait for the frontend to answer; 60 s by default. */
  readyTimeoutMs?: number;
  /** How long stop() waits before SIGKILL; 15 s by default. */
  stopTimeoutMs?: number;
  /** PATH to search (tests); process.env.PATH by default. */
  envPath?: string;
}

export interface TemporalDevServerHandle {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  uiUrl?: string;
  /** Where the server binary came from. */
  source: BinarySource;
  binaryPath?: string;
  /** The child process (undefined when the SDK runs the server). */
  child?: ManagedChild;
  stop(): Promise<void>;
}

/** Resolves once the frontend at `address` answers GetSystemInfo and knows `namespace`. */
export async function waitForTemporal(
  address: string,
  namespace: string,
  opts: { timeoutMs: number; abort?: () => string | undefined },
): Promise<void> {
  await waitFor(
    `Temporal at ${address}`,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        await connection.workflowService.getSystemInfo({});
        await connection.workflowService.describeNamespace({ namespace });
        return true;
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
    { timeoutMs: opts.timeoutMs, intervalMs: 300, abort: opts.abort },
  );
}

/** The compiled guard that stops a non-Node child when its parent disappears (absent when run from .ts). */
function guardScript(): string | undefined {
  const file = path.join(__dirname, 'process-guard.js');
  return existsSync(file) ? file : undefined;
}

/**
 * Starts a Temporal dev server (`temporal server start-dev`) and resolves once its frontend answers. The CLI comes
 * from `cliPath`, PATH or .tools/venv/bin; when none exists, the SDK downloads one (needs internet). Throws an Error
 * whose message is TEMPORAL_INSTALL_HINT when neither works.
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServerHandle> {
  const ip = opts.ip ?? '127.0.0.1';
  const address = `${ip}:${opts.port}`;
  const uiUrl = opts.uiPort ? `http://${ip}:${opts.uiPort}` : undefined;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  if (opts.dbFile) mkdirSync(path.dirname(opts.dbFile), { recursive: true });

  const resolved = resolveTemporalCli(opts.cliPath, opts.envPath ?? process.env.PATH);
  if (!resolved.path) return startWithSdkDownload(opts, ip, address, uiUrl, readyTimeoutMs);

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(opts.port), '--log-level', opts.logLevel ?? 'warn'];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.namespace !== 'default') args.push('--namespace', opts.namespace);

  const guard = guardScript();
  const [command, commandArgs] = guard
    ? [process.execPath, [guard, resolved.path, ...args]]
    : [resolved.path, args];
  const child = spawnManaged(command, commandArgs, 'temporal', {
    log: opts.log,
    // stdout is the CLI's banner (we print our own summary); stderr carries the server's warnings.
    filter: (_line, stream) => stream === 'stderr',
    quietWhenStopping: true,
  });
  const stop = async () => {
    await stopChild(child, opts.stopTimeoutMs ?? 15_000);
  };
  try {
    await waitForTemporal(address, opts.namespace, {
      timeoutMs: readyTimeoutMs,
      abort: () => (child.exit ? `the dev server ${describeExit(child.exit)}` : undefined),
    });
  } catch (err) {
    await stop();
    const tail = child.output.tail(8).join(' | ');
    throw new Error(`${(err as Error).message}${tail ? ` — last output: ${tail}` : ''}`);
  }
  return { address, namespace: opts.namespace, uiUrl, source: resolved.source, binaryPath: resolved.path, child, stop };
}

async function startWithSdkDownload(
  opts: TemporalDevServerOptions,
  ip: string,
  address: string,
  uiUrl: string | undefined,
  readyTimeoutMs: number,
): Promise<TemporalDevServerHandle> {
  opts.log('No Temporal CLI found (TEMPORAL_CLI_PATH, PATH, .tools/venv/bin); trying the Temporal SDK download');
  let testing: typeof import('@temporalio/testing');
  try {
    testing = await import('@temporalio/testing');
  } catch (cause) {
    throw new Error(TEMPORAL_INSTALL_HINT, { cause });
  }
  try {
    // The SDK's runtime would otherwise trap SIGINT/SIGTERM itself; the caller owns shutdown.
    const { Runtime } = await import('@temporalio/worker');
    Runtime.install({ shutdownSignals: [] });
  } catch {
    /* already installed by the caller */
  }
  let env: import('@temporalio/testing').TestWorkflowEnvironment;
  try {
    env = await testing.TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        ip,
        port: opts.port,
        ui: !!opts.uiPort,
        uiPort: opts.uiPort,
        dbFilename: opts.dbFile,
        namespace: opts.namespace,
        log: { format: 'pretty', level: opts.logLevel ?? 'warn' },
      },
    });
  } catch (cause) {
    opts.log(`SDK download failed: ${(cause as Error).message?.split('\n')[0]}`);
    throw new Error(TEMPORAL_INSTALL_HINT, { cause });
  }
  const stop = async () => {
    await env.teardown();
  };
  try {
    await waitForTemporal(address, opts.namespace, { timeoutMs: readyTimeoutMs });
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { address, namespace: opts.namespace, uiUrl, source: 'sdk-download', stop };
}
